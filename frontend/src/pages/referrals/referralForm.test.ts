import { describe, expect, it } from 'vitest';
import {
  checkReferral,
  defaultTrigger,
  likelyPurpose,
  formPassesData,
  isLowering,
  newReferral,
  toClose,
  toCreateReferral,
  toLevelChange,
} from './referralForm';

describe('toCreateReferral', () => {
  const base = { ...newReferral('2026-11-24'), agency_type: 'hello_work', agency_id: 'a1', purpose: 'new_employment' };

  it('sends no shared items at "information only"', () => {
    expect(toCreateReferral('p1', { ...base, level: 'information_only', shared_items: ['name'] })).toEqual({
      patient_id: 'p1',
      agency_id: 'a1',
      purpose: 'new_employment',
      level: 'information_only',
      shared_items: null,
      referred_on: '2026-11-24',
      handed_over: null,
      notes: null,
      consultation_id: null,
    });
  });

  it('always sends shared items from phone mediation up, even none', () => {
    expect(toCreateReferral('p1', { ...base, level: 'phone_mediation' }).shared_items).toEqual([]);
    expect(
      toCreateReferral('p1', {
        ...base,
        level: 'accompanied_with_follow_up',
        shared_items: ['name', 'contact'],
        handed_over: ' 就労相談票 ',
        consultation_id: 'c1',
        referred_on: '',
      }),
    ).toMatchObject({ shared_items: ['name', 'contact'], handed_over: '就労相談票', consultation_id: 'c1', referred_on: null });
  });

  it('knows which levels pass data', () => {
    expect(['', 'information_only', 'phone_mediation', 'accompanied_with_follow_up'].map(formPassesData)).toEqual([
      false,
      false,
      true,
      true,
    ]);
  });
});

describe('checkReferral', () => {
  it('names every unmade choice when no agency is chosen, and leaves the rest to the API', () => {
    expect(checkReferral(newReferral('2026-11-24'))?.errors.map((e) => [e.field, e.code])).toEqual([
      ['agency_type', 'required'],
      ['agency_id', 'required'],
      ['purpose', 'required'],
      ['level', 'required'],
    ]);
    expect(
      checkReferral({ ...newReferral('2026-11-24'), agency_type: 'hello_work', agency_id: 'a1', level: 'accompanied' }),
    ).toBeNull();
  });
});

describe('level changes and closing', () => {
  it('names shared items only when data starts to flow', () => {
    expect(toLevelChange('information_only', 'accompanied', ['name'], '')).toEqual({ level: 'accompanied', shared_items: ['name'] });
    expect(toLevelChange('phone_mediation', 'accompanied_with_follow_up', ['name'], '')).toEqual({
      level: 'accompanied_with_follow_up',
    });
    expect(toLevelChange('accompanied', 'information_only', [], ' 本人の希望 ')).toEqual({
      level: 'information_only',
      level_reason: '本人の希望',
    });
  });

  it('tells lowering from raising', () => {
    expect(isLowering('accompanied', 'phone_mediation')).toBe(true);
    expect(isLowering('phone_mediation', 'accompanied')).toBe(false);
  });

  it('closes with an outcome', () => {
    expect(toClose('employed', '2026-12-01')).toEqual({ status: 'closed', outcome: 'employed', closed_on: '2026-12-01' });
    expect(toClose('declined', '')).toEqual({ status: 'closed', outcome: 'declined', closed_on: null });
  });
});

describe('defaultTrigger', () => {
  const list = [
    { id: 'old', occurred_at: '2025-03-31T01:00:00Z' },
    { id: 'morning', occurred_at: '2025-04-01T00:30:00Z' },
    // 23:30 on 31 March in UTC is 08:30 on 1 April in Tokyo.
    { id: 'early', occurred_at: '2025-03-31T23:30:00Z' },
  ];

  it('takes the consultation asked for when it is the patient\'s', () => {
    expect(defaultTrigger(list, 'old', '2025-04-01')).toBe('old');
    expect(defaultTrigger(list, 'someone-else', '2025-04-01')).toBe('morning');
  });

  it("else the latest of today's in Tokyo time, else none", () => {
    expect(defaultTrigger(list, null, '2025-04-01')).toBe('morning');
    expect(defaultTrigger(list, null, '2025-04-02')).toBe('');
    expect(defaultTrigger([], null, '2025-04-01')).toBe('');
  });
});

describe('likelyPurpose', () => {
  it('keeps a job for someone in work or on leave, looks for one otherwise', () => {
    expect(likelyPurpose('employed')).toBe('job_retention');
    expect(likelyPurpose('on_leave')).toBe('job_retention');
    expect(likelyPurpose('job_seeking')).toBe('new_employment');
    expect(likelyPurpose('not_working')).toBe('new_employment');
    expect(likelyPurpose('student')).toBe('new_employment');
    expect(likelyPurpose(undefined)).toBe('');
  });
});
