import { useState } from 'react';
import { EMPLOYMENT_STATUSES, PROGRAMS, REFERRAL_SOURCES, SEXES, SUPPORT_AWARENESS } from '../../api/enums';
import { CheckboxField, DateField, RadioGroupField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/I18nProvider';
import { isKatakana, toKatakana } from '../../lib/kana';
import { useDiseases, useMunicipalities, usePrefectures } from '../cases/useCaseData';
import { filterDiseases, type PatientForm } from './patientForm';

export function usePatientLabels() {
  const { t } = useI18n();
  return {
    family_name: t('patient.familyName'),
    given_name: t('patient.givenName'),
    family_name_kana: t('patient.familyNameKana'),
    given_name_kana: t('patient.givenNameKana'),
    birth_date: t('patient.birthDate'),
    sex: t('patient.sex'),
    prefecture_code: t('patient.prefecture'),
    municipality_code: t('patient.municipality'),
    phone: t('patient.phone'),
    email: t('patient.email'),
    program: t('patient.program'),
    disease_number: t('patient.disease'),
    diagnosis: t('patient.diagnosis'),
    employment_status: t('patient.employmentStatus'),
    support_awareness: t('patient.supportAwareness'),
    referral_source: t('patient.referralSource'),
    disability_certificate: t('patient.disabilityCertificate'),
    notes: t('patient.notes'),
  } satisfies Record<keyof PatientForm, string>;
}

type Set = <K extends keyof PatientForm>(key: K, value: PatientForm[K]) => void;

interface FieldsProps {
  values: PatientForm;
  set: Set;
  errorsFor: (field: string) => string[];
}

/** What the server will store for a reading typed in hiragana or half-width kana. */
function KanaPreview({ family, given }: { family: string; given: string }) {
  const { t } = useI18n();
  const typed = `${family.trim()} ${given.trim()}`.trim();
  if (typed === '' || isKatakana(typed)) return null;
  return (
    <p className="text-dns-16N-130 text-solid-gray-700" data-testid="kana-preview">
      {t('patient.kana.preview', { kana: toKatakana(typed) })}
    </p>
  );
}

function NameFields({ values, set, errorsFor }: FieldsProps) {
  const { t } = useI18n();
  const labels = usePatientLabels();
  return (
    <fieldset className="flex flex-col gap-4">
      <legend className="mb-2 text-std-20B-150">{t('patient.name')}</legend>
      <div className="grid max-w-[40rem] gap-4 md:grid-cols-2">
        <TextField
          name="family_name"
          label={labels.family_name}
          required
          autoComplete="off"
          value={values.family_name}
          onChange={(e) => set('family_name', e.target.value)}
          errors={errorsFor('family_name')}
        />
        <TextField
          name="given_name"
          label={labels.given_name}
          required
          autoComplete="off"
          value={values.given_name}
          onChange={(e) => set('given_name', e.target.value)}
          errors={errorsFor('given_name')}
        />
        <TextField
          name="family_name_kana"
          label={labels.family_name_kana}
          hint={t('patient.kana.hint')}
          required
          autoComplete="off"
          value={values.family_name_kana}
          onChange={(e) => set('family_name_kana', e.target.value)}
          errors={errorsFor('family_name_kana')}
        />
        <TextField
          name="given_name_kana"
          label={labels.given_name_kana}
          hint={t('patient.kana.hint')}
          required
          autoComplete="off"
          value={values.given_name_kana}
          onChange={(e) => set('given_name_kana', e.target.value)}
          errors={errorsFor('given_name_kana')}
        />
      </div>
      <KanaPreview family={values.family_name_kana} given={values.given_name_kana} />
    </fieldset>
  );
}

/** The designated disease: a filter box (name or number) narrowing a native select. */
function DiseasePicker({ values, set, errorsFor }: FieldsProps) {
  const { t } = useI18n();
  const labels = usePatientLabels();
  const diseases = useDiseases();
  const [filter, setFilter] = useState('');
  const all = diseases.data ?? [];
  const matches = filterDiseases(all, filter);
  const selected = all.find((d) => String(d.number) === values.disease_number);
  // The chosen disease stays in the list even when the filter hides it.
  const shown = selected && !matches.includes(selected) ? [selected, ...matches] : matches;
  return (
    <div className="flex flex-col gap-3 rounded-8 border border-solid-gray-420 p-4">
      <TextField
        name="disease_filter"
        type="search"
        label={t('patient.diseaseFilter')}
        hint={t('patient.diseaseFilter.hint')}
        autoComplete="off"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <p role="status" className="text-dns-16N-130 text-solid-gray-700">
        {diseases.isPending ? t('common.loading') : t('patient.disease.count', { count: matches.length })}
      </p>
      <SelectField
        name="disease_number"
        label={labels.disease_number}
        placeholder={t('patient.disease.none')}
        options={shown.map((d) => ({ value: String(d.number), label: `${d.number}\u3000${d.name}` }))}
        value={values.disease_number}
        onChange={(e) => set('disease_number', e.target.value)}
        errors={errorsFor('disease_number')}
      />
    </div>
  );
}

function AddressFields({ values, set, errorsFor }: FieldsProps) {
  const { t, lang } = useI18n();
  const labels = usePatientLabels();
  const prefectures = usePrefectures();
  const municipalities = useMunicipalities(values.prefecture_code);
  const noPrefecture = values.prefecture_code === '';
  return (
    <fieldset className="flex flex-col gap-4">
      <legend className="mb-2 text-std-20B-150">{t('patient.address')}</legend>
      <div className="grid max-w-[40rem] gap-4 md:grid-cols-2">
        <SelectField
          name="prefecture_code"
          label={labels.prefecture_code}
          placeholder={prefectures.isPending ? t('common.loading') : t('common.selectPlaceholder')}
          options={(prefectures.data ?? []).map((p) => ({ value: p.code, label: lang === 'ja' ? p.name : p.name_en }))}
          value={values.prefecture_code}
          onChange={(e) => set('prefecture_code', e.target.value)}
          errors={errorsFor('prefecture_code')}
        />
        <SelectField
          name="municipality_code"
          label={labels.municipality_code}
          disabled={noPrefecture}
          placeholder={
            noPrefecture
              ? t('patient.municipality.choosePrefecture')
              : municipalities.isPending
                ? t('common.loading')
                : t('common.selectPlaceholder')
          }
          options={(municipalities.data ?? []).map((m) => ({ value: m.code, label: m.name }))}
          value={values.municipality_code}
          onChange={(e) => set('municipality_code', e.target.value)}
          errors={errorsFor('municipality_code')}
        />
      </div>
    </fieldset>
  );
}

export function PatientFields({ values, set, errorsFor }: FieldsProps) {
  const { t } = useI18n();
  const labels = usePatientLabels();
  return (
    <>
      <NameFields values={values} set={set} errorsFor={errorsFor} />
      <DateField
        name="birth_date"
        label={labels.birth_date}
        required
        value={values.birth_date}
        onChange={(v) => set('birth_date', v)}
        errors={errorsFor('birth_date')}
      />
      <RadioGroupField
        name="sex"
        label={labels.sex}
        columns={3}
        choices={[
          ...SEXES.map((s) => ({ value: s, label: t(`sex.${s}`) })),
          { value: '', label: t('patient.sex.unanswered') },
        ]}
        value={values.sex}
        onChange={(v) => set('sex', v)}
        errors={errorsFor('sex')}
      />
      <RadioGroupField
        name="program"
        label={labels.program}
        required
        columns={2}
        choices={PROGRAMS.map((p) => ({ value: p, label: t(`program.${p}`) }))}
        value={values.program}
        onChange={(v) => set('program', v)}
        errors={errorsFor('program')}
      />
      {values.program !== 'shoman' && <DiseasePicker values={values} set={set} errorsFor={errorsFor} />}
      <TextField
        name="diagnosis"
        label={labels.diagnosis}
        hint={t('patient.diagnosis.hint')}
        autoComplete="off"
        value={values.diagnosis}
        onChange={(e) => set('diagnosis', e.target.value)}
        errors={errorsFor('diagnosis')}
      />
      <SelectField
        name="employment_status"
        label={labels.employment_status}
        required
        placeholder={t('common.selectPlaceholder')}
        options={EMPLOYMENT_STATUSES.map((s) => ({ value: s, label: t(`employmentStatus.${s}`) }))}
        value={values.employment_status}
        onChange={(e) => set('employment_status', e.target.value)}
        errors={errorsFor('employment_status')}
      />
      <RadioGroupField
        name="support_awareness"
        label={labels.support_awareness}
        hint={t('patient.supportAwareness.hint')}
        required
        columns={2}
        choices={SUPPORT_AWARENESS.map((s) => ({ value: s, label: t(`supportAwareness.${s}`) }))}
        value={values.support_awareness}
        onChange={(v) => set('support_awareness', v)}
        errors={errorsFor('support_awareness')}
      />
      <SelectField
        name="referral_source"
        label={labels.referral_source}
        hint={t('patient.referralSource.hint')}
        placeholder={t('referralSource.notAsked')}
        options={REFERRAL_SOURCES.map((s) => ({ value: s, label: t(`referralSource.${s}`) }))}
        value={values.referral_source}
        onChange={(e) => set('referral_source', e.target.value)}
        errors={errorsFor('referral_source')}
      />
      <CheckboxField
        name="disability_certificate"
        label={labels.disability_certificate}
        checked={values.disability_certificate}
        onChange={(e) => set('disability_certificate', e.target.checked)}
        errors={errorsFor('disability_certificate')}
      />
      <AddressFields values={values} set={set} errorsFor={errorsFor} />
      <fieldset className="flex flex-col gap-4">
        <legend className="mb-2 text-std-20B-150">{t('patient.contact')}</legend>
        <TextField
          name="phone"
          type="tel"
          label={labels.phone}
          autoComplete="off"
          value={values.phone}
          onChange={(e) => set('phone', e.target.value)}
          errors={errorsFor('phone')}
        />
        <TextField
          name="email"
          type="email"
          label={labels.email}
          autoComplete="off"
          value={values.email}
          onChange={(e) => set('email', e.target.value)}
          errors={errorsFor('email')}
        />
      </fieldset>
      <TextAreaField
        name="notes"
        label={labels.notes}
        value={values.notes}
        onChange={(e) => set('notes', e.target.value)}
        errors={errorsFor('notes')}
      />
    </>
  );
}
