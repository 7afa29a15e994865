import { describe, expect, it } from 'vitest';
import { ANONYMOUS, checkConsultation, newConsultation, shomanFields, shomanRuleOnField, toCreateConsultation } from './consultationForm';

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

  it('refuses minutes that are not a number (sent as nothing, they would be lost), with the other errors', () => {
    expect(checkConsultation({ ...newConsultation(START, 'p1'), duration_minutes: '30分' })?.errors).toEqual([
      expect.objectContaining({ field: 'duration_minutes', code: 'not_a_number' }),
    ]);
    expect(checkConsultation({ ...newConsultation(START, null), duration_minutes: 'abc' })?.errors.map((e) => e.field)).toEqual(['patient_id', 'duration_minutes']);
    expect(checkConsultation({ ...newConsultation(START, 'p1'), duration_minutes: '３０' })).toBeNull();
  });
});

describe('the 小慢 menu and requester', () => {
  it('are required for a 小慢 patient, optional when anonymous where the center runs 小慢, else not asked', () => {
    expect(shomanFields('p1', 'shoman', true)).toBe('required');
    expect(shomanFields('p1', 'nanbyo', true)).toBe('hidden');
    expect(shomanFields(ANONYMOUS, null, true)).toBe('optional');
    expect(shomanFields(ANONYMOUS, null, false)).toBe('hidden');
    expect(shomanFields('', null, true)).toBe('hidden');
  });
  it('are sent only where asked, an empty one as null', () => {
    const f = { ...newConsultation(START, 'p1'), topics: ['illness'], shoman_menu: 'peer_counseling' };
    expect(toCreateConsultation(f, START, 'required')).toMatchObject({ shoman_menu: 'peer_counseling', shoman_requester: null });
    expect(toCreateConsultation(f, START)).not.toHaveProperty('shoman_menu');
  });
});

describe('shomanRuleOnField', () => {
  const base = { status: 422, title: 't', type: null, retryAfterSeconds: null, errors: [] };
  it('puts a missing menu or requester on its field', () => {
    const p = shomanRuleOnField({ ...base, code: 'shoman_menu_required', detail: 'd' });
    expect(p.errors).toEqual([{ field: 'shoman_menu', code: 'shoman_menu_required', message: 'd' }]);
    expect(shomanRuleOnField({ ...base, code: 'shoman_requester_required', detail: null }).errors[0]?.field).toBe('shoman_requester');
  });
  it('leaves other problems alone', () => {
    const p = { ...base, code: 'validation_failed', detail: null };
    expect(shomanRuleOnField(p)).toBe(p);
  });
});
