// The Reports screen's logic without React: which period to show, how the API's figures
// become chart series and table rows, and how numbers are written.
import { AGENCY_TYPES, LEVELS, PURPOSES, SUPPORT_AWARENESS, isLevel, isSupportAwareness, type Purpose } from '../../api/enums';
import type {
  CooperationBandsRow,
  CooperationCountsReport,
  CooperationRow,
  CentersReferralLevels,
  EmploymentOutcomesReport,
  ReferralLevelsReport,
  ReportQuery,
  SupportAwarenessReport,
} from '../../api/reports';
import { currentFiscalYear, type Lang } from '../../lib/datetime';
import { prefectureByCode } from '../../lib/prefectures';
import { fiscalYearLabelEn, fiscalYearLabelJa, fiscalYearRange } from '../../lib/wareki';

// --- the period --------------------------------------------------------------------------

/** The fiscal years the server reports on (年度 2000 to 2100). */
export const FIRST_REPORT_YEAR = 2000;
export const LAST_REPORT_YEAR = 2100;

export type ReportPeriod =
  | { readonly kind: 'fiscal_year'; readonly fiscalYear: number }
  | { readonly kind: 'range'; readonly from: string; readonly to: string };

export interface ReportFilter {
  readonly period: ReportPeriod;
  /** Across centers only: the centers of one prefecture ('01'…'47'), or all when null. */
  readonly prefectureCode: string | null;
}

/**
 * The fiscal year the screen opens on: the last one completed in Asia/Tokyo, the one a
 * center reports on (in April 2026, 令和7年度 = FY2025).
 */
export function defaultReportFiscalYear(now: Date = new Date()): number {
  return currentFiscalYear(now) - 1;
}

/** The fiscal years to choose from, newest first: the current one (still running) and the `count - 1` before it. */
export function fiscalYearChoices(now: Date = new Date(), count = 10): number[] {
  const current = Math.min(currentFiscalYear(now), LAST_REPORT_YEAR);
  const out: number[] = [];
  for (let y = current; y > current - count && y >= FIRST_REPORT_YEAR; y--) out.push(y);
  return out;
}

/** 令和7年度（2025年度） / FY2025 (Reiwa 7): the era for the forms, the Western year for everyone. */
export function fiscalYearOptionLabel(year: number, lang: Lang): string {
  return lang === 'ja' ? `${fiscalYearLabelJa(year)}（${year}年度）` : fiscalYearLabelEn(year);
}

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const YEAR = /^\d{4}$/;

/** The filter a URL asks for (`?fy=2025` or `?from=…&to=…`, and `&pref=34`); the default year otherwise. */
export function filterFromParams(params: URLSearchParams, now: Date = new Date()): ReportFilter {
  const from = params.get('from') ?? '';
  const to = params.get('to') ?? '';
  const fy = params.get('fy') ?? '';
  const pref = params.get('pref') ?? '';
  let period: ReportPeriod = { kind: 'fiscal_year', fiscalYear: defaultReportFiscalYear(now) };
  if (ISO_DATE.test(from) && ISO_DATE.test(to)) {
    period = { kind: 'range', from, to };
  } else if (YEAR.test(fy) && Number(fy) >= FIRST_REPORT_YEAR && Number(fy) <= LAST_REPORT_YEAR) {
    period = { kind: 'fiscal_year', fiscalYear: Number(fy) };
  }
  return { period, prefectureCode: prefectureByCode(pref) ? pref : null };
}

/** The URL's search parameters for a filter (the inverse of filterFromParams). */
export function filterToParams(filter: ReportFilter): URLSearchParams {
  const p = new URLSearchParams();
  if (filter.period.kind === 'fiscal_year') {
    p.set('fy', String(filter.period.fiscalYear));
  } else {
    p.set('from', filter.period.from);
    p.set('to', filter.period.to);
  }
  if (filter.prefectureCode) p.set('pref', filter.prefectureCode);
  return p;
}

/** The API query for a filter; the prefecture only goes to the server across centers. */
export function reportQuery(filter: ReportFilter, acrossCenters: boolean): ReportQuery {
  const period =
    filter.period.kind === 'fiscal_year'
      ? { fiscal_year: String(filter.period.fiscalYear) }
      : { from: filter.period.from, to: filter.period.to };
  return acrossCenters && filter.prefectureCode ? { ...period, prefecture_code: filter.prefectureCode } : period;
}

/** First and last day of the filter's period (both included). */
export function filterDates(filter: ReportFilter): { from: string; to: string } {
  return filter.period.kind === 'fiscal_year' ? fiscalYearRange(filter.period.fiscalYear) : filter.period;
}

// --- numbers -------------------------------------------------------------------------------

/** `part / whole`, or null when there is nothing to divide by. */
export function share(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

const percentFormats: Record<Lang, Intl.NumberFormat> = {
  ja: new Intl.NumberFormat('ja-JP', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
  en: new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }),
};

/** A rate (0.043) as the paper writes it (4.3%); a dash when there is no rate. */
export function formatPercent(rate: number | null | undefined, lang: Lang): string {
  if (rate == null || !Number.isFinite(rate)) return '—';
  // Avoid "-0.0%" for tiny negative rounding noise.
  return percentFormats[lang].format(Math.abs(rate) < 0.0005 ? 0 : rate);
}

const countFormats: Record<Lang, Intl.NumberFormat> = {
  ja: new Intl.NumberFormat('ja-JP'),
  en: new Intl.NumberFormat('en-GB'),
};

/** A count with digit grouping: 1,234. */
export function formatCount(n: number, lang: Lang): string {
  return countFormats[lang].format(n);
}

/** 2025-04 → 2025年4月 / Apr 2025. */
export function monthLabel(month: string, lang: Lang): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  if (lang === 'ja') return `${m[1]}年${Number(m[2])}月`;
  const name = new Intl.DateTimeFormat('en-GB', { month: 'short', timeZone: 'UTC' }).format(
    new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)),
  );
  return `${name} ${m[1]}`;
}

function orderOf<T extends string>(list: readonly T[], value: string): number {
  const i = (list as readonly string[]).indexOf(value);
  return i === -1 ? list.length : i;
}

/**
 * Counts keyed by enum value (by_channel and the like) as rows in the enum's order, with a
 * zero for every value the API left out; values this version does not know come last.
 */
export function countsInOrder(counts: Readonly<Record<string, number>>, order: readonly string[]): { key: string; count: number }[] {
  const known = order.map((key) => ({ key, count: counts[key] ?? 0 }));
  const extra = Object.keys(counts)
    .filter((k) => !order.includes(k))
    .sort()
    .map((key) => ({ key, count: counts[key] ?? 0 }));
  return [...known, ...extra];
}

// --- chart labels --------------------------------------------------------------------------

const WIDE = /[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]/;
const NO_LINE_START = /^[）)」』、。・ー]/;
const NO_LINE_END = /[（(「『]$/;

/** Width of a text in half-width units: a kanji or kana counts 2, a Latin letter 1. */
export function textUnits(text: string): number {
  let n = 0;
  for (const ch of text) n += WIDE.test(ch) ? 2 : 1;
  return n;
}

function wrapSegment(segment: string, maxUnits: number): string[] {
  // Breakable pieces: each wide character, or a Latin word with the spaces after it.
  const pieces = segment.match(/[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]|[^\s\u3000-\u30ff\u3400-\u9fff\uff00-\uffef]+\s*|\s+/g) ?? [];
  const lines: string[] = [];
  let line = '';
  for (const piece of pieces) {
    if (line !== '' && textUnits(line + piece.trimEnd()) > maxUnits) {
      lines.push(line.trimEnd());
      line = piece.trimStart();
    } else {
      line += piece;
    }
  }
  if (line.trim() !== '') lines.push(line.trimEnd());
  // Japanese line-breaking rules: no closing bracket or comma at the start of a line, no
  // opening bracket at its end (the line may run a character long instead).
  for (let k = 1; k < lines.length; k++) {
    while (NO_LINE_START.test(lines[k] ?? '')) {
      lines[k - 1] = `${lines[k - 1] ?? ''}${(lines[k] ?? '').charAt(0)}`;
      lines[k] = (lines[k] ?? '').slice(1);
    }
    while (NO_LINE_END.test(lines[k - 1] ?? '')) {
      lines[k] = `${(lines[k - 1] ?? '').slice(-1)}${lines[k] ?? ''}`;
      lines[k - 1] = (lines[k - 1] ?? '').slice(0, -1);
    }
  }
  return lines.filter((l) => l !== '');
}

/**
 * A chart label in lines of at most `maxUnits` half-width units, breaking before a
 * parenthesis first ("ハローワーク" / "（公共職業安定所）"), then between words or characters.
 * Charts cannot wrap text themselves; without this, long agency names run off a narrow chart.
 */
export function wrapLabel(label: string, maxUnits: number): string[] {
  if (textUnits(label) <= maxUnits) return [label];
  const segments = label.split(/(?=[（(])/).map((x) => x.trim()).filter((x) => x !== '');
  const lines: string[] = [];
  for (const segment of segments) {
    const last = lines[lines.length - 1];
    if (last !== undefined && textUnits(`${last} ${segment}`) <= maxUnits) {
      lines[lines.length - 1] = WIDE.test(segment.charAt(0)) ? `${last}${segment}` : `${last} ${segment}`;
    } else {
      lines.push(...wrapSegment(segment, maxUnits));
    }
  }
  return lines;
}

// --- referral levels: the ministry's figure ------------------------------------------------

/** The answers of the survey, in the figure's order: 全くできていない, then levels 1 to 4. */
export const LEVEL_SERIES = ['none', ...LEVELS] as const;
export type LevelSeries = (typeof LEVEL_SERIES)[number];

export function isCentersReferralLevels(r: ReferralLevelsReport): r is CentersReferralLevels {
  return 'n' in r && r.rows.every((row) => 'answers' in row);
}

export interface LevelFigureRow {
  /** An AgencyType (kept as a string: a newer server may know more). */
  readonly agencyType: string;
  /** One value per series (referrals for a center, centers across centers). */
  readonly values: readonly number[];
  /** Each value's share of the row (null when the row is empty). */
  readonly shares: readonly (number | null)[];
  readonly total: number;
  /** A center's survey answer (the lower median level) or 'none'. */
  readonly answer: string | null;
}

export interface LevelFigure {
  /** 'center': referrals of one center per level; 'centers': centers per answer. */
  readonly scope: 'center' | 'centers';
  readonly series: readonly LevelSeries[];
  readonly rows: readonly LevelFigureRow[];
  /** Across centers: the centers in the figure. */
  readonly n: number | null;
}

function byAgencyType<R extends { agency_type: string }>(rows: readonly R[]): R[] {
  return [...rows].sort((a, b) => orderOf(AGENCY_TYPES, a.agency_type) - orderOf(AGENCY_TYPES, b.agency_type));
}

function figureRow(agencyType: string, values: number[], answer: string | null): LevelFigureRow {
  const total = values.reduce((a, b) => a + b, 0);
  return { agencyType, values, shares: values.map((v) => share(v, total)), total, answer };
}

/**
 * The referral-level report as a 100% stacked figure: one row per agency type. For a center
 * the series are the four levels (its referrals); across centers, 全くできていない and the
 * four levels (how many centers gave each answer), like the paper's figure.
 */
export function levelFigure(report: ReferralLevelsReport): LevelFigure {
  if (isCentersReferralLevels(report)) {
    return {
      scope: 'centers',
      series: LEVEL_SERIES,
      n: report.n,
      rows: byAgencyType(report.rows).map((r) =>
        figureRow(
          r.agency_type,
          LEVEL_SERIES.map((s) => r.answers[s]),
          null,
        ),
      ),
    };
  }
  return {
    scope: 'center',
    series: LEVELS,
    n: null,
    rows: byAgencyType(report.rows).map((r) =>
      figureRow(
        r.agency_type,
        LEVELS.map((l) => r.counts[l]),
        r.answer,
      ),
    ),
  };
}

/**
 * Colours of the series, from the Digital Agency's palette (design tokens): grey for "none",
 * then blues darkening with the level, so the order reads without the legend too.
 */
export const SERIES_COLORS: Readonly<Record<LevelSeries, string>> = {
  none: '#cccccc', // Neutral Solid Gray 200
  information_only: '#c5d7fb', // Primitive Blue 200
  phone_mediation: '#7096f8', // Primitive Blue 400
  accompanied: '#264af4', // Primitive Blue 700
  accompanied_with_follow_up: '#00118f', // Primitive Blue 1000
};

function channel(hex: string, at: number): number {
  const c = parseInt(hex.slice(at, at + 2), 16) / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG relative luminance of a #rrggbb colour. */
export function luminance(hex: string): number {
  return 0.2126 * channel(hex, 1) + 0.7152 * channel(hex, 3) + 0.0722 * channel(hex, 5);
}

/** WCAG contrast ratio of two #rrggbb colours. */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export const INK = '#1a1a1a'; // Neutral Solid Gray 900
export const PAPER = '#ffffff';

/** The text colour (near-black or white) that reads best on a background. */
export function textColorOn(background: string): string {
  return contrast(INK, background) >= contrast(PAPER, background) ? INK : PAPER;
}

export interface StackedDataset {
  readonly key: LevelSeries;
  readonly label: string;
  /** Percent of each row (0–100), what the bars show. */
  readonly data: number[];
  /** The counts behind them, for tooltips and labels. */
  readonly counts: number[];
  readonly backgroundColor: string;
}

/** The figure as a chart's labels and datasets (one dataset per series). */
export function stackedBarData(
  figure: LevelFigure,
  labelOf: { series: (s: LevelSeries) => string; agencyType: (t: string) => string },
): { labels: string[]; datasets: StackedDataset[] } {
  return {
    labels: figure.rows.map((r) => labelOf.agencyType(r.agencyType)),
    datasets: figure.series.map((key, i) => ({
      key,
      label: labelOf.series(key),
      data: figure.rows.map((r) => Math.round((r.shares[i] ?? 0) * 1000) / 10),
      counts: figure.rows.map((r) => r.values[i] ?? 0),
      backgroundColor: SERIES_COLORS[key],
    })),
  };
}

/** The survey's number of a series: '' for none, 1–4 for the levels. */
export function seriesNumber(s: LevelSeries): string {
  return isLevel(s) ? String(LEVELS.indexOf(s) + 1) : '';
}

// --- cooperation counts ----------------------------------------------------------------------

/** The survey's bands of cooperation cases (件). */
export const BANDS = ['1-9', '10-49', '50-99', '100+'] as const;
export type Band = (typeof BANDS)[number];

export type CooperationTable =
  | { readonly scope: 'center'; readonly rows: readonly CooperationRow[] }
  | { readonly scope: 'centers'; readonly rows: readonly CooperationBandsRow[] };

function byTypeThenPurpose<R extends { agency_type: string; purpose: string }>(rows: readonly R[]): R[] {
  return [...rows].sort(
    (a, b) =>
      orderOf(AGENCY_TYPES, a.agency_type) - orderOf(AGENCY_TYPES, b.agency_type) ||
      orderOf(PURPOSES, a.purpose) - orderOf(PURPOSES, b.purpose),
  );
}

/**
 * Which of the two shapes came back. The API has no discriminator: across centers the rows
 * carry `bands`; `acrossCenters` decides only when there are no rows at all.
 */
export function cooperationTable(report: CooperationCountsReport, acrossCenters: boolean): CooperationTable {
  const rows: readonly (CooperationRow | CooperationBandsRow)[] = report.rows;
  const centers = rows.length === 0 ? acrossCenters : rows.every((r) => 'bands' in r);
  return centers
    ? { scope: 'centers', rows: byTypeThenPurpose(rows as CooperationBandsRow[]) }
    : { scope: 'center', rows: byTypeThenPurpose(rows as CooperationRow[]) };
}

// --- employment outcomes and support awareness -----------------------------------------------

export type OutcomeRow = EmploymentOutcomesReport['rows'][number];

/** Outcome rows grouped by purpose (new employment first), then by agency type. */
export function outcomeRows(report: EmploymentOutcomesReport): OutcomeRow[] {
  return [...report.rows].sort(
    (a, b) =>
      orderOf(PURPOSES, a.purpose) - orderOf(PURPOSES, b.purpose) ||
      orderOf(AGENCY_TYPES, a.agency_type) - orderOf(AGENCY_TYPES, b.agency_type),
  );
}

/** A purpose's totals over all agency types. */
export function outcomeTotal(rows: readonly OutcomeRow[], purpose: Purpose): { referred: number; achieved: number; rate: number | null } {
  const mine = rows.filter((r) => r.purpose === purpose);
  const referred = mine.reduce((a, r) => a + r.referred, 0);
  const achieved = mine.reduce((a, r) => a + r.achieved, 0);
  return { referred, achieved, rate: share(achieved, referred) };
}

/**
 * The paper's survey of 500 patients not working: use of employment support (for
 * comparison next to the center's own figures).
 */
export const PAPER_AWARENESS: Readonly<Record<(typeof SUPPORT_AWARENESS)[number], number>> = {
  using: 0.043,
  used_before: 0.067,
  aware_not_used: 0.287,
  unaware: 0.603,
};

export interface AwarenessRow {
  readonly key: string;
  readonly count: number;
  readonly rate: number | null;
  /** The paper's share for comparison, when this answer is one of the survey's. */
  readonly paper: number | null;
}

/** Every answer in the survey's order (zero where the API sent none). */
export function awarenessRows(report: SupportAwarenessReport): AwarenessRow[] {
  // Keyed by string: a newer server may send an answer this version does not know.
  const by = new Map<string, SupportAwarenessReport['rows'][number]>(report.rows.map((r) => [r.support_awareness, r]));
  const keys: string[] = [...SUPPORT_AWARENESS, ...[...by.keys()].filter((k) => !isSupportAwareness(k))];
  return keys.map((key) => {
    const r = by.get(key);
    const count = r?.count ?? 0;
    return {
      key,
      count,
      rate: r?.rate ?? share(count, report.total),
      paper: isSupportAwareness(key) ? PAPER_AWARENESS[key] : null,
    };
  });
}
