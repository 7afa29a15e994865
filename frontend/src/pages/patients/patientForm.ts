// The patient form's values and their way to and from the API (pure, unit-tested).
import type { CreatePatient, Disease, Patient, UpdatePatient } from '../../api/client';
import {
  fromSelect,
  type EmploymentStatus,
  type Program,
  type ReferralSource,
  type Sex,
  type SupportAwareness,
} from '../../api/enums';
import { optionalText } from '../../components/forms';
import { foldForSearch } from '../../lib/kana';

export interface PatientForm {
  family_name: string;
  given_name: string;
  family_name_kana: string;
  given_name_kana: string;
  birth_date: string;
  /** '' when not answered. */
  sex: string;
  prefecture_code: string;
  municipality_code: string;
  phone: string;
  email: string;
  program: string;
  /** The 告示番号 as text, '' for none. */
  disease_number: string;
  diagnosis: string;
  employment_status: string;
  support_awareness: string;
  /** How they heard of the center; '' when not asked. */
  referral_source: string;
  disability_certificate: boolean;
  notes: string;
}

export const emptyPatient: PatientForm = {
  family_name: '',
  given_name: '',
  family_name_kana: '',
  given_name_kana: '',
  birth_date: '',
  sex: '',
  prefecture_code: '',
  municipality_code: '',
  phone: '',
  email: '',
  program: 'nanbyo',
  disease_number: '',
  diagnosis: '',
  employment_status: '',
  support_awareness: '',
  referral_source: '',
  disability_certificate: false,
  notes: '',
};

export function patientToForm(p: Patient): PatientForm {
  return {
    family_name: p.family_name,
    given_name: p.given_name,
    family_name_kana: p.family_name_kana,
    given_name_kana: p.given_name_kana,
    birth_date: p.birth_date,
    sex: p.sex ?? '',
    prefecture_code: p.prefecture_code ?? '',
    municipality_code: p.municipality_code ?? '',
    phone: p.phone ?? '',
    email: p.email ?? '',
    program: p.program,
    disease_number: p.disease_number == null ? '' : String(p.disease_number),
    diagnosis: p.diagnosis ?? '',
    employment_status: p.employment_status,
    support_awareness: p.support_awareness,
    referral_source: p.referral_source ?? '',
    disability_certificate: p.disability_certificate,
    notes: p.notes ?? '',
  };
}

function diseaseNumber(value: string): number | null {
  return value === '' ? null : Number(value);
}

/**
 * What a change of one field does to the others: a pediatric (小慢) patient has no
 * designated-disease number, and a municipality belongs to one prefecture.
 */
export function withField<K extends keyof PatientForm>(form: PatientForm, key: K, value: PatientForm[K]): PatientForm {
  const next = { ...form, [key]: value };
  if (key === 'program' && value === 'shoman') next.disease_number = '';
  if (key === 'prefecture_code' && value !== form.prefecture_code) next.municipality_code = '';
  return next;
}

/** The body of POST /patients. Readings go as typed: the server stores them in katakana. */
export function toCreatePatient(f: PatientForm): CreatePatient {
  return {
    family_name: f.family_name.trim(),
    given_name: f.given_name.trim(),
    family_name_kana: f.family_name_kana.trim(),
    given_name_kana: f.given_name_kana.trim(),
    birth_date: f.birth_date,
    sex: f.sex === '' ? null : fromSelect<Sex>(f.sex),
    prefecture_code: f.prefecture_code || null,
    municipality_code: f.municipality_code || null,
    phone: optionalText(f.phone),
    email: optionalText(f.email),
    program: fromSelect<Program>(f.program),
    disease_number: f.program === 'shoman' ? null : diseaseNumber(f.disease_number),
    diagnosis: optionalText(f.diagnosis),
    employment_status: fromSelect<EmploymentStatus>(f.employment_status),
    support_awareness: fromSelect<SupportAwareness>(f.support_awareness),
    referral_source: f.referral_source === '' ? null : fromSelect<ReferralSource>(f.referral_source),
    disability_certificate: f.disability_certificate,
    notes: optionalText(f.notes),
  };
}

/** The body of PATCH /patients/{id} for the changed fields; null clears an optional one. */
export function toPatientPatch(changes: Partial<PatientForm>): UpdatePatient {
  const patch: UpdatePatient = {};
  for (const key of Object.keys(changes) as (keyof PatientForm)[]) {
    switch (key) {
      case 'family_name':
      case 'given_name':
      case 'family_name_kana':
      case 'given_name_kana':
        patch[key] = (changes[key] ?? '').trim();
        break;
      case 'birth_date':
        patch.birth_date = changes.birth_date ?? '';
        break;
      case 'phone':
      case 'email':
      case 'diagnosis':
      case 'notes':
        patch[key] = optionalText(changes[key] ?? '');
        break;
      case 'prefecture_code':
      case 'municipality_code':
        patch[key] = changes[key] || null;
        break;
      case 'sex':
        patch.sex = changes.sex ? fromSelect<Sex>(changes.sex) : null;
        break;
      case 'program':
        patch.program = fromSelect<Program>(changes.program ?? '');
        break;
      case 'disease_number':
        patch.disease_number = diseaseNumber(changes.disease_number ?? '');
        break;
      case 'employment_status':
        patch.employment_status = fromSelect<EmploymentStatus>(changes.employment_status ?? '');
        break;
      case 'support_awareness':
        patch.support_awareness = fromSelect<SupportAwareness>(changes.support_awareness ?? '');
        break;
      case 'referral_source':
        patch.referral_source = changes.referral_source ? fromSelect<ReferralSource>(changes.referral_source) : null;
        break;
      case 'disability_certificate':
        patch.disability_certificate = changes.disability_certificate ?? false;
        break;
    }
  }
  return patch;
}

/**
 * The designated diseases matching what the user typed: by 告示番号 (digits: numbers
 * starting with them, the exact one first) or by any part of the name, ignoring width
 * and kana script. Empty filter: all of them.
 */
export function filterDiseases(diseases: readonly Disease[], filter: string): Disease[] {
  const q = foldForSearch(filter);
  if (q === '') return [...diseases];
  if (/^\d+$/.test(q)) {
    const n = Number(q);
    return diseases
      .filter((d) => String(d.number).startsWith(q))
      .sort((a, b) => (a.number === n ? -1 : b.number === n ? 1 : a.number - b.number));
  }
  return diseases.filter((d) => foldForSearch(d.name).includes(q));
}
