import { fromSelect, type AgencyType } from '../../api/enums';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { keys, type CreateAgency } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { createAgency } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { optionalText } from '../../components/forms';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { AgencyFields, emptyAgency, useAgencyLabels, type AgencyForm } from './AgencyFields';

export function AgencyNewPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useAgencyLabels();
  const [values, setValues] = useState<AgencyForm>(emptyAgency);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body: CreateAgency = {
    agency_type: fromSelect<AgencyType>(values.agency_type),
    name: values.name.trim(),
    phone: optionalText(values.phone),
    address: optionalText(values.address),
    notes: optionalText(values.notes),
  };
  const idempotencyKey = useIdempotencyKey(body);

  const mutation = useMutation({
    mutationFn: () => createAgency(body, idempotencyKey),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.agencies });
      void navigate('/agencies', flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  return (
    <>
      <PageTitle>{t('agency.newTitle')}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <AgencyFields
          mode="create"
          values={values}
          set={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
          errorsFor={errorsFor}
        />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo="/agencies" />
      </form>
    </>
  );
}
