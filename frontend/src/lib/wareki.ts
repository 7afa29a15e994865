// Japanese era (和暦) and fiscal-year (年度) helpers.
//
// A fiscal year YYYY (年度) runs from YYYY-04-01 to (YYYY+1)-03-31 in Asia/Tokyo. It is
// named after the era in force for most of it, which we take as the era on 1 October:
// FY2019 is 令和元年度 (the era changed on 2019-05-01; government papers say 令和元年度),
// FY1988 昭和63年度 (Heisei began on 1989-01-08), FY1926 大正15年度 (Showa began on
// 1926-12-25).

export interface Era {
  /** Name in kanji, e.g. 令和. */
  readonly ja: string;
  /** Romanised name, e.g. Reiwa. */
  readonly en: string;
  /** One-letter abbreviation used on forms, e.g. R. */
  readonly letter: string;
  /** First day of the era, YYYY-MM-DD (Gregorian). */
  readonly start: string;
}

/** Modern eras, newest first. */
export const ERAS: readonly Era[] = [
  { ja: '令和', en: 'Reiwa', letter: 'R', start: '2019-05-01' },
  { ja: '平成', en: 'Heisei', letter: 'H', start: '1989-01-08' },
  { ja: '昭和', en: 'Showa', letter: 'S', start: '1926-12-25' },
  { ja: '大正', en: 'Taisho', letter: 'T', start: '1912-07-30' },
  { ja: '明治', en: 'Meiji', letter: 'M', start: '1868-10-23' },
];

export interface WarekiYear {
  readonly era: Era;
  /** Year within the era; 1 is written 元年. */
  readonly year: number;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function assertIsoDate(date: string): void {
  if (!ISO_DATE.test(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
}

/** The era and era year of a Gregorian calendar date (YYYY-MM-DD), or null before Meiji. */
export function warekiOf(date: string): WarekiYear | null {
  assertIsoDate(date);
  // ISO dates compare correctly as strings.
  const era = ERAS.find((e) => date >= e.start);
  if (!era) return null;
  const year = Number(date.slice(0, 4)) - Number(era.start.slice(0, 4)) + 1;
  return { era, year };
}

function eraYearJa(w: WarekiYear): string {
  return `${w.era.ja}${w.year === 1 ? '元' : String(w.year)}年`;
}

/** A date as 令和7年4月1日; dates before Meiji fall back to the Gregorian form. */
export function formatWarekiDate(date: string): string {
  const w = warekiOf(date);
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  if (!w) return `${date.slice(0, 4)}年${month}月${day}日`;
  return `${eraYearJa(w)}${month}月${day}日`;
}

function assertFiscalYear(fiscalYear: number): void {
  if (!Number.isInteger(fiscalYear) || fiscalYear < 1869 || fiscalYear > 9998) {
    throw new RangeError(`not a supported fiscal year: ${fiscalYear}`);
  }
}

/** The era year that names fiscal year `fiscalYear` (the era in force on 1 October). */
export function warekiOfFiscalYear(fiscalYear: number): WarekiYear {
  assertFiscalYear(fiscalYear);
  const w = warekiOf(`${String(fiscalYear).padStart(4, '0')}-10-01`);
  // assertFiscalYear keeps us after the start of Meiji.
  if (!w) throw new RangeError(`no era for fiscal year ${fiscalYear}`);
  return w;
}

/** 2025 → 令和7年度; 2019 → 令和元年度. */
export function fiscalYearLabelJa(fiscalYear: number): string {
  return `${eraYearJa(warekiOfFiscalYear(fiscalYear))}度`;
}

/** 2025 → "FY2025 (Reiwa 7)". */
export function fiscalYearLabelEn(fiscalYear: number): string {
  const w = warekiOfFiscalYear(fiscalYear);
  return `FY${fiscalYear} (${w.era.en} ${w.year})`;
}

/** The fiscal year's first and last day, YYYY-MM-DD. */
export function fiscalYearRange(fiscalYear: number): { from: string; to: string } {
  assertFiscalYear(fiscalYear);
  return { from: `${fiscalYear}-04-01`, to: `${fiscalYear + 1}-03-31` };
}

/** The fiscal year a calendar date (YYYY-MM-DD) falls in: January–March belong to the year before. */
export function fiscalYearOfDate(date: string): number {
  assertIsoDate(date);
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 4 ? year : year - 1;
}

/** Days in a month of the Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoOf(year: number, month: number, day: number): string | null {
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

const ERA_BY_NAME = new Map<string, Era>(ERAS.flatMap((e) => [[e.ja, e], [e.letter, e]] as [string, Era][]));

/**
 * A date as typed by a person, as YYYY-MM-DD, or null when it is not one: 和暦
 * (令和7年4月1日, 令和元年5月1日, R7.4.1, H31/4/30) or 西暦 (2025-04-01, 2025/4/1,
 * 2025年4月1日), full-width digits and spaces allowed. An era date must fall inside its
 * era: 平成31年4月30日 is the last day of Heisei, 令和1年4月30日 is no date.
 */
export function parseDateInput(text: string): string | null {
  const s = text.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
  if (s === '') return null;
  const western = /^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日?)$/.exec(s);
  if (western) {
    return isoOf(Number(western[1]), Number(western[2] ?? western[4]), Number(western[3] ?? western[5]));
  }
  const era = /^(令和|平成|昭和|大正|明治|[RHSTM])(元|\d{1,2})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日?)$/.exec(s);
  if (!era) return null;
  const e = ERA_BY_NAME.get(era[1] ?? '');
  if (!e) return null;
  const eraYear = era[2] === '元' ? 1 : Number(era[2]);
  if (eraYear < 1) return null;
  const iso = isoOf(Number(e.start.slice(0, 4)) + eraYear - 1, Number(era[3] ?? era[5]), Number(era[4] ?? era[6]));
  if (iso === null || iso < e.start) return null;
  const next = ERAS[ERAS.indexOf(e) - 1];
  return next !== undefined && iso >= next.start ? null : iso;
}

/** A date shown both ways, to confirm what was typed: 令和7年4月1日（2025-04-01）. */
export function formatBothCalendars(iso: string): string {
  return `${formatWarekiDate(iso)}（${iso}）`;
}
