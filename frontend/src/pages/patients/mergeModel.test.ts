import { describe, expect, it } from 'vitest';
import type { MergeCounts } from '../../api/resources';
import { en, ja } from '../../i18n/messages';
import { MERGE_COUNT_LABELS, movedLines } from './MergePatients';

const none: MergeCounts = {
  consultations: 0,
  consents: 0,
  referrals: 0,
  follow_ups: 0,
  provisions: 0,
  program_changes: 0,
  support_plans: 0,
  support_plan_actions: 0,
  liaison_contacts: 0,
  liaison_provisions: 0,
  project_sessions: 0,
  needs: 0,
  event_attendances: 0,
  supporter_bookings: 0,
  peer_assignments: 0,
  agency_links: 0,
  released_bookings: 0,
  released_assignments: 0,
  released_attendances: 0,
};

describe('what a merge moves', () => {
  it('lists only the kinds with records, in a fixed order', () => {
    expect(movedLines(none)).toEqual([]);
    expect(movedLines({ ...none, referrals: 2, consultations: 3, released_bookings: 1 })).toEqual([
      { key: 'consultations', n: 3 },
      { key: 'referrals', n: 2 },
      { key: 'released_bookings', n: 1 },
    ]);
  });

  it('has words for every count in both languages', () => {
    for (const key of Object.values(MERGE_COUNT_LABELS)) {
      expect(ja[key].trim(), key).not.toBe('');
      expect(en[key].trim(), key).not.toBe('');
    }
  });
});
