import { describe, expect, it } from 'vitest';
import type { Disease, Patient } from '../../api/client';
import { changedFields } from '../../components/forms';
import { emptyPatient, filterDiseases, patientToForm, toCreatePatient, toPatientPatch, withField } from './patientForm';

const patient: Patient = {
  id: 'p1',
  center_id: 'c1',
  case_number: '2026-0001',
  family_name: '山田',
  given_name: '花子',
  family_name_kana: 'ヤマダ',
  given_name_kana: 'ハナコ',
  birth_date: '1985-04-12',
  sex: null,
  prefecture_code: '34',
  municipality_code: '341002',
  phone: null,
  email: null,
  program: 'nanbyo',
  disease_number: 97,
  disease_name: '潰瘍性大腸炎',
  diagnosis: null,
  employment_status: 'job_seeking',
  support_awareness: 'aware_not_used',
  referral_source: 'msw',
  disability_certificate: false,
  notes: null,
  created_by: 'u1',
  created_at: '2026-11-24T00:00:00Z',
  updated_at: '2026-11-24T00:00:00Z',
};

describe('toCreatePatient', () => {
  it('sends trimmed text, readings as typed, and null for what was left empty', () => {
    const body = toCreatePatient({
      ...emptyPatient,
      family_name: ' 山田 ',
      given_name: '花子',
      family_name_kana: 'やまだ',
      given_name_kana: 'ﾊﾅｺ',
      birth_date: '1985-04-12',
      disease_number: '97',
      employment_status: 'job_seeking',
      support_awareness: 'unaware',
    });
    expect(body).toEqual({
      family_name: '山田',
      given_name: '花子',
      family_name_kana: 'やまだ',
      given_name_kana: 'ﾊﾅｺ',
      birth_date: '1985-04-12',
      sex: null,
      prefecture_code: null,
      municipality_code: null,
      phone: null,
      email: null,
      program: 'nanbyo',
      disease_number: 97,
      diagnosis: null,
      employment_status: 'job_seeking',
      support_awareness: 'unaware',
      referral_source: null,
      disability_certificate: false,
      notes: null,
    });
  });

  it('never sends a designated-disease number for a pediatric patient', () => {
    expect(toCreatePatient({ ...emptyPatient, program: 'shoman', disease_number: '97' }).disease_number).toBeNull();
  });
});

describe('withField', () => {
  it('clears the disease number when the program becomes 小慢, and the municipality with the prefecture', () => {
    const f = patientToForm(patient);
    expect(withField(f, 'program', 'shoman')).toMatchObject({ program: 'shoman', disease_number: '' });
    expect(withField(f, 'prefecture_code', '13')).toMatchObject({ prefecture_code: '13', municipality_code: '' });
    expect(withField(f, 'prefecture_code', '34').municipality_code).toBe('341002');
  });
});

describe('toPatientPatch', () => {
  it('round-trips a patient and patches only what changed, clearing emptied fields', () => {
    const base = patientToForm(patient);
    expect(toPatientPatch(changedFields(base, base))).toEqual({});
    const edited = withField({ ...base, phone: '082-000-0000', given_name: ' 華子 ', notes: '' }, 'prefecture_code', '');
    expect(toPatientPatch(changedFields(base, edited))).toEqual({
      given_name: '華子',
      phone: '082-000-0000',
      prefecture_code: null,
      municipality_code: null,
    });
    expect(toPatientPatch(changedFields(base, withField(base, 'program', 'shoman')))).toEqual({
      program: 'shoman',
      disease_number: null,
    });
    expect(toPatientPatch({ sex: 'female', disability_certificate: true })).toEqual({
      sex: 'female',
      disability_certificate: true,
    });
  });
});

describe('filterDiseases', () => {
  const diseases: Disease[] = [
    { number: 6, name: 'パーキンソン病', groups: [] },
    { number: 9, name: 'ＡＢＣ病', groups: [] },
    { number: 96, name: 'クローン病', groups: [] },
    { number: 97, name: '潰瘍性大腸炎', groups: [] },
  ];

  it('finds by number, the exact one first', () => {
    expect(filterDiseases(diseases, '97').map((d) => d.number)).toEqual([97]);
    expect(filterDiseases(diseases, '9').map((d) => d.number)).toEqual([9, 96, 97]);
    expect(filterDiseases(diseases, '９６').map((d) => d.number)).toEqual([96]);
  });

  it('finds by any part of the name, ignoring width and kana script', () => {
    expect(filterDiseases(diseases, '潰瘍').map((d) => d.number)).toEqual([97]);
    expect(filterDiseases(diseases, 'ぱーきん').map((d) => d.number)).toEqual([6]);
    expect(filterDiseases(diseases, 'ｸﾛｰﾝ').map((d) => d.number)).toEqual([96]);
    expect(filterDiseases(diseases, 'abc').map((d) => d.number)).toEqual([9]);
    expect(filterDiseases(diseases, ' ')).toHaveLength(4);
  });
});
