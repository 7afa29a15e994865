import { describe, expect, it } from 'vitest';
import { caseReturn, newFollowUpRecord, proposedNextDue, toRecordFollowUp } from './followUpForm';

describe('recording a follow-up', () => {
  it('starts at today, by phone, with the patient, and no outcome chosen', () => {
    expect(newFollowUpRecord('2026-11-24')).toEqual({
      done_on: '2026-11-24',
      method: 'phone',
      contacted: 'patient',
      outcome: '',
      notes: '',
      next_due_on: '',
    });
  });

  it('sends the record, and the next due date only when given', () => {
    const f = { ...newFollowUpRecord('2026-11-24'), outcome: 'searching', notes: ' 面接予定 ' };
    expect(toRecordFollowUp(f)).toEqual({
      done_on: '2026-11-24',
      method: 'phone',
      contacted: 'patient',
      outcome: 'searching',
      notes: '面接予定',
    });
    expect(toRecordFollowUp({ ...f, next_due_on: '2026-12-08' }).next_due_on).toBe('2026-12-08');
  });

  it('leaves an unmade choice out, for the API to ask for it', () => {
    expect(toRecordFollowUp(newFollowUpRecord('2026-11-24'))).toEqual({
      done_on: '2026-11-24',
      method: 'phone',
      contacted: 'patient',
      notes: null,
    });
  });
});

describe('caseReturn', () => {
  it('goes back to the patient or referral it came from, else to the referral', () => {
    expect(caseReturn('/patients/p1', 'r1')).toBe('/patients/p1');
    expect(caseReturn('/referrals/r2', 'r1')).toBe('/referrals/r2');
    expect(caseReturn('/follow-ups', 'r1')).toBe('/referrals/r1');
    expect(caseReturn('/', 'r1')).toBe('/referrals/r1');
    expect(caseReturn(undefined, 'r1')).toBe('/referrals/r1');
    expect(caseReturn('/patients/p1/edit', 'r1')).toBe('/referrals/r1');
  });
});

describe('proposedNextDue', () => {
  it("proposes the center's interval from today on a level-4 referral", () => {
    expect(proposedNextDue('accompanied_with_follow_up', '2025-03-25', 14, false)).toBe('2025-04-08');
    expect(proposedNextDue('accompanied_with_follow_up', '2025-03-25', 21, false)).toBe('2025-04-15');
  });

  it('proposes nothing when closing, below level 4, or before the interval is known', () => {
    expect(proposedNextDue('accompanied_with_follow_up', '2025-03-25', 14, true)).toBe('');
    expect(proposedNextDue('accompanied', '2025-03-25', 14, false)).toBe('');
    expect(proposedNextDue('accompanied_with_follow_up', '2025-03-25', undefined, false)).toBe('');
  });
});
