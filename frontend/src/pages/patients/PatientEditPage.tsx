import type { ReferralSource } from '../../api/enums';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { FormEvent } from 'react';
import { useNavigate, useParams } from 'react-router';
import { keys, type Patient, type Versioned } from '../../api/client';
import { getPatient, updatePatient } from '../../api/resources';
import { PageTitle } from '../../app/PageTitle';
import { ConflictPanel } from '../../components/ConflictPanel';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { ReadOnlyField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { FormActions, formClass } from '../../components/FormActions';
import { useEditForm } from '../../components/forms';
import { LoadError, Loading } from '../../components/QueryState';
import { useI18n, type I18n } from '../../i18n/I18nProvider';
import { useDiseases, useMunicipalities } from '../cases/useCaseData';
import {
  employmentStatusLabel,
  prefectureLabel,
  programLabel,
  sexLabel,
  supportAwarenessLabel,
} from '../labels';
import { PatientFields, usePatientLabels } from './PatientFields';
import { patientToForm, toPatientPatch, withField, type PatientForm } from './patientForm';

export function PatientEditPage() {
  const { id = '' } = useParams();
  const { t } = useI18n();
  const q = useQuery({ queryKey: keys.patient(id), queryFn: () => getPatient(id) });
  return (
    <>
      <PageTitle>{t('patient.editTitle')}</PageTitle>
      {q.isPending ? (
        <Loading />
      ) : q.error ? (
        <LoadError error={q.error} retry={() => void q.refetch()} />
      ) : (
        <PatientEditForm key={id} id={id} initial={q.data} />
      )}
    </>
  );
}

/** How each field reads in the conflict table. */
function useDisplay() {
  const i = useI18n();
  const diseases = useDiseases();
  return (f: PatientForm, municipalityName: (code: string) => string): Record<keyof PatientForm, string> => ({
    family_name: f.family_name,
    given_name: f.given_name,
    family_name_kana: f.family_name_kana,
    given_name_kana: f.given_name_kana,
    birth_date: f.birth_date ? i.date(f.birth_date) : '',
    sex: sexLabel(i, f.sex || null),
    prefecture_code: f.prefecture_code ? prefectureLabel(i, f.prefecture_code) : '',
    municipality_code: municipalityName(f.municipality_code),
    phone: f.phone,
    email: f.email,
    program: programLabel(i, f.program),
    disease_number: f.disease_number
      ? `${f.disease_number}\u3000${diseases.data?.find((d) => String(d.number) === f.disease_number)?.name ?? ''}`
      : '',
    diagnosis: f.diagnosis,
    employment_status: employmentStatusLabel(i, f.employment_status),
    support_awareness: supportAwarenessLabel(i, f.support_awareness),
    referral_source: f.referral_source ? i.t(`referralSource.${f.referral_source as ReferralSource}`) : i.t('referralSource.notAsked'),
    disability_certificate: displayYesNo(i, f.disability_certificate),
    notes: f.notes,
  });
}

function displayYesNo(i: I18n, v: boolean): string {
  return v ? i.t('common.yes') : i.t('common.no');
}

function PatientEditForm({ id, initial }: { id: string; initial: Versioned<Patient> }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const labels = usePatientLabels();
  const display = useDisplay();

  const form = useEditForm<Patient, PatientForm>({
    initial,
    toForm: patientToForm,
    save: (changes, etag) => updatePatient(id, toPatientPatch(changes), etag),
    reload: () => getPatient(id),
    onSaved: (saved) => {
      if (saved) queryClient.setQueryData(keys.patient(id), saved);
      void queryClient.invalidateQueries({ queryKey: keys.cases });
      void navigate(`/patients/${id}`, flash('saved'));
    },
  });
  const errorsFor = useFieldErrors(form.problem);
  // Municipality names for the conflict table, from both prefectures in play.
  const mine = useMunicipalities(form.values.prefecture_code);
  const theirs = useMunicipalities(form.conflict?.data.prefecture_code ?? '');
  const municipalityName = (code: string) =>
    [...(mine.data ?? []), ...(theirs.data ?? [])].find((m) => m.code === code)?.name ?? code;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    form.submit();
  };

  const conflictRows = () => {
    if (!form.conflict) return [];
    const yours = display(form.values, municipalityName);
    const current = display(patientToForm(form.conflict.data), municipalityName);
    return (Object.keys(yours) as (keyof PatientForm)[]).map((k) => ({
      label: labels[k],
      yours: yours[k],
      current: current[k],
    }));
  };

  return (
    <>
      {form.conflict && (
        <ConflictPanel
          resource={t('patient.resource')}
          rows={conflictRows()}
          onReapply={form.reapply}
          onDiscard={form.discard}
        />
      )}
      <ErrorSummary problem={form.problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        <ReadOnlyField label={t('patient.caseNumber')} value={<code>{form.base.data.case_number}</code>} />
        <PatientFields
          values={form.values}
          set={(k, v) => {
            const next = withField(form.values, k, v);
            for (const key of Object.keys(next) as (keyof PatientForm)[]) {
              if (next[key] !== form.values[key]) form.set(key, next[key]);
            }
          }}
          errorsFor={errorsFor}
        />
        <FormActions submitLabel={t('common.save')} busy={form.saving} cancelTo={`/patients/${id}`} />
      </form>
    </>
  );
}
