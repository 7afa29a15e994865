import { describe, expect, it } from 'vitest';
import { etagOfVersion } from '../../api/regional';
import {
  byStage,
  dayAndTime,
  figureMagnitude,
  fiscalYearParam,
  formatFigureValue,
  isShare,
  isSuppressed,
  nextStage,
  parameterRequired,
  parameterSource,
  parameterValues,
  previousStage,
  publicYearsToTry,
  shownLabel,
  shownMagnitude,
  stageCounts,
  stageNumber,
} from './regionalModel';

describe('stages', () => {
  it('number the cycle ① to ④', () => {
    expect(['extraction', 'planning', 'implementation', 'evaluation'].map((s) => stageNumber(s as never))).toEqual(['①', '②', '③', '④']);
  });

  it('move one step forward, none past ④', () => {
    expect(nextStage('extraction')).toBe('planning');
    expect(nextStage('planning')).toBe('implementation');
    expect(nextStage('implementation')).toBe('evaluation');
    expect(nextStage('evaluation')).toBeNull();
  });

  it('move one step back, none before ①', () => {
    expect(previousStage('evaluation')).toBe('implementation');
    expect(previousStage('planning')).toBe('extraction');
    expect(previousStage('extraction')).toBeNull();
  });

  it('put issues in a column per stage, in order, and count them', () => {
    const issues = [
      { id: 'a', stage: 'planning' as const },
      { id: 'b', stage: 'extraction' as const },
      { id: 'c', stage: 'planning' as const },
    ];
    const columns = byStage(issues);
    expect(columns.planning.map((x) => x.id)).toEqual(['a', 'c']);
    expect(columns.evaluation).toEqual([]);
    expect(stageCounts(issues)).toEqual([
      { stage: 'extraction', count: 1 },
      { stage: 'planning', count: 2 },
      { stage: 'implementation', count: 0 },
      { stage: 'evaluation', count: 0 },
    ]);
  });
});

describe('figure parameters', () => {
  it('ask each kind for its own list', () => {
    expect(parameterSource('referrals_information_only_share')).toBe('agencyType');
    expect(parameterSource('consultations_on_topic')).toBe('topic');
    expect(parameterSource('open_shoman_needs')).toBe('needKind');
    expect(parameterSource('overdue_follow_ups')).toBeNull();
    expect(parameterValues('referrals_information_only_share')).toContain('hello_work');
    expect(parameterValues('consultations_on_topic')).toContain('employment');
    expect(parameterValues('open_shoman_needs')).toContain('respite');
    expect(parameterValues('overdue_follow_ups')).toEqual([]);
  });

  it('require an agency type and a topic, leave the need kind optional', () => {
    expect(parameterRequired('referrals_information_only_share')).toBe(true);
    expect(parameterRequired('consultations_on_topic')).toBe(true);
    expect(parameterRequired('open_shoman_needs')).toBe(false);
    expect(parameterRequired('overdue_follow_ups')).toBe(false);
  });
});

describe('figure values', () => {
  it('write a share with its part and whole, and a count with 件', () => {
    expect(formatFigureValue({ numerator: 31, denominator: 50, share: 62, fiscal_year: 2026 }, 'ja')).toBe('62.0%（31/50件）');
    expect(formatFigureValue({ numerator: 31, denominator: 50, share: 62, fiscal_year: 2026 }, 'en')).toBe('62.0% (31/50)');
    expect(formatFigureValue({ numerator: 0, denominator: 0, share: null, fiscal_year: 2026 }, 'ja')).toBe('—（0/0件）');
    expect(formatFigureValue({ numerator: 1200, fiscal_year: 2026 }, 'ja')).toBe('1,200件');
    expect(formatFigureValue({ numerator: 12, fiscal_year: 2026 }, 'en')).toBe('12');
  });

  it('draw a share in % and a count as it is', () => {
    expect(figureMagnitude({ numerator: 31, denominator: 50, share: 62, fiscal_year: 2026 })).toBe(62);
    expect(figureMagnitude({ numerator: 0, denominator: 0, share: null, fiscal_year: 2026 })).toBe(0);
    expect(figureMagnitude({ numerator: 7, fiscal_year: 2026 })).toBe(7);
    expect(isShare({ numerator: 7, denominator: null, fiscal_year: 2026 })).toBe(false);
  });
});

describe('published values', () => {
  it('know a suppressed count by its missing numbers', () => {
    expect(isSuppressed({ label: '5未満', count: null, share: null })).toBe(true);
    expect(isSuppressed({ label: '12', count: 12 })).toBe(false);
    expect(isSuppressed({ label: '62.0%', share: 62 })).toBe(false);
  });

  it("keep the server's label in Japanese and say 'fewer than' in English", () => {
    expect(shownLabel({ label: '5未満', count: null, share: null }, 'ja')).toBe('5未満');
    expect(shownLabel({ label: '5未満', count: null, share: null }, 'en')).toBe('fewer than 5');
    expect(shownLabel({ label: '62.0%', share: 62 }, 'en')).toBe('62.0%');
  });

  it('draw a shown value by its share, else its count, and not at all when hidden', () => {
    expect(shownMagnitude({ label: '62.0%', share: 62, count: 31 })).toBe(62);
    expect(shownMagnitude({ label: '12', count: 12 })).toBe(12);
    expect(shownMagnitude({ label: '5未満' })).toBeNull();
  });
});

describe('fiscal years in the address', () => {
  it('take a four-digit year in range, else the fallback', () => {
    expect(fiscalYearParam('2025', 2026)).toBe(2025);
    expect(fiscalYearParam(null, 2026)).toBe(2026);
    expect(fiscalYearParam('R7', 2026)).toBe(2026);
    expect(fiscalYearParam('1999', 2026)).toBe(2026);
  });

  it('try the current fiscal year first, then the one before (in Tokyo)', () => {
    // 2026-03-31 23:30 in Tokyo is still FY2025.
    expect(publicYearsToTry(new Date('2026-03-31T14:30:00Z'))).toEqual([2025, 2024]);
    expect(publicYearsToTry(new Date('2026-03-31T15:30:00Z'))).toEqual([2026, 2025]);
  });
});

describe('versions of listed records', () => {
  it('are tagged as the server tags them', () => {
    expect(etagOfVersion(3)).toBe('"v3"');
  });
});

describe('history times', () => {
  it('are the day and time in Tokyo', () => {
    expect(dayAndTime('2026-03-31T15:30:00Z', (d) => `[${d}]`)).toBe('[2026-04-01] 00:30');
  });
});
