import { describe, expect, it } from 'vitest';
import type { Consent, TimelineEntry } from '../../api/client';
import { filterHistory, newestFirst, patientSummary } from './historyModel';

function entry(kind: string, date: string, at: string, extra: Partial<TimelineEntry> = {}): TimelineEntry {
  return { kind, date, at, ...extra } as TimelineEntry;
}

const consultation = (date: string, at = `${date}T01:00:00Z`) => entry('consultation', date, at, { consultation: { id: date } as never });
const referral = (id: string, date: string, status: string, level = 'accompanied_with_follow_up') =>
  entry('referral', date, `${date}T02:00:00Z`, {
    referral: { id, agency_id: 'a1', level, status, referred_on: date } as never,
  });
const followUp = (referralId: string, due: string, state: string, doneOn: string | null = null) =>
  entry('follow_up', doneOn ?? due, `${due}T03:00:00Z`, {
    follow_up: { id: `${referralId}-${due}`, referral_id: referralId, due_on: due, state, done_on: doneOn } as never,
  });

describe('newestFirst', () => {
  it('puts the latest day first, and within a day the latest recorded', () => {
    const items = [consultation('2025-04-01'), consultation('2025-05-01', '2025-05-01T01:00:00Z'), consultation('2025-05-01', '2025-05-01T05:00:00Z')];
    expect(newestFirst(items).map((e) => e.at)).toEqual(['2025-05-01T05:00:00Z', '2025-05-01T01:00:00Z', '2025-04-01T01:00:00Z']);
  });
});

describe('filterHistory', () => {
  const items = [
    consultation('2025-04-01'),
    referral('r1', '2025-04-10', 'open'),
    entry('level_change', '2025-04-20', '2025-04-20T00:00:00Z'),
    followUp('r1', '2025-05-01', 'done', '2025-05-02'),
    entry('consent', '2025-03-01', '2025-03-01T00:00:00Z'),
    entry('program_change', '2025-06-01', '2025-06-01T00:00:00Z'),
  ];

  it('keeps every kind without a filter', () => {
    expect(filterHistory(items, { kind: '', from: '', to: '' })).toHaveLength(6);
  });

  it("groups a referral's level changes with it", () => {
    expect(filterHistory(items, { kind: 'referral', from: '', to: '' }).map((e) => e.kind)).toEqual(['referral', 'level_change']);
    expect(filterHistory(items, { kind: 'consent', from: '', to: '' }).map((e) => e.kind)).toEqual(['consent']);
  });

  it('keeps the period with both ends included, and ignores a half-typed bound', () => {
    expect(filterHistory(items, { kind: '', from: '2025-04-10', to: '2025-05-02' }).map((e) => e.kind)).toEqual([
      'referral',
      'level_change',
      'follow_up',
    ]);
    expect(filterHistory(items, { kind: '', from: '2025-0', to: '' })).toHaveLength(6);
  });
});

describe('patientSummary', () => {
  const consents = [
    { given_on: '2025-01-01', withdrawn_on: '2025-02-01', scope: 'all_agencies' },
    { given_on: '2025-03-01', withdrawn_on: null, scope: 'employment_agencies' },
  ] as Consent[];

  it('lists open referrals with their next due follow-up, the consent in force and the last contact', () => {
    const items = [
      consultation('2025-04-01'),
      referral('r1', '2025-04-10', 'open'),
      followUp('r1', '2025-05-01', 'done', '2025-05-03'),
      followUp('r1', '2025-06-01', 'overdue'),
      followUp('r1', '2025-07-01', 'due'),
      referral('r2', '2025-04-15', 'closed', 'information_only'),
      referral('r3', '2025-04-20', 'open', 'information_only'),
      consultation('2025-09-01'),
    ];
    const s = patientSummary(items, consents, '2025-06-10');
    expect(s.openReferrals).toEqual([
      { id: 'r3', agencyId: 'a1', level: 'information_only', referredOn: '2025-04-20', nextDue: null, overdue: false },
      { id: 'r1', agencyId: 'a1', level: 'accompanied_with_follow_up', referredOn: '2025-04-10', nextDue: '2025-06-01', overdue: true },
    ]);
    expect(s.consent?.given_on).toBe('2025-03-01');
    // The consultation dated after today is not a contact yet.
    expect(s.lastContact).toEqual({ date: '2025-05-03', kind: 'follow_up' });
  });

  it('says nothing is open for a patient with no records', () => {
    expect(patientSummary([], [], '2025-06-10')).toEqual({ openReferrals: [], consent: null, lastContact: null });
  });
});
