import { fromSelect, type OperatingType } from '../../api/enums';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { keys } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { createCenter } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useIdempotencyKey } from '../../components/useIdempotencyKey';
import { useI18n } from '../../i18n/I18nProvider';
import { CenterFields, emptyCenter, useCenterLabels, type CenterForm } from './CenterFields';

export function CenterNewPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = useCenterLabels();
  const [values, setValues] = useState<CenterForm>(emptyCenter);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const body = {
    code: values.code.trim(),
    name: values.name.trim(),
    prefecture_code: values.prefecture_code,
    operating_type: fromSelect<OperatingType>(values.operating_type),
  };
  const idempotencyKey = useIdempotencyKey(body);

  const mutation = useMutation({
    mutationFn: () => createCenter(body, idempotencyKey),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.centers });
      void navigate('/centers', flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  return (
    <>
      <PageTitle>{t('center.newTitle')}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <CenterFields
          mode="create"
          values={values}
          set={(k, v) => setValues((old) => ({ ...old, [k]: v }))}
          errorsFor={errorsFor}
        />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending} cancelTo="/centers" />
      </form>
    </>
  );
}
