import { describe, expect, it } from 'vitest';
import { LEVELS } from '../api/enums';
import {
  consentCovering,
  consentInForce,
  levelDots,
  levelPassesData,
  levelPromisesFollowUp,
  levelRank,
  levelsAbove,
  scopeCovers,
} from './cases';

describe('the four-step level badge', () => {
  it('maps each survey level to its step and dots', () => {
    expect(LEVELS.map((l) => [levelRank(l), levelDots(l)])).toEqual([
      [1, '●○○○'],
      [2, '●●○○'],
      [3, '●●●○'],
      [4, '●●●●'],
    ]);
  });

  it('passes data from phone mediation up and promises follow-up at level 4 only', () => {
    expect(LEVELS.map(levelPassesData)).toEqual([false, true, true, true]);
    expect(LEVELS.map(levelPromisesFollowUp)).toEqual([false, false, false, true]);
  });

  it('lists the levels a referral may be raised to', () => {
    expect(levelsAbove('information_only')).toEqual(['phone_mediation', 'accompanied', 'accompanied_with_follow_up']);
    expect(levelsAbove('accompanied_with_follow_up')).toEqual([]);
  });
});

describe('consent', () => {
  const employment = { given_on: '2026-04-01', withdrawn_on: null, scope: 'employment_agencies' };
  const all = { given_on: '2026-05-01', withdrawn_on: '2026-06-01', scope: 'all_agencies' };

  it('covers agencies by scope', () => {
    expect(scopeCovers('employment_agencies', 'hello_work')).toBe(true);
    expect(scopeCovers('employment_agencies', 'other')).toBe(false);
    expect(scopeCovers('all_agencies', 'other')).toBe(true);
  });

  it('is in force from the day given until the day withdrawn', () => {
    expect(consentInForce(employment, '2026-03-31')).toBe(false);
    expect(consentInForce(employment, '2026-04-01')).toBe(true);
    expect(consentInForce(all, '2026-05-31')).toBe(true);
    expect(consentInForce(all, '2026-06-01')).toBe(false);
  });

  it('finds the latest consent covering an agency type', () => {
    expect(consentCovering([employment, all], 'other', '2026-05-15')).toBe(all);
    expect(consentCovering([employment, all], 'other', '2026-06-15')).toBeUndefined();
    expect(consentCovering([employment, all], 'hello_work', '2026-05-15')).toBe(all);
    expect(consentCovering([employment, all], 'hello_work', '2026-06-15')).toBe(employment);
    expect(consentCovering([employment], null, '2026-06-15')).toBe(employment);
    expect(consentCovering([], null, '2026-06-15')).toBeUndefined();
  });
});
