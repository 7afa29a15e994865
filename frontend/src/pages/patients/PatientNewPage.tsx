import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import { keys } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { checkDuplicates, createPatient, type PossibleDuplicate } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { Notice } from '../../components/Notice';
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
  // Someone registered twice has two histories nobody sees whole: before saving, the
  // registrations with the same reading and birth date, or the same phone, are shown first.
  const [duplicates, setDuplicates] = useState<PossibleDuplicate[] | null>(null);
  const [checkedFor, setCheckedFor] = useState<string | null>(null);
  const probe = {
    family_name_kana: body.family_name_kana,
    given_name_kana: body.given_name_kana,
    birth_date: body.birth_date,
    phone: body.phone ?? null,
  };
  const probeKey = JSON.stringify(probe);

  const mutation = useMutation({
    mutationFn: () => createPatient(body, idempotencyKey),
    onSuccess: async (created) => {
      await queryClient.invalidateQueries({ queryKey: keys.patients });
      void navigate(`/patients/${created.id}`, flash('created'));
    },
    onError: (e) => setProblem(asProblem(e)),
  });

  const check = useMutation({
    mutationFn: () => checkDuplicates(probe),
    onSuccess: (found) => {
      setCheckedFor(probeKey);
      if (found.length > 0) setDuplicates(found);
      else mutation.mutate();
    },
    // The check only helps: if it cannot answer, the registration goes ahead as before.
    onError: () => mutation.mutate(),
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (mutation.isPending || check.isPending) return;
    if (checkedFor === probeKey) mutation.mutate();
    else check.mutate();
  };

  return (
    <>
      <PageTitle>{t('patient.newTitle')}</PageTitle>
      <ErrorSummary problem={problem} fields={labels} />
      {duplicates && checkedFor === probeKey && (
        <Notice tone="warning" live="polite" title={t('duplicate.title')}>
          <p className="text-std-16N-170">{t('duplicate.lead')}</p>
          <ul className="my-2 flex flex-col gap-1 text-std-16N-170" aria-label={t('duplicate.list')}>
            {duplicates.map(({ patient: p, reasons }) => (
              <li key={p.id}>
                <Link to={`/patients/${p.id}`}>
                  {p.family_name} {p.given_name}（{p.family_name_kana} {p.given_name_kana}）
                </Link>
                {'　'}
                {t('patient.caseNumber')} {p.case_number}・{reasons.map((r: PossibleDuplicate['reasons'][number]) => t(`duplicate.reason.${r}`)).join('、')}
              </li>
            ))}
          </ul>
          <p className="mb-2 text-std-16N-170">{t('duplicate.mergeLater')}</p>
          <Button variant="outline" onClick={() => mutation.mutate()} disabled={mutation.isPending}>
            {t('duplicate.registerAnyway')}
          </Button>
        </Notice>
      )}
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <PatientFields
          values={values}
          set={(k, v) => setValues((old) => withField(old, k, v))}
          errorsFor={errorsFor}
        />
        <FormActions submitLabel={t('common.create')} busy={mutation.isPending || check.isPending} cancelTo="/patients" />
      </form>
    </>
  );
}
