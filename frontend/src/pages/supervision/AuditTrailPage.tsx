// 監査ログ: who read or changed what, newest first; the CSV export and the tamper check.
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import { keys } from '../../api/client';
import { asProblem, networkProblem } from '../../api/problem';
import { downloadAuditEvents, listAuditEvents, verifyAuditEvents, type AuditFilter } from '../../api/supervision';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, SelectField, TextField } from '../../components/Field';
import { ListFooter } from '../../components/ListFooter';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useCursorList } from '../../components/useCursorList';
import { useI18n } from '../../i18n/I18nProvider';
import { problemMessage } from '../../i18n/translate';
import { useStaff } from '../cases/useCaseData';
import { DownloadButtons } from '../reports/Downloads';
import { AuditEventTable } from './AuditEvents';
import { SupervisionNav } from './SupervisionNav';
import { dayBounds } from './supervisionModel';

interface FormState {
  actor: string;
  action: string;
  from: string;
  to: string;
}

function formFromParams(params: URLSearchParams): FormState {
  return {
    actor: params.get('actor') ?? '',
    action: params.get('action') ?? '',
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
  };
}

/** The API's filter for what the URL asks (empty fields left out). */
function apiFilter(f: FormState): AuditFilter {
  return {
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
  const [params, setParams] = useSearchParams();
  const applied = formFromParams(params);
  const filter = apiFilter(applied);
  const [form, setForm] = useState<FormState>(applied);
  const list = useCursorList(keys.auditEvents(filter), (cursor) => listAuditEvents(filter, cursor), { keepPrevious: true });
  const problem = asProblem(list.error);
  const fieldProblem = problem?.status === 422 ? problem : null;
  const errorsFor = useFieldErrors(fieldProblem);
  const labels = { actor_id: t('audit.actor'), action: t('audit.action'), from: t('audit.from'), to: t('audit.to') };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const k of ['actor', 'action', 'from', 'to'] as const) {
      const v = form[k].trim();
      if (v !== '') next.set(k, v);
    }
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
        <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-end gap-6">
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
            <TextField
              name="action"
              label={labels.action}
              hint={t('audit.actionHint')}
              autoComplete="off"
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
