import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useLocation, useNavigate, useParams } from 'react-router';
import { keys, type FollowUp, type Versioned } from '../../api/client';
import { CASE_OUTCOMES, CONTACTED, FOLLOW_UP_METHODS } from '../../api/enums';
import { getFollowUp, updateFollowUp } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { DateField, RadioGroupField, TextAreaField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { submitOnCtrlEnter, useEditForm } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { conflictRows } from '../cases/conflictRows';
import { followUpToForm, toFollowUpPatch, type FollowUpEdit } from '../cases/editForms';
import { contactedLabel, followUpMethodLabel, outcomeLabel, withNote } from '../labels';
import { caseReturn } from './followUpForm';

/** Correcting a follow-up already recorded as done (a supervisor may have returned it for this). */
export function FollowUpEditPage() {
  const { id = '' } = useParams();
  const i = useI18n();
  const { t } = i;
  const q = useQuery({ queryKey: keys.followUp(id), queryFn: () => getFollowUp(id), staleTime: 0 });
  const f = q.data?.data;
  return (
    <>
      <PageTitle>{t('followUp.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error || !f ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : f.state !== 'done' ? (
        <Notice tone="info" title={t('followUp.cancelledNotice')} />
      ) : (
        <>
          <p className="text-std-17N-170">{withNote(i, f.patient_name, f.agency_name)}</p>
          <EditForm key={id} id={id} initial={q.data} />
        </>
      )}
    </>
  );
}

function EditForm({ id, initial }: { id: string; initial: Versioned<FollowUp> }) {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const location = useLocation();
  const queryClient = useQueryClient();
  const back = caseReturn((location.state as { from?: string } | null)?.from, initial.data.referral_id);
  const labels: Record<keyof FollowUpEdit, string> = {
    done_on: t('followUp.doneOn'),
    method: t('followUp.method'),
    contacted: t('followUp.contacted'),
    outcome: t('followUp.outcome'),
    notes: t('followUp.notes'),
  };
  const form = useEditForm<FollowUp, FollowUpEdit>({
    initial,
    toForm: followUpToForm,
    save: (changes, etag) => updateFollowUp(id, toFollowUpPatch(changes), etag),
    reload: () => getFollowUp(id),
    onSaved: () => {
      void queryClient.invalidateQueries({ queryKey: keys.cases });
      void navigate(back, flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const display = (f: FollowUpEdit): Record<keyof FollowUpEdit, string> => ({
    done_on: /^\d{4}-\d{2}-\d{2}$/.test(f.done_on) ? i.date(f.done_on) : f.done_on,
    method: f.method ? followUpMethodLabel(i, f.method) : '',
    contacted: f.contacted ? contactedLabel(i, f.contacted) : '',
    outcome: f.outcome ? outcomeLabel(i, f.outcome) : '',
    notes: f.notes,
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('followUp.resource')}
          rows={conflictRows(labels, display(form.values), display(followUpToForm(form.conflict.data)))}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} onKeyDown={submitOnCtrlEnter} noValidate className={formClass}>
        <DateField
          name="done_on"
          label={labels.done_on}
          required
          value={form.values.done_on}
          onChange={(v) => form.set('done_on', v)}
          errors={errorsFor('done_on')}
        />
        <RadioGroupField
          name="method"
          label={labels.method}
          required
          columns={3}
          choices={FOLLOW_UP_METHODS.map((m) => ({ value: m, label: t(`followUpMethod.${m}`) }))}
          value={form.values.method}
          onChange={(v) => form.set('method', v)}
          errors={errorsFor('method')}
        />
        <RadioGroupField
          name="contacted"
          label={labels.contacted}
          required
          columns={3}
          choices={CONTACTED.map((c) => ({ value: c, label: t(`contacted.${c}`) }))}
          value={form.values.contacted}
          onChange={(v) => form.set('contacted', v)}
          errors={errorsFor('contacted')}
        />
        <RadioGroupField
          name="outcome"
          label={labels.outcome}
          required
          columns={2}
          choices={CASE_OUTCOMES.map((o) => ({ value: o, label: t(`outcome.${o}`) }))}
          value={form.values.outcome}
          onChange={(v) => form.set('outcome', v)}
          errors={errorsFor('outcome')}
        />
        <TextAreaField
          name="notes"
          label={labels.notes}
          value={form.values.notes}
          onChange={(e) => form.set('notes', e.target.value)}
          errors={errorsFor('notes')}
        />
        <p className="text-dns-16N-130 text-solid-gray-700">{t('common.ctrlEnter')}</p>
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo={back} />
      </form>
    </>
  );
}
