import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { keys, type Consent, type Versioned } from '../../api/client';
import { getConsent, updateConsent } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { ReadOnlyField, TextAreaField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { submitOnCtrlEnter, useEditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n } from '../../i18n/I18nProvider';
import { conflictRows } from '../cases/conflictRows';
import { consentToForm, toConsentPatch, type ConsentEdit } from '../cases/editForms';
import { consentScopeLabel } from '../labels';

export function ConsentEditPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.consent(id), queryFn: () => getConsent(id), staleTime: 0 });
  return (
    <>
      <PageTitle>{t('consent.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <EditForm key={id} id={id} initial={q.data} />
      )}
    </>
  );
}

function EditForm({ id, initial }: { id: string; initial: Versioned<Consent> }) {
  const i = useI18n();
  const { t } = i;
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const back = `/patients/${initial.data.patient_id}`;
  const labels: Record<keyof ConsentEdit, string> = { notes: t('consent.notes') };
  const form = useEditForm<Consent, ConsentEdit>({
    initial,
    toForm: consentToForm,
    save: (changes, etag) => updateConsent(id, toConsentPatch(changes), etag),
    reload: () => getConsent(id),
    onSaved: () => {
      void queryClient.invalidateQueries({ queryKey: keys.cases });
      void navigate(back, flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };
  const c = form.base.data;

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('consent.resource')}
          rows={conflictRows(labels, form.values, consentToForm(form.conflict.data))}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <p className="text-std-16N-170 text-solid-gray-700">{t('consent.editLead')}</p>
      <ErrorSummary problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} onKeyDown={submitOnCtrlEnter} noValidate className={formClass}>
        <ReadOnlyField label={t('consent.givenOn')} value={i.date(c.given_on)} />
        <ReadOnlyField label={t('consent.scope')} value={consentScopeLabel(i, c.scope)} />
        <TextAreaField
          name="notes"
          label={labels.notes}
          value={form.values.notes}
          onChange={(e) => form.set('notes', e.target.value)}
          errors={errorsFor('notes')}
        />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo={back} />
      </form>
    </>
  );
}
