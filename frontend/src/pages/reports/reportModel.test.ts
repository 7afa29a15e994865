import { describe, expect, it } from 'vitest';
import designTokens from '@digital-go-jp/design-tokens';
import type { CenterReferralLevels, CentersReferralLevels, CooperationCountsReport } from '../../api/reports';
import { en, ja } from '../../i18n/messages';
import {
  BANDS,
  LEVEL_SERIES,
  SERIES_COLORS,
  awarenessRows,
  contrast,
  cooperationTable,
  countsInOrder,
  defaultReportFiscalYear,
  filterFromParams,
  filterToParams,
  fiscalYearChoices,
  fiscalYearOptionLabel,
  formatCount,
  formatPercent,
  levelFigure,
  monthLabel,
  outcomeRows,
  outcomeTotal,
  reportQuery,
  seriesNumber,
  share,
  stackedBarData,
  textColorOn,
  textUnits,
  wrapLabel,
} from './reportModel';

const PERIOD = { from: '2025-04-01', to: '2026-03-31' };

const zero = { information_only: 0, phone_mediation: 0, accompanied: 0, accompanied_with_follow_up: 0 };

/** A center's referral levels as the API sends them (rows in any order). */
const centerLevels: CenterReferralLevels = {
  period: PERIOD,
  rows: [
    { agency_type: 'other', counts: zero, total: 0, answer: 'none' },
    {
      agency_type: 'hello_work',
      counts: { information_only: 7, phone_mediation: 2, accompanied: 1, accompanied_with_follow_up: 0 },
      total: 10,
      answer: 'information_only',
    },
    { agency_type: 'vocational_center', counts: { ...zero, accompanied_with_follow_up: 3 }, total: 3, answer: 'accompanied_with_follow_up' },
    { agency_type: 'employment_life_support_center', counts: { ...zero, phone_mediation: 1 }, total: 1, answer: 'phone_mediation' },
  ],
};

/** The paper's figure for Hello Work (n=52), as the system administrator gets it. */
const centersLevels: CentersReferralLevels = {
  period: PERIOD,
  n: 52,
  rows: [
    {
      agency_type: 'hello_work',
      answers: { none: 9, information_only: 22, phone_mediation: 7, accompanied: 14, accompanied_with_follow_up: 0 },
    },
  ],
};

describe('the fiscal year a report opens on', () => {
  it('is the last completed fiscal year, in Tokyo time', () => {
    // 2026-03-31T15:30Z is already 1 April in Tokyo: FY2026 has begun, FY2025 is complete.
    expect(defaultReportFiscalYear(new Date('2026-03-31T15:30:00Z'))).toBe(2025);
    // Nine hours earlier it is still 31 March in Tokyo: FY2025 runs, FY2024 is the last complete one.
    expect(defaultReportFiscalYear(new Date('2026-03-31T14:59:00Z'))).toBe(2024);
    expect(defaultReportFiscalYear(new Date('2026-11-24T00:00:00Z'))).toBe(2025);
    expect(defaultReportFiscalYear(new Date('2027-01-15T00:00:00Z'))).toBe(2025);
  });

  it('offers the running year and the nine before it, newest first', () => {
    const years = fiscalYearChoices(new Date('2026-11-24T00:00:00Z'));
    expect(years[0]).toBe(2026);
    expect(years).toHaveLength(10);
    expect(years.at(-1)).toBe(2017);
    expect(years).toContain(defaultReportFiscalYear(new Date('2026-11-24T00:00:00Z')));
  });

  it('never offers a year the server refuses', () => {
    expect(fiscalYearChoices(new Date('2003-06-01T00:00:00Z'))).toEqual([2003, 2002, 2001, 2000]);
  });
});

describe('fiscal year labels', () => {
  it('shows the era and the Western year in Japanese', () => {
    expect(fiscalYearOptionLabel(2025, 'ja')).toBe('令和7年度（2025年度）');
    expect(fiscalYearOptionLabel(2019, 'ja')).toBe('令和元年度（2019年度）');
    expect(fiscalYearOptionLabel(2018, 'ja')).toBe('平成30年度（2018年度）');
  });

  it('has an English label', () => {
    expect(fiscalYearOptionLabel(2025, 'en')).toBe('FY2025 (Reiwa 7)');
  });
});

describe('the period in the URL', () => {
  const now = new Date('2026-11-24T00:00:00Z');

  it('defaults to the last completed fiscal year', () => {
    expect(filterFromParams(new URLSearchParams(''), now)).toEqual({
      period: { kind: 'fiscal_year', fiscalYear: 2025 },
      prefectureCode: null,
    });
  });

  it('reads a fiscal year, a date range and a prefecture', () => {
    expect(filterFromParams(new URLSearchParams('fy=2023&pref=34'), now)).toEqual({
      period: { kind: 'fiscal_year', fiscalYear: 2023 },
      prefectureCode: '34',
    });
    expect(filterFromParams(new URLSearchParams('from=2025-04-01&to=2025-09-30'), now).period).toEqual({
      kind: 'range',
      from: '2025-04-01',
      to: '2025-09-30',
    });
  });

  it('ignores what it cannot use', () => {
    for (const q of ['fy=25', 'fy=1999', 'fy=abcd', 'from=2025-04-01', 'from=2025-4-1&to=2025-09-30']) {
      expect(filterFromParams(new URLSearchParams(q), now).period, q).toEqual({ kind: 'fiscal_year', fiscalYear: 2025 });
    }
    expect(filterFromParams(new URLSearchParams('pref=48'), now).prefectureCode).toBeNull();
    expect(filterFromParams(new URLSearchParams('pref=1'), now).prefectureCode).toBeNull();
  });

  it('writes what it reads', () => {
    for (const q of ['fy=2024', 'from=2025-04-01&to=2025-09-30&pref=13']) {
      expect(filterToParams(filterFromParams(new URLSearchParams(q), now)).toString()).toBe(q);
    }
  });

  it('sends the prefecture to the server only across centers', () => {
    const f = filterFromParams(new URLSearchParams('fy=2025&pref=34'), now);
    expect(reportQuery(f, true)).toEqual({ fiscal_year: '2025', prefecture_code: '34' });
    expect(reportQuery(f, false)).toEqual({ fiscal_year: '2025' });
    expect(reportQuery(filterFromParams(new URLSearchParams('from=2025-04-01&to=2025-06-30'), now), false)).toEqual({
      from: '2025-04-01',
      to: '2025-06-30',
    });
  });
});

describe('numbers', () => {
  it('writes rates as the paper does, to 0.1 %', () => {
    expect(formatPercent(0.043, 'ja')).toBe('4.3%');
    expect(formatPercent(0.603, 'en')).toBe('60.3%');
    expect(formatPercent(1, 'ja')).toBe('100.0%');
    expect(formatPercent(0, 'ja')).toBe('0.0%');
    expect(formatPercent(2 / 3, 'en')).toBe('66.7%');
    expect(formatPercent(-0.0001, 'en')).toBe('0.0%');
  });

  it('writes a dash where there is no rate', () => {
    expect(formatPercent(null, 'ja')).toBe('—');
    expect(formatPercent(undefined, 'en')).toBe('—');
    expect(formatPercent(Number.NaN, 'en')).toBe('—');
  });

  it('divides only by something', () => {
    expect(share(1, 4)).toBe(0.25);
    expect(share(0, 0)).toBeNull();
  });

  it('groups digits', () => {
    expect(formatCount(2069, 'ja')).toBe('2,069');
    expect(formatCount(2100000, 'en')).toBe('2,100,000');
  });

  it('names months', () => {
    expect(monthLabel('2025-04', 'ja')).toBe('2025年4月');
    expect(monthLabel('2026-01', 'en')).toBe('Jan 2026');
    expect(monthLabel('oops', 'en')).toBe('oops');
  });

  it('orders counts keyed by enum value, zero-filled, unknown keys last', () => {
    expect(countsInOrder({ phone: 45, in_person: 30, carrier_pigeon: 1 }, ['in_person', 'phone', 'email'])).toEqual([
      { key: 'in_person', count: 30 },
      { key: 'phone', count: 45 },
      { key: 'email', count: 0 },
      { key: 'carrier_pigeon', count: 1 },
    ]);
  });
});

describe('the referral-level figure', () => {
  it("maps a center's referrals to one row per agency type, in the app's order", () => {
    const f = levelFigure(centerLevels);
    expect(f.scope).toBe('center');
    expect(f.n).toBeNull();
    expect(f.series).toEqual(['information_only', 'phone_mediation', 'accompanied', 'accompanied_with_follow_up']);
    expect(f.rows.map((r) => r.agencyType)).toEqual(['hello_work', 'employment_life_support_center', 'vocational_center', 'other']);
    const hw = f.rows[0];
    expect(hw?.values).toEqual([7, 2, 1, 0]);
    expect(hw?.total).toBe(10);
    expect(hw?.shares).toEqual([0.7, 0.2, 0.1, 0]);
    expect(hw?.answer).toBe('information_only');
    // No referral of a type: no shares to speak of.
    expect(f.rows[3]?.shares).toEqual([null, null, null, null]);
  });

  it('maps centers per answer, with 全くできていない first, like the paper', () => {
    const f = levelFigure(centersLevels);
    expect(f.scope).toBe('centers');
    expect(f.n).toBe(52);
    expect(f.series).toEqual(LEVEL_SERIES);
    expect(f.rows[0]?.values).toEqual([9, 22, 7, 14, 0]);
    expect(f.rows[0]?.total).toBe(52);
    expect(f.rows[0]?.shares.map((s) => formatPercent(s, 'ja'))).toEqual(['17.3%', '42.3%', '13.5%', '26.9%', '0.0%']);
  });

  it('gives the chart one dataset per series, in percent, with the counts and colours', () => {
    const data = stackedBarData(levelFigure(centerLevels), {
      series: (s) => `S:${s}`,
      agencyType: (t) => `T:${t}`,
    });
    expect(data.labels).toEqual([
      'T:hello_work',
      'T:employment_life_support_center',
      'T:vocational_center',
      'T:other',
    ]);
    expect(data.datasets.map((d) => d.label)).toEqual([
      'S:information_only',
      'S:phone_mediation',
      'S:accompanied',
      'S:accompanied_with_follow_up',
    ]);
    expect(data.datasets[0]).toMatchObject({ key: 'information_only', data: [70, 0, 0, 0], counts: [7, 0, 0, 0] });
    expect(data.datasets[3]).toMatchObject({ data: [0, 0, 100, 0], counts: [0, 0, 3, 0] });
    expect(data.datasets[0]?.backgroundColor).toBe(SERIES_COLORS.information_only);
    // Each non-empty bar fills 100 %.
    for (const row of [0, 1, 2]) {
      expect(data.datasets.reduce((sum, d) => sum + (d.data[row] ?? 0), 0)).toBeCloseTo(100, 5);
    }
  });

  it("numbers the survey's answers", () => {
    expect(LEVEL_SERIES.map(seriesNumber)).toEqual(['', '1', '2', '3', '4']);
  });

  it("takes its colours from the Digital Agency's tokens", () => {
    const blue = designTokens.Color.Primitive.Blue;
    const gray = designTokens.Color.Neutral.SolidGray;
    const hex = (token: { $value?: unknown }) => String(token.$value).toLowerCase();
    expect(SERIES_COLORS).toEqual({
      none: hex(gray[200]),
      information_only: hex(blue[200]),
      phone_mediation: hex(blue[400]),
      accompanied: hex(blue[700]),
      accompanied_with_follow_up: hex(blue[1000]),
    });
  });

  it('writes labels legibly on every segment (WCAG AA for the percentages)', () => {
    for (const color of Object.values(SERIES_COLORS)) {
      expect(contrast(textColorOn(color), color), color).toBeGreaterThanOrEqual(4.5);
    }
    expect(textColorOn('#00118f')).toBe('#ffffff');
    expect(textColorOn('#c5d7fb')).toBe('#1a1a1a');
  });
});

describe('cooperation counts', () => {
  it('tells the two shapes apart and sorts by agency type, then purpose', () => {
    const center: CooperationCountsReport = {
      period: PERIOD,
      rows: [
        { agency_type: 'other', purpose: 'new_employment', count: 0, band: 'none' },
        { agency_type: 'hello_work', purpose: 'job_retention', count: 12, band: '10-49' },
        { agency_type: 'hello_work', purpose: 'new_employment', count: 3, band: '1-9' },
      ],
    };
    const t = cooperationTable(center, false);
    expect(t.scope).toBe('center');
    expect(t.rows.map((r) => `${r.agency_type}/${r.purpose}`)).toEqual([
      'hello_work/new_employment',
      'hello_work/job_retention',
      'other/new_employment',
    ]);
    const centers: CooperationCountsReport = {
      period: PERIOD,
      rows: [{ agency_type: 'hello_work', purpose: 'new_employment', n: 17, bands: { '1-9': 6, '10-49': 9, '50-99': 1, '100+': 1 } }],
    };
    expect(cooperationTable(centers, true).scope).toBe('centers');
    // No rows at all: the role decides.
    expect(cooperationTable({ period: PERIOD, rows: [] }, true).scope).toBe('centers');
    expect(cooperationTable({ period: PERIOD, rows: [] }, false).scope).toBe('center');
  });

  it("uses the survey's four bands", () => {
    expect(BANDS).toEqual(['1-9', '10-49', '50-99', '100+']);
  });
});

describe('employment outcomes and support awareness', () => {
  it('groups outcomes by purpose and totals each purpose', () => {
    const rows = outcomeRows({
      period: PERIOD,
      rows: [
        { agency_type: 'other', purpose: 'job_retention', referred: 2, achieved: 1, rate: 0.5 },
        { agency_type: 'hello_work', purpose: 'new_employment', referred: 4, achieved: 1, rate: 0.25 },
        { agency_type: 'hello_work', purpose: 'job_retention', referred: 2, achieved: 2, rate: 1 },
        { agency_type: 'other', purpose: 'new_employment', referred: 0, achieved: 0, rate: null },
      ],
    });
    expect(rows.map((r) => `${r.purpose}/${r.agency_type}`)).toEqual([
      'new_employment/hello_work',
      'new_employment/other',
      'job_retention/hello_work',
      'job_retention/other',
    ]);
    expect(outcomeTotal(rows, 'new_employment')).toEqual({ referred: 4, achieved: 1, rate: 0.25 });
    expect(outcomeTotal(rows, 'job_retention')).toEqual({ referred: 4, achieved: 3, rate: 0.75 });
  });

  it("lists every answer in the survey's order, next to the paper's figures", () => {
    const rows = awarenessRows({
      period: PERIOD,
      total: 4,
      rows: [
        { support_awareness: 'unaware', count: 3, rate: 0.75 },
        { support_awareness: 'using', count: 1, rate: 0.25 },
      ],
    });
    expect(rows).toEqual([
      { key: 'using', count: 1, rate: 0.25, paper: 0.043 },
      { key: 'used_before', count: 0, rate: 0, paper: 0.067 },
      { key: 'aware_not_used', count: 0, rate: 0, paper: 0.287 },
      { key: 'unaware', count: 3, rate: 0.75, paper: 0.603 },
    ]);
    expect(rows.reduce((s, r) => s + (r.paper ?? 0), 0)).toBeCloseTo(1, 5);
  });
});

describe('report labels', () => {
  it('name every answer, band and report in both languages, each differently', () => {
    const keys = [
      'report.levelNone',
      ...['none', ...BANDS].map((b) => `report.band.${b}`),
      'report.levels.title',
      'report.coop.title',
      'report.cons.title',
      'report.outcomes.title',
      'report.awareness.title',
    ];
    for (const table of [ja, en] as Record<string, string>[]) {
      const labels = keys.map((k) => table[k]);
      expect(labels.every((l) => typeof l === 'string' && l.trim() !== ''), keys.join(', ')).toBe(true);
      expect(new Set(labels).size).toBe(keys.length);
    }
  });

  it("uses the survey's wording for the answers", () => {
    expect(ja['report.levelNone']).toBe('全くできていない');
    expect(BANDS.map((b) => ja[`report.band.${b}`])).toEqual(['1～9件', '10～49件', '50～99件', '100件以上']);
  });
});

describe('chart labels on narrow screens', () => {
  it('leaves a label that fits alone', () => {
    expect(wrapLabel('ハローワーク', 20)).toEqual(['ハローワーク']);
    expect(textUnits('ハローワーク')).toBe(12);
    expect(textUnits('Hello Work')).toBe(10);
  });

  it('breaks before the parenthesis first', () => {
    expect(wrapLabel('ハローワーク（公共職業安定所）', 20)).toEqual(['ハローワーク', '（公共職業安定所）']);
    expect(wrapLabel('Hello Work (public employment security office)', 20)).toEqual([
      'Hello Work',
      '(public employment',
      'security office)',
    ]);
  });

  it('breaks long Japanese between characters, never before a closing bracket or comma', () => {
    expect(wrapLabel('障害者就業・生活支援センター', 12)).toEqual(['障害者就業・', '生活支援セン', 'ター']);
    expect(wrapLabel('（公共職業安定所）', 16)).toEqual(['（公共職業安定所）']);
    for (const lines of [wrapLabel('その他の就労等関係機関', 8), wrapLabel('ハローワーク（公共職業安定所）', 10)]) {
      expect(lines.join('')).not.toBe('');
      for (const l of lines.slice(1)) expect(l).not.toMatch(/^[）、・]/);
      for (const l of lines.slice(0, -1)) expect(l).not.toMatch(/[（]$/);
    }
  });
});
