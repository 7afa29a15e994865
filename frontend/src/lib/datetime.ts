// Times are stored and sent in UTC; people read them in Asia/Tokyo whatever the browser's
// own time zone is.
import { fiscalYearOfDate, formatWarekiDate } from './wareki';

export const TIME_ZONE = 'Asia/Tokyo';

export type Lang = 'ja' | 'en';

const isoDateFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

function toDate(instant: Date | string): Date {
  const d = typeof instant === 'string' ? new Date(instant) : instant;
  if (Number.isNaN(d.getTime())) throw new RangeError(`not a time: ${String(instant)}`);
  return d;
}

/** The calendar date (YYYY-MM-DD) of an instant in Asia/Tokyo. */
export function tokyoDate(instant: Date | string): string {
  const parts = isoDateFormat.formatToParts(toDate(instant));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

const dateTimeFormats: Record<Lang, Intl.DateTimeFormat> = {
  ja: new Intl.DateTimeFormat('ja-JP', {
    timeZone: TIME_ZONE,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
  en: new Intl.DateTimeFormat('en-GB', {
    timeZone: TIME_ZONE,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }),
};

/** An RFC 3339 instant for display, in Asia/Tokyo: 2025/04/01 09:00 or 1 Apr 2025, 09:00 (JST). */
export function formatDateTime(instant: Date | string, lang: Lang): string {
  const text = dateTimeFormats[lang].format(toDate(instant));
  return lang === 'en' ? `${text} JST` : text;
}

const enDate = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'UTC',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

/**
 * A calendar date (YYYY-MM-DD, no time zone) for display: in Japanese with the era,
 * 2025年4月1日（令和7年4月1日）, or without it (`era: false`); in English 1 Apr 2025.
 */
export function formatDate(date: string, lang: Lang, { era = true }: { era?: boolean } = {}): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return date;
  if (lang === 'en') return enDate.format(new Date(`${date}T00:00:00Z`));
  const plain = `${m[1]}年${Number(m[2])}月${Number(m[3])}日`;
  return era ? `${plain}（${formatWarekiDate(date)}）` : plain;
}

/** The fiscal year (年度) an instant falls in, in Asia/Tokyo. */
export function currentFiscalYear(now: Date = new Date()): number {
  return fiscalYearOfDate(tokyoDate(now));
}

/** Today's date (YYYY-MM-DD) in Asia/Tokyo. */
export function todayInTokyo(now: Date = new Date()): string {
  return tokyoDate(now);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function utcDay(date: string): number {
  const m = ISO_DATE.exec(date);
  if (!m) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

/** A calendar date `days` later (or earlier, when negative). */
export function addDays(date: string, days: number): string {
  return new Date(utcDay(date) + days * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((utcDay(to) - utcDay(from)) / 86_400_000);
}

/** Age in completed years on `today` (someone born on 29 February turns a year older on 1 March). */
export function ageOn(birthDate: string, today: string): number {
  const b = ISO_DATE.exec(birthDate);
  const t = ISO_DATE.exec(today);
  if (!b || !t) throw new RangeError(`not YYYY-MM-DD dates: ${birthDate}, ${today}`);
  const years = Number(t[1]) - Number(b[1]);
  const hadBirthday = `${t[2]}-${t[3]}` >= `${b[2]}-${b[3]}`;
  return hadBirthday ? years : years - 1;
}

const localInputFormat = new Intl.DateTimeFormat('en-CA', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** An instant as the value of an `<input type="datetime-local">` showing Tokyo time: 2025-04-01T09:30. */
export function toTokyoLocalInput(instant: Date | string): string {
  const parts = localInputFormat.formatToParts(toDate(instant));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}

/**
 * A `datetime-local` value read as Tokyo time, as RFC 3339 with the +09:00 offset (Japan
 * has no daylight saving time); null when it is not a complete value.
 */
export function fromTokyoLocalInput(value: string): string | null {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  return `${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}+09:00`;
}
