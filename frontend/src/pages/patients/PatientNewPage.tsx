import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { keys } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { createPatient } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { PatientFields, usePatientLabels } from './PatientFields';
import { emptyPatient, toCreatePatient, withField, type PatientForm } from './patientForm';

export function PatientNewPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = usePatientLabels();
  const [values, setValues] = useState<PatientForm>(emptyPatient);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body = toCreatePatient(values);
  const idempotencyKey = useIdempotencyKey(body);

  const mutation = useMutation({
    mutationFn: () => createPatient(body, idempotencyKey),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: keys.patients });
      void navigate(`/patients/${created.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  return (
    <>
      <PageTitle>{t('patient.newTitle')}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <PatientFields
          values={values}
          set={(k, v) => setValues((old) => withField(old, k, v))}
          errorsFor={errorsFor}
        />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo="/patients" />
      </form>
    </>
  );
}
