// 監査ログ: who read or changed what, newest first; the CSV export and the tamper check.
import { useMutation } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { asProblem, networkProblem } from '../../api/problem';
import { downloadAuditEvents, listAuditEvents, verifyAuditEvents, type AuditFilter } from '../../api/supervision';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, fieldId, SelectField, TextField } from '../../components/Field';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { problemMessage } from '../../i18n/translate';
import { listPatients } from '../../api/resources';
import { useMe } from '../../auth/AuthProvider';
import { useStaff } from '../cases/useCaseData';
import { DownloadButtons } from '../reports/Downloads';
import { AuditEventTable, usePatientNames } from './AuditEvents';
import { auditActionLabel, groupedActions, isAuditAction, shortId } from './auditModel';
import { SupervisionNav } from './SupervisionNav';
import { dayBounds } from './supervisionModel';

interface FormState {
  patient: string;
  actor: string;
  action: string;
  from: string;
  to: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function formFromParams(params: URLSearchParams): FormState {
  return {
    patient: params.get('patient') ?? '',
    actor: params.get('actor') ?? '',
    action: params.get('action') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

/** The API's filter for what the URL asks (empty fields left out). */
function apiFilter(f: FormState): AuditFilter {
  return {
    ...(f.patient ? { patient_id: f.patient } : {}),
    ...(f.actor ? { actor_id: f.actor } : {}),
    ...(f.action.trim() ? { action: f.action.trim() } : {}),
    ...dayBounds(f.from, f.to),
  };
}

function Verify() {
  const i = useI18n();
  const { t } = i;
  const verify = useMutation({ mutationFn: verifyAuditEvents });
  const result = verify.data;
  return (
    <section aria-labelledby="audit-verify" className="flex flex-col gap-3">
      <h2 id="audit-verify" className="text-std-22B-150">
        {t('audit.verifyTitle')}
      </h2>
      <p className="text-std-16N-170">{t('audit.verifyLead')}</p>
      <div>
        <Button variant="outline" aria-disabled={verify.isPending || undefined} onClick={() => !verify.isPending && verify.mutate()}>
          {t('audit.verify')}
        </Button>
      </div>
      <div role="status" data-testid="verify-result">
        {verify.isPending ? (
          <p className="text-std-16N-170">{t('audit.verifying')}</p>
        ) : result ? (
          result.valid ? (
            <Notice tone="success" title={t('audit.valid', { checked: result.checked })} />
          ) : (
            <Notice
              tone="error"
              title={t('audit.broken', {
                checked: result.checked,
                seq: result.first_broken?.seq ?? '?',
                reason: result.first_broken?.reason ?? '?',
              })}
            />
          )
        ) : verify.error ? (
          <Notice tone="error" title={problemMessage(asProblem(verify.error) ?? networkProblem(verify.error), i.lang)} />
        ) : null}
      </div>
    </section>
  );
}

export function AuditTrailPage() {
  const i = useI18n();
  const { t } = i;
  const staff = useStaff();
  const me = useMe();
  // Only who may see patients searches them by name; administrators give the id.
  const seesPatients = me.roleKnown === 'supervisor';
  const [params, setParams] = useSearchParams();
  const applied = formFromParams(params);
  const filter = apiFilter(applied);
  const [form, setForm] = useState<FormState>(applied);
  const [patientError, setPatientError] = useState<string | null>(null);
  // A patient the filter could not find is said on the field, which takes focus so that
  // keyboard and screen-reader users learn of it (the list below did not change).
  useEffect(() => {
    if (patientError) document.getElementById(fieldId('patient_id'))?.focus();
  }, [patientError]);
  const [resolving, setResolving] = useState(false);
  const chosenPatient = usePatientNames([applied.patient]).label(applied.patient);
  const actionGroups = groupedActions().map((g) => ({
    label: t(`auditGroup.${g.group}`),
    options: g.actions.map((a) => ({ value: a, label: auditActionLabel(i, a) })),
  }));
  // An action from an older link (or a prefix such as `patient.`) stays choosable as it is.
  const extraAction = form.action !== '' && !isAuditAction(form.action) ? [{ value: form.action, label: form.action }] : [];
  const list = useCursorList(keys.auditEvents(filter), (cursor) => listAuditEvents(filter, cursor), { keepPrevious: true });
  const problem = asProblem(list.error);
  const fieldProblem = problem?.status === 422 ? problem : null;
  const errorsFor = useFieldErrors(fieldProblem);
  const labels = { patient_id: t('audit.patientFilter'), actor_id: t('audit.actor'), action: t('audit.action'), from: t('audit.from'), to: t('audit.to') };

  /** The patient field as an id: an id as typed, else (for supervisors) the one patient the search finds. */
  const resolvePatient = async (text: string): Promise<string | null> => {
    const q = text.trim();
    if (q === '' || UUID.test(q) || q === applied.patient) return q;
    if (!seesPatients) {
      setPatientError(t('audit.patientNotFound'));
      return null;
    }
    const found = (await listPatients(q)).items;
    const exact = found.filter((p) => p.case_number === q);
    const one = exact.length === 1 ? exact[0] : found.length === 1 ? found[0] : undefined;
    if (one) return one.id;
    setPatientError(t(found.length === 0 ? 'audit.patientNotFound' : 'audit.patientMany'));
    return null;
  };

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (resolving) return;
    setPatientError(null);
    setResolving(true);
    let patient: string | null;
    try {
      patient = await resolvePatient(form.patient);
    } catch {
      patient = null;
      setPatientError(t('audit.patientNotFound'));
    } finally {
      setResolving(false);
    }
    if (patient === null) return;
    const next = new URLSearchParams();
    const chosen = { ...form, patient };
    for (const k of ['patient', 'actor', 'action', 'from', 'to'] as const) {
      const v = chosen[k].trim();
      if (v !== '') next.set(k, v);
    }
    setForm(chosen);
    setParams(next, { replace: true });
  };

  return (
    <>
      <PageTitle>{t('supervision.audit')}</PageTitle>
      <SupervisionNav />
      <p className="max-w-4xl text-std-16N-170">{t('audit.lead')}</p>

      <section aria-labelledby="audit-filters" className="flex flex-col gap-4 rounded-8 border border-solid-gray-420 p-4">
        <h2 id="audit-filters" className="text-std-20B-150">
          {t('audit.filters')}
        </h2>
        <ErrorSummary id="audit-errors" problem={fieldProblem} fields={labels} />
        <form onSubmit={(e) => void onSubmit(e)} noValidate className="flex flex-wrap items-end gap-6">
          <div className="min-w-60">
            <TextField
              name="patient_id"
              label={labels.patient_id}
              hint={seesPatients ? t('audit.patientHint') : t('audit.patientHintId')}
              autoComplete="off"
              value={form.patient}
              onChange={(e) => setForm({ ...form, patient: e.target.value })}
              errors={[...(patientError ? [patientError] : []), ...errorsFor('patient_id')]}
            />
            {applied.patient !== '' && form.patient === applied.patient && (
              <p className="mt-1 text-dns-16N-130 text-solid-gray-700" data-testid="audit-patient">
                {chosenPatient ?? t('audit.patientShort', { id: shortId(applied.patient) })}
              </p>
            )}
          </div>
          <div className="min-w-60">
            <SelectField
              name="actor_id"
              label={labels.actor_id}
              options={[
                { value: '', label: t('audit.actorAll') },
                ...(staff.data ?? []).map((u) => ({ value: u.id, label: u.display_name })),
              ]}
              value={form.actor}
              onChange={(e) => setForm({ ...form, actor: e.target.value })}
              errors={errorsFor('actor_id')}
            />
          </div>
          <div className="min-w-60">
            <SelectField
              name="action"
              label={labels.action}
              hint={t('audit.actionHint')}
              options={[{ value: '', label: t('audit.actionAll') }, ...extraAction]}
              groups={actionGroups}
              value={form.action}
              onChange={(e) => setForm({ ...form, action: e.target.value })}
              errors={errorsFor('action')}
            />
          </div>
          <div className="min-w-48">
            <DateField
              name="from"
              label={labels.from}
              value={form.from}
              onChange={(v) => setForm({ ...form, from: v })}
              errors={errorsFor('from')}
            />
          </div>
          <div className="min-w-48">
            <DateField
              name="to"
              label={labels.to}
              value={form.to}
              onChange={(v) => setForm({ ...form, to: v })}
              errors={errorsFor('to')}
            />
          </div>
          <Button type="submit">{t('audit.apply')}</Button>
        </form>
        <DownloadButtons
          groupLabel={t('audit.downloads')}
          testId="downloads-audit"
          choices={[{ id: 'csv', label: t('audit.download'), format: 'CSV', fetch: () => downloadAuditEvents(filter) }]}
        />
      </section>

      <section aria-labelledby="audit-events" className="flex flex-col gap-3">
        <h2 id="audit-events" className="sr-only">
          {t('supervision.audit')}
        </h2>
        {list.isPending ? (
          <Loading />
        ) : list.error && !fieldProblem ? (
          <LoadError error={list.error} retry={list.refetch} />
        ) : list.items.length === 0 ? (
          <p className="text-std-16N-170">{t('audit.empty')}</p>
        ) : (
          <>
            <AuditEventTable items={list.items} caption={t('supervision.audit')} />
            <ListFooter count={list.items.length} hasMore={list.hasMore} loadingMore={list.loadingMore} loadMore={list.loadMore} />
          </>
        )}
      </section>

      <Verify />
    </>
  );
}
