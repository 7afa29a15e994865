import { describe, expect, it } from 'vitest';
import { LEVELS } from '../api/enums';
import {
  consentCovering,
  consentInForce,
  consentScopesFor,
  levelDots,
  levelPassesData,
  levelPromisesFollowUp,
  levelRank,
  levelsAbove,
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
  // As the API answers them: each agency names the consent scopes that cover it.
  const helloWork = ['employment_agencies', 'all_agencies'] as const;
  const other = ['all_agencies'] as const;

  it('takes the covering scopes from an agency of the type', () => {
    const agencies = [
      { agency_type: 'hello_work', consent_scopes: helloWork },
      { agency_type: 'other', consent_scopes: other },
    ];
    expect(consentScopesFor(agencies, 'other')).toBe(other);
    expect(consentScopesFor(agencies, 'hello_work')).toBe(helloWork);
    expect(consentScopesFor(agencies, 'vocational_center')).toBeNull();
    expect(consentScopesFor([], '')).toBeNull();
  });

  it('is in force from the day given until the day withdrawn', () => {
    expect(consentInForce(employment, '2026-03-31')).toBe(false);
    expect(consentInForce(employment, '2026-04-01')).toBe(true);
    expect(consentInForce(all, '2026-05-31')).toBe(true);
    expect(consentInForce(all, '2026-06-01')).toBe(false);
  });

  it('finds the latest consent in force of a covering scope', () => {
    expect(consentCovering([employment, all], other, '2026-05-15')).toBe(all);
    expect(consentCovering([employment, all], other, '2026-06-15')).toBeUndefined();
    expect(consentCovering([employment, all], helloWork, '2026-05-15')).toBe(all);
    expect(consentCovering([employment, all], helloWork, '2026-06-15')).toBe(employment);
    expect(consentCovering([employment], null, '2026-06-15')).toBe(employment);
    expect(consentCovering([], null, '2026-06-15')).toBeUndefined();
  });
});
