import { describe, expect, it } from 'vitest';
import { ANONYMOUS, checkConsultation, newConsultation, toCreateConsultation } from './consultationForm';

const START = '2026-11-24T09:14';

describe('toCreateConsultation', () => {
  it('leaves time and consultant to the server when the user kept the defaults', () => {
    const f = { ...newConsultation(START, null), who: ANONYMOUS, topics: ['employment'] };
    expect(toCreateConsultation(f, START)).toEqual({
      patient_id: null,
      occurred_at: null,
      channel: 'phone',
      requester: 'patient',
      topics: ['employment'],
      duration_minutes: null,
      with_employment_supporter: false,
      summary: null,
      consultant_id: null,
    });
  });

  it('sends a changed time as Tokyo time, the patient, and the details', () => {
    const f = {
      ...newConsultation(START, 'p1'),
      occurred_at: '2026-11-20T14:30',
      channel: 'in_person',
      topics: ['illness', 'employment'],
      duration_minutes: ' 45 ',
      with_employment_supporter: true,
      summary: ' 職場への伝え方 ',
      consultant_id: 'u2',
    };
    expect(toCreateConsultation(f, START)).toMatchObject({
      patient_id: 'p1',
      occurred_at: '2026-11-20T14:30:00+09:00',
      channel: 'in_person',
      topics: ['illness', 'employment'],
      duration_minutes: 45,
      with_employment_supporter: true,
      summary: '職場への伝え方',
      consultant_id: 'u2',
    });
  });

  it('treats an emptied time as now', () => {
    expect(toCreateConsultation({ ...newConsultation(START, 'p1'), occurred_at: '' }, START).occurred_at).toBeNull();
  });
});

describe('checkConsultation', () => {
  it('asks whose consultation it is, and accepts anonymous', () => {
    expect(checkConsultation(newConsultation(START, null))?.errors).toEqual([
      expect.objectContaining({ field: 'patient_id', code: 'choose_who' }),
    ]);
    expect(checkConsultation({ ...newConsultation(START, null), who: ANONYMOUS })).toBeNull();
    expect(checkConsultation(newConsultation(START, 'p1'))).toBeNull();
  });
});
