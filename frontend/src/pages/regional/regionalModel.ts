// The rules the regional screens follow, as small pure functions: the order of the PDCA
// stages and where a card may move, the parameter a figure kind asks for, and how a figure
// and a suppressed count are written.
import { AGENCY_TYPES, ISSUE_STAGES, TOPICS, type FigureKind, type IssueStage } from '../../api/enums';
import type { FigureValue, ShownValue } from '../../api/regional';
import type { Lang } from '../../lib/datetime';
import { TIME_ZONE, currentFiscalYear, tokyoDate } from '../../lib/datetime';
import { NEED_KINDS } from '../shoman/shomanModel';

/** ① to ④: the stage's place in the cycle, as the paper numbers it. */
export function stageNumber(stage: IssueStage): string {
  return ['①', '②', '③', '④'][ISSUE_STAGES.indexOf(stage)] ?? '';
}

/** The stage after this one, or null at ④ (a new cycle starts by going back). */
export function nextStage(stage: IssueStage): IssueStage | null {
  return ISSUE_STAGES[ISSUE_STAGES.indexOf(stage) + 1] ?? null;
}

/** The stage before this one, or null at ①. */
export function previousStage(stage: IssueStage): IssueStage | null {
  const i = ISSUE_STAGES.indexOf(stage);
  return i > 0 ? (ISSUE_STAGES[i - 1] ?? null) : null;
}

/** Issues in a column per stage, each column in the order given. */
export function byStage<T extends { stage: IssueStage }>(issues: readonly T[]): Record<IssueStage, T[]> {
  const out = { extraction: [], planning: [], implementation: [], evaluation: [] } as Record<IssueStage, T[]>;
  for (const issue of issues) out[issue.stage].push(issue);
  return out;
}

/** How many issues stand at each stage, in the cycle's order. */
export function stageCounts(issues: readonly { stage: IssueStage }[]): { stage: IssueStage; count: number }[] {
  const columns = byStage(issues);
  return ISSUE_STAGES.map((stage) => ({ stage, count: columns[stage].length }));
}

/** What a figure kind's parameter is chosen from: agency types, topics, need kinds, or nothing. */
export type ParameterSource = 'agencyType' | 'topic' | 'needKind' | null;

export function parameterSource(kind: FigureKind): ParameterSource {
  switch (kind) {
    case 'referrals_information_only_share':
      return 'agencyType';
    case 'consultations_on_topic':
      return 'topic';
    case 'open_shoman_needs':
      return 'needKind';
    case 'overdue_follow_ups':
      return null;
  }
}

/** Whether the kind needs its parameter (the need kind is optional: every open need otherwise). */
export function parameterRequired(kind: FigureKind): boolean {
  return kind === 'referrals_information_only_share' || kind === 'consultations_on_topic';
}

/** The values a kind's parameter may take. */
export function parameterValues(kind: FigureKind): readonly string[] {
  switch (parameterSource(kind)) {
    case 'agencyType':
      return AGENCY_TYPES;
    case 'topic':
      return TOPICS;
    case 'needKind':
      return NEED_KINDS;
    case null:
      return [];
  }
}

function number(n: number, lang: Lang): string {
  return n.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US');
}

/** A share to one decimal: 62.0%. */
export function formatShare(share: number, lang: Lang): string {
  return `${share.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/**
 * A linked figure's value: a share with its part and whole (`62.0%（31/50件）`), or a
 * count (`12件`). A share with no whole yet says so.
 */
export function formatFigureValue(v: FigureValue, lang: Lang): string {
  const unit = lang === 'ja' ? '件' : '';
  if (v.denominator !== undefined && v.denominator !== null) {
    const parts = `${number(v.numerator, lang)}/${number(v.denominator, lang)}${unit}`;
    if (v.share === undefined || v.share === null) return lang === 'ja' ? `—（${parts}）` : `— (${parts})`;
    return lang === 'ja' ? `${formatShare(v.share, lang)}（${parts}）` : `${formatShare(v.share, lang)} (${parts})`;
  }
  return lang === 'ja' ? `${number(v.numerator, lang)}件` : number(v.numerator, lang);
}

/** The number a figure is drawn with: the share where there is a whole, else the count. */
export function figureMagnitude(v: FigureValue): number {
  if (v.denominator !== undefined && v.denominator !== null) return v.share ?? 0;
  return v.numerator;
}

/** Whether a figure is a share (drawn in %) rather than a count. */
export function isShare(v: FigureValue): boolean {
  return v.denominator !== undefined && v.denominator !== null;
}

/** A published count hidden under the threshold (only its 「N未満」 label left). */
export function isSuppressed(v: ShownValue): boolean {
  return (v.count === undefined || v.count === null) && (v.share === undefined || v.share === null);
}

/**
 * A published value as the reader sees it: the server's own label in Japanese (`62.0%`,
 * `12`, `5未満`); in English "fewer than 5" for a suppressed count.
 */
export function shownLabel(v: ShownValue, lang: Lang): string {
  if (lang === 'en') {
    const m = /^(\d+)未満$/.exec(v.label);
    if (m) return `fewer than ${m[1]}`;
  }
  return v.label;
}

/** The number a published value is drawn with; null when it is suppressed. */
export function shownMagnitude(v: ShownValue): number | null {
  if (v.share !== undefined && v.share !== null) return v.share;
  if (v.count !== undefined && v.count !== null) return v.count;
  return null;
}

/**
 * The fiscal year a page asks for in `?fiscal_year=`: the year written there when it is one,
 * else `fallback`.
 */
export function fiscalYearParam(raw: string | null, fallback: number): number {
  if (raw === null || !/^\d{4}$/.test(raw)) return fallback;
  const y = Number(raw);
  return y >= 2000 && y <= 2100 ? y : fallback;
}

/**
 * The years a public page tries when none is asked for, newest first: the current fiscal
 * year, then the one before (published after it closed).
 */
export function publicYearsToTry(now: Date = new Date()): number[] {
  const current = currentFiscalYear(now);
  return [current, current - 1];
}

const timeOfDay = new Intl.DateTimeFormat('en-GB', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/**
 * An instant as a day and a time in Tokyo, for a history a 保健師 reads: the day as
 * `formatDay` writes it (in Japanese with the era) and the time, 14:05.
 */
export function dayAndTime(instant: string, formatDay: (date: string) => string): string {
  return `${formatDay(tokyoDate(instant))} ${timeOfDay.format(new Date(instant))}`;
}
