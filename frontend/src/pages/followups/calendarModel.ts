// The follow-up calendar's days (pure, unit-tested): weeks run Monday to Sunday, a month
// shows the whole weeks that cover it; dates are Asia/Tokyo calendar days (YYYY-MM-DD).
import { addDays } from '../../lib/datetime';

export type CalendarView = 'week' | 'month';

export function isCalendarView(v: string | null): v is CalendarView {
  return v === 'week' || v === 'month';
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isIsoDate(v: string | null): v is string {
  if (v === null) return false;
  const m = ISO.exec(v);
  if (!m) return false;
  const d = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === v;
}

/** 0 Monday … 6 Sunday. */
export function weekdayIndex(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** The Monday of the week the date falls in. */
export function mondayOf(date: string): string {
  return addDays(date, -weekdayIndex(date));
}

/** The first day of the date's month. */
export function monthStart(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** The first day of the month `months` later (earlier when negative). */
export function addMonths(date: string, months: number): string {
  const y = Number(date.slice(0, 4));
  const m = Number(date.slice(5, 7)) - 1 + months;
  const year = y + Math.floor(m / 12);
  const month = ((m % 12) + 12) % 12;
  return `${String(year).padStart(4, '0')}-${String(month + 1).padStart(2, '0')}-01`;
}

function lastOfMonth(date: string): string {
  return addDays(addMonths(date, 1), -1);
}

export interface CalendarWindow {
  /** The first and last day shown (both included): what the API is asked for. */
  readonly from: string;
  readonly to: string;
  /** The days shown, week by week (7 each, Monday first). */
  readonly weeks: readonly (readonly string[])[];
}

/** The days a view shows around `anchor`: its week, or the whole weeks covering its month. */
export function calendarWindow(view: CalendarView, anchor: string): CalendarWindow {
  const from = view === 'week' ? mondayOf(anchor) : mondayOf(monthStart(anchor));
  const last = view === 'week' ? addDays(from, 6) : addDays(mondayOf(lastOfMonth(anchor)), 6);
  const weeks: string[][] = [];
  for (let day = from; day <= last; day = addDays(day, 7)) {
    weeks.push(Array.from({ length: 7 }, (_, k) => addDays(day, k)));
  }
  return { from, to: last, weeks };
}

/** Where "previous" and "next" lead: a week, or a month (to its first day), away. */
export function shiftAnchor(view: CalendarView, anchor: string, step: -1 | 1): string {
  return view === 'week' ? addDays(mondayOf(anchor), 7 * step) : addMonths(anchor, step);
}

/** Whether a day belongs to the month the view is about (other days are the weeks' edges). */
export function inMonth(day: string, anchor: string): boolean {
  return day.slice(0, 7) === anchor.slice(0, 7);
}

const STATE_ORDER: Readonly<Record<string, number>> = { overdue: 0, due: 1, done: 2, cancelled: 3 };

/** Items by due day; within a day overdue first, then open, done and cancelled, then by name. */
export function byDay<T extends { readonly due_on: string; readonly state: string; readonly patient_name: string }>(
  items: readonly T[],
): Map<string, T[]> {
  const days = new Map<string, T[]>();
  for (const item of items) {
    const list = days.get(item.due_on) ?? [];
    list.push(item);
    days.set(item.due_on, list);
  }
  for (const list of days.values()) {
    list.sort(
      (a, b) =>
        (STATE_ORDER[a.state] ?? 9) - (STATE_ORDER[b.state] ?? 9) || a.patient_name.localeCompare(b.patient_name, 'ja'),
    );
  }
  return days;
}
