import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { keys, type Referral, type Versioned } from '../../api/client';
import { PURPOSES } from '../../api/enums';
import { getReferral, updateReferral } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { RadioGroupField, TextAreaField, TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { submitOnCtrlEnter, useEditForm } from '../../components/forms';
import { Notice } from '../../components/Notice';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { conflictRows } from '../cases/conflictRows';
import { referralToForm, toReferralPatch, type ReferralEdit } from '../cases/editForms';
import { purposeLabel } from '../labels';

export function ReferralEditPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.referral(id), queryFn: () => getReferral(id), staleTime: 0 });
  return (
    <>
      <PageTitle>{t('referral.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : q.data.data.status === 'closed' ? (
        <Notice tone="info" title={t('referral.closedNotice')} />
      ) : (
        <EditForm key={id} id={id} initial={q.data} />
      )}
    </>
  );
}

function EditForm({ id, initial }: { id: string; initial: Versioned<Referral> }) {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const back = `/referrals/${id}`;
  const labels: Record<keyof ReferralEdit, string> = {
    purpose: t('referral.purpose'),
    handed_over: t('referral.handedOver'),
    notes: t('referral.notes'),
  };
  const form = useEditForm<Referral, ReferralEdit>({
    initial,
    toForm: referralToForm,
    save: (changes, etag) => updateReferral(id, toReferralPatch(changes), etag),
    reload: () => getReferral(id),
    onSaved: () => {
      void queryClient.invalidateQueries({ queryKey: keys.cases });
      void navigate(back, flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const display = (f: ReferralEdit): Record<keyof ReferralEdit, string> => ({
    purpose: purposeLabel(i, f.purpose),
    handed_over: f.handed_over,
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
          resource={t('referral.resource')}
          rows={conflictRows(labels, display(form.values), display(referralToForm(form.conflict.data)))}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <p className="text-std-16N-170 text-solid-gray-700">{t('referral.editLead')}</p>
      <ErrorSummary problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} onKeyDown={submitOnCtrlEnter} noValidate className={formClass}>
        <RadioGroupField
          name="purpose"
          label={labels.purpose}
          required
          columns={2}
          choices={PURPOSES.map((p) => ({ value: p, label: t(`purpose.${p}`) }))}
          value={form.values.purpose}
          onChange={(v) => form.set('purpose', v)}
          errors={errorsFor('purpose')}
        />
        <TextField
          name="handed_over"
          label={labels.handed_over}
          hint={t('referral.handedOver.hint')}
          autoComplete="off"
          value={form.values.handed_over}
          onChange={(e) => form.set('handed_over', e.target.value)}
          errors={errorsFor('handed_over')}
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
