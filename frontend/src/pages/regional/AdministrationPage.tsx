// One administration (system administrator): its threshold and whether it is active (under
// optimistic concurrency), and the centers assigned to it, assigned and taken out one by
// one (PATCH /centers/{id} with `administration_id`, at the center's own version).
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useParams } from 'react-router';
import { keys, type Versioned } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { getAdministration, updateAdministration, type Administration } from '../../api/regional';
import { getCenter, updateCenter } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, ReadOnlyField, SelectField, TextField } from '../../components/Field';
import { FlashNotice } from '../../components/Flash';
import { checkNumbers, readNumber, useEditForm } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useI18n } from '../../i18n/I18nProvider';
import { prefectureLabel } from '../labels';
import { useAllCenters } from '../users/useAllCenters';
import { administrationKindLabel } from './regionalLabels';

export function AdministrationPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.administration(id), queryFn: () => getAdministration(id) });
  // Kept here: the settings form starts again at the version read after its save.
  const [saved, setSaved] = useState(false);
  return (
    <>
      <PageTitle>{q.data ? q.data.data.name : t('administration.detailTitle')}</PageTitle>
      <FlashNotice />
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <>
          {saved && <Notice tone="success" live="polite" title={t('common.saved')} />}
          <AdministrationSettings key={q.data.etag} initial={q.data} onSaved={setSaved} />
          <AssignedCenters adm={q.data.data} />
        </>
      )}
    </>
  );
}

interface SettingsForm {
  suppression_threshold: string;
  active: boolean;
}

const toForm = (a: Administration): SettingsForm => ({ suppression_threshold: String(a.suppression_threshold), active: a.active });

function AdministrationSettings({ initial, onSaved }: { initial: Versioned<Administration>; onSaved: (saved: boolean) => void }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const a = initial.data;
  const labels = { suppression_threshold: t('administration.threshold'), active: t('administration.active') };
  const form = useEditForm<Administration, SettingsForm>({
    initial,
    toForm,
    save: (changes, etag) => {
      onSaved(false);
      const { suppression_threshold, active } = changes;
      return updateAdministration(
        a.id,
        {
          ...(active === undefined ? {} : { active }),
          ...(suppression_threshold === undefined ? {} : { suppression_threshold: readNumber(suppression_threshold) ?? Number.NaN }),
        },
        etag,
      );
    },
    reload: () => getAdministration(a.id),
    // What is not a number would go as null, which the server reads as "no change" and answers "saved".
    check: (changes) => checkNumbers(changes, ['suppression_threshold']),
    onSaved: (v) => {
      onSaved(v !== null);
      void queryClient.invalidateQueries({ queryKey: keys.administrations });
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const show = (f: SettingsForm) => ({
    suppression_threshold: f.suppression_threshold,
    active: f.active ? t('common.active') : t('common.inactive'),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };
  return (
    <section aria-labelledby="administration-settings" className="flex flex-col gap-4">
      <h2 id="administration-settings" className="text-std-22B-150">
        {t('administration.settings')}
      </h2>
      {form.conflict && (
        <ConflictPanel
          resource={t('administration.resource')}
          rows={(['suppression_threshold', 'active'] as const).map((k) => ({
            label: labels[k],
            yours: show(form.values)[k],
            current: form.conflict ? show(toForm(form.conflict.data))[k] : '',
          }))}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary id="administration-errors" problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-6">
        <ReadOnlyField label={t('administration.code')} value={<code>{a.code}</code>} />
        <ReadOnlyField label={t('administration.kind')} value={administrationKindLabel(i, a.kind)} />
        <ReadOnlyField label={t('center.prefecture')} value={prefectureLabel(i, a.prefecture_code)} />
        <TextField
          name="suppression_threshold"
          label={labels.suppression_threshold}
          hint={t('administration.thresholdHint')}
          required
          inputMode="numeric"
          className="max-w-32"
          value={form.values.suppression_threshold}
          onChange={(e) => form.set('suppression_threshold', e.target.value)}
          errors={errorsFor('suppression_threshold')}
        />
        <CheckboxField
          name="active"
          label={labels.active}
          checked={form.values.active}
          onChange={(e) => form.set('active', e.target.checked)}
          errors={errorsFor('active')}
        />
        <div>
          <Button type="submit" aria-disabled={form.saving || undefined}>
            {form.saving ? t('form.saving') : t('common.save')}
          </Button>
        </div>
      </form>
    </section>
  );
}

function AssignedCenters({ adm }: { adm: Administration }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const centers = useAllCenters(true);
  const [chosen, setChosen] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [done, setDone] = useState('');
  const assigned = adm.centers ?? [];
  const assign = useMutation({
    // The center's own version: read it, then change only its administration.
    mutationFn: async ({ centerId, to }: { centerId: string; to: string | null }) => {
      const c = await getCenter(centerId);
      return updateCenter(centerId, { administration_id: to }, c.etag);
    },
    onSuccess: (c, { to }) => {
      setProblem(null);
      setChosen('');
      setDone(to ? t('administration.assigned', { name: c.data.name }) : t('administration.unassigned', { name: c.data.name }));
      void queryClient.invalidateQueries({ queryKey: keys.administration(adm.id) });
      void queryClient.invalidateQueries({ queryKey: keys.centers });
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const available = (centers.data ?? []).filter((c) => c.active && c.administration_id !== adm.id);
  return (
    <section aria-labelledby="administration-centers" className="flex flex-col gap-4">
      <h2 id="administration-centers" className="text-std-22B-150">
        {t('administration.centers')}
      </h2>
      <p className="max-w-4xl text-std-16N-170">{t('administration.centersLead')}</p>
      <p role="status" className="min-h-[1lh] text-std-16N-170">
        {done}
      </p>
      <ErrorSummary id="assign-errors" problem={problem} fields={{ center: t('administration.centerToAssign') }} />
      {assigned.length === 0 ? (
        <p className="text-std-16N-170">{t('administration.noCenters')}</p>
      ) : (
        <Table caption={t('administration.centers')} head={[t('center.name'), t('center.code'), t('administration.unassign')]}>
          {assigned.map((c) => (
            <Row key={c.id}>
              <Cell header>{c.name}</Cell>
              <Cell>
                <code>{c.code}</code>
              </Cell>
              <Cell>
                <Button size="sm" variant="outline" onClick={() => assign.mutate({ centerId: c.id, to: null })}>
                  {t('administration.unassign')}
                  <span className="sr-only">{c.name}</span>
                </Button>
              </Cell>
            </Row>
          ))}
        </Table>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen !== '' && !assign.isPending) assign.mutate({ centerId: chosen, to: adm.id });
        }}
        noValidate
        className="flex max-w-3xl flex-wrap items-end gap-4"
      >
        <div className="min-w-80 flex-1">
          <SelectField
            name="center"
            label={t('administration.centerToAssign')}
            hint={t('administration.centerToAssignHint')}
            placeholder={centers.isPending ? t('common.loading') : t('common.selectPlaceholder')}
            options={available.map((c) => ({ value: c.id, label: `${c.name}（${prefectureLabel(i, c.prefecture_code)}）` }))}
            value={chosen}
            onChange={(e) => setChosen(e.target.value)}
          />
        </div>
        <Button type="submit" aria-disabled={assign.isPending || chosen === '' || undefined}>
          {t('administration.assign')}
        </Button>
      </form>
    </section>
  );
}
