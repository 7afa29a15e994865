// The needs register (ニーズ): what the center sees and no one meets, coded by kind so the
// figures can count them. Filter by kind and status, note a new need, mark one met.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { fromSelect } from '../../api/enums';
import { asProblem, type Problem } from '../../api/problem';
import { createNeed, getNeed, listNeeds, updateNeed, type Need, type NeedKind } from '../../api/projects';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, SelectField, TextAreaField } from '../../components/Field';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { Cell, Row, Table } from '../../components/Table';
import { useCursorList } from '../../components/useCursorList';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { problemMessage } from '../../i18n/translate';
import { todayInTokyo } from '../../lib/datetime';
import { patientName } from '../labels';
import { PatientNameById, PatientPicker } from './PatientPicker';
import { needKindLabel, needStatusLabel } from './shomanLabels';
import { NEED_KINDS, NEED_STATUSES, needFilter } from './shomanModel';

function AddNeed({ onDone }: { onDone: (message: string) => void }) {
  const i = useI18n();
  const { t } = i;
  const queryClient = useQueryClient();
  const [kind, setKind] = useState('');
  const [description, setDescription] = useState('');
  const [notedOn, setNotedOn] = useState(todayInTokyo());
  const [patient, setPatient] = useState<{ id: string; name: string } | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const labels = {
    kind: t('need.kind'),
    description: t('need.description'),
    noted_on: t('need.notedOn'),
    patient_id: t('need.patient'),
  };
  const body = {
    kind: fromSelect<NeedKind>(kind),
    description: description.trim(),
    noted_on: notedOn,
    patient_id: patient?.id ?? null,
  };
  const idempotencyKey = useIdempotencyKey(body);
  const mutation = useMutation({
    mutationFn: () => createNeed(body, idempotencyKey),
    onSuccess: async () => {
      setProblem(null);
      setKind('');
      setDescription('');
      setPatient(null);
      await queryClient.invalidateQueries({ queryKey: keys.needs });
      onDone(t('need.added'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };
  return (
    <section aria-labelledby="add-need" className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <h2 id="add-need" className="text-std-22B-150">
        {t('need.addTitle')}
      </h2>
      <ErrorSummary id="need-errors" problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className="flex max-w-3xl flex-col gap-4">
        <SelectField
          name="kind"
          label={labels.kind}
          required
          placeholder={t('common.selectPlaceholder')}
          options={NEED_KINDS.map((k) => ({ value: k, label: needKindLabel(i, k) }))}
          value={kind}
          onChange={(e) => setKind(e.target.value)}
          errors={errorsFor('kind')}
        />
        <TextAreaField
          name="description"
          label={labels.description}
          hint={t('need.descriptionHint')}
          required
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          errors={errorsFor('description')}
        />
        <DateField
          name="noted_on"
          label={labels.noted_on}
          required
          value={notedOn}
          onChange={(v) => setNotedOn(v)}
          errors={errorsFor('noted_on')}
        />
        {patient ? (
          <div className="flex flex-wrap items-center gap-3">
            <span className="text-std-17B-170">{labels.patient_id}</span>
            <span className="text-std-16N-170">{patient.name}</span>
            <Button size="sm" variant="text" onClick={() => setPatient(null)}>
              {t('need.clearPatient')}
            </Button>
          </div>
        ) : (
          <PatientPicker
            name="patient_id"
            label={t('need.findPatient')}
            hint={t('need.patientHint')}
            chooseLabel={t('need.choosePatient')}
            exclude={[]}
            onChoose={(p) => setPatient({ id: p.id, name: patientName(p) })}
          />
        )}
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('form.saving') : t('need.add')}
          </Button>
        </div>
      </form>
    </section>
  );
}

function MarkMet({ need, onDone }: { need: Need; onDone: (message: string) => void }) {
  const { t, lang } = useI18n();
  const queryClient = useQueryClient();
  const mutation = useMutation({
    mutationFn: async () => {
      // The list carries no ETags: read the need for its current version first.
      const current = await getNeed(need.id);
      return updateNeed(need.id, { status: 'met', met_on: todayInTokyo() }, current.etag);
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.needs });
      onDone(t('need.markedMet'));
    },
  });
  const p = asProblem(mutation.error);
  return (
    <>
      <Button size="sm" variant="outline" disabled={mutation.isPending} onClick={() => mutation.mutate()}>
        {t('need.markMet')}
        <span className="sr-only">{t('need.markMetContext', { description: need.description })}</span>
      </Button>
      {p && (
        <p role="alert" className="text-dns-16N-130 text-error-1">
          {problemMessage(p, lang)}
        </p>
      )}
    </>
  );
}

export function NeedsPage() {
  const i = useI18n();
  const { t } = i;
  const [params, setParams] = useSearchParams();
  const kind = params.get('kind') ?? '';
  const status = params.get('status') ?? 'open';
  const filter = needFilter(kind, status);
  const [message, setMessage] = useState<string | null>(null);
  const list = useCursorList([...keys.needs, filter], (cursor) => listNeeds(filter, cursor), { keepPrevious: true, alwaysRefetch: true });
  const update = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    next.set(key, value);
    setParams(next, { replace: true });
  };
  const notOffered = asProblem(list.error)?.code === 'program_not_offered';
  return (
    <>
      <PageTitle>{t('need.listTitle')}</PageTitle>
      <p className="max-w-4xl text-std-16N-170">{t('need.lead')}</p>
      <p>
        <Link to="/projects">{t('need.toProjects')}</Link>
      </p>
      {message && <Notice tone="success" live="polite" title={message} />}
      <div className="flex flex-wrap items-end gap-6">
        <div className="min-w-64">
          <SelectField
            name="filter_kind"
            label={t('need.filterKind')}
            options={[{ value: '', label: t('common.all') }, ...NEED_KINDS.map((k) => ({ value: k, label: needKindLabel(i, k) }))]}
            value={kind}
            onChange={(e) => update('kind', e.target.value)}
          />
        </div>
        <div className="min-w-48">
          <SelectField
            name="filter_status"
            label={t('need.filterStatus')}
            options={[{ value: 'all', label: t('common.all') }, ...NEED_STATUSES.map((s) => ({ value: s, label: needStatusLabel(i, s) }))]}
            value={status}
            onChange={(e) => update('status', e.target.value)}
          />
        </div>
      </div>
      {list.isPending ? (
        <Loading />
      ) : notOffered ? (
        <Notice tone="info" title={t('problem.program_not_offered')} />
      ) : list.error ? (
        <LoadError error={list.error} retry={list.refetch} />
      ) : list.items.length === 0 ? (
        <p role="status" className="text-std-16N-170">
          {t('need.empty')}
        </p>
      ) : (
        <div aria-busy={list.isStale || undefined} className={list.isStale ? 'opacity-60' : ''}>
          <Table
            caption={t('need.listTitle')}
            head={[t('need.kind'), t('need.description'), t('need.notedOn'), t('need.patient'), t('need.status'), t('need.action')]}
          >
            {list.items.map((n) => (
              <Row key={n.id}>
                <Cell header>{needKindLabel(i, n.kind)}</Cell>
                <Cell>{n.description}</Cell>
                <Cell>
                  <span className="whitespace-nowrap">{i.date(n.noted_on, { era: false })}</span>
                </Cell>
                <Cell>
                  {n.patient_id ? (
                    <Link to={`/patients/${n.patient_id}`}>
                      <PatientNameById id={n.patient_id} />
                    </Link>
                  ) : (
                    t('common.none')
                  )}
                </Cell>
                <Cell>
                  <span data-testid="need-status">{needStatusLabel(i, n.status)}</span>
                  {n.met_on && <span className="block text-dns-16N-130">{i.date(n.met_on, { era: false })}</span>}
                </Cell>
                <Cell>{n.status === 'open' ? <MarkMet need={n} onDone={setMessage} /> : t('common.none')}</Cell>
              </Row>
            ))}
          </Table>
          <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
        </div>
      )}
      <AddNeed onDone={setMessage} />
    </>
  );
}
