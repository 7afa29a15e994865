import { describe, expect, it } from 'vitest';
import { addMonths, byDay, calendarWindow, inMonth, isCalendarView, isIsoDate, mondayOf, shiftAnchor, weekdayIndex } from './calendarModel';

describe('follow-up calendar days', () => {
  it('starts weeks on Monday', () => {
    expect(weekdayIndex('2026-12-07')).toBe(0); // a Monday
    expect(weekdayIndex('2026-12-06')).toBe(6); // a Sunday
    expect(mondayOf('2026-12-06')).toBe('2026-11-30');
    expect(mondayOf('2026-12-07')).toBe('2026-12-07');
  });

  it('shows a week as 7 days, Monday to Sunday', () => {
    const w = calendarWindow('week', '2026-12-03');
    expect(w.from).toBe('2026-11-30');
    expect(w.to).toBe('2026-12-06');
    expect(w.weeks).toEqual([['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']]);
  });

  it('shows a month as the whole weeks that cover it, never beyond 92 days', () => {
    const m = calendarWindow('month', '2026-12-15');
    expect(m.from).toBe('2026-11-30');
    expect(m.to).toBe('2027-01-03');
    expect(m.weeks).toHaveLength(5);
    expect(m.weeks.every((w) => w.length === 7)).toBe(true);
    // February 2027 starts on a Monday and ends on a Sunday: exactly four weeks.
    const feb = calendarWindow('month', '2027-02-10');
    expect([feb.from, feb.to, feb.weeks.length]).toEqual(['2027-02-01', '2027-02-28', 4]);
    // A month over six weeks: 42 days.
    const aug = calendarWindow('month', '2026-08-01');
    expect(aug.weeks).toHaveLength(6);
    expect(inMonth('2026-07-31', '2026-08-01')).toBe(false);
    expect(inMonth('2026-08-31', '2026-08-01')).toBe(true);
  });

  it('moves a week or a month at a time, across years', () => {
    expect(shiftAnchor('week', '2026-12-31', 1)).toBe('2027-01-04');
    expect(shiftAnchor('week', '2026-12-31', -1)).toBe('2026-12-21');
    expect(shiftAnchor('month', '2026-12-31', 1)).toBe('2027-01-01');
    expect(shiftAnchor('month', '2026-01-15', -1)).toBe('2025-12-01');
    expect(addMonths('2026-03-31', -13)).toBe('2025-02-01');
  });

  it('reads the address: view and date, or nothing', () => {
    expect(isCalendarView('month')).toBe(true);
    expect(isCalendarView('year')).toBe(false);
    expect(isIsoDate('2026-02-28')).toBe(true);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate(null)).toBe(false);
  });

  it('groups by day, overdue first, then by name', () => {
    const days = byDay([
      { id: 'a', due_on: '2026-12-01', state: 'done', patient_name: 'あ' },
      { id: 'b', due_on: '2026-12-01', state: 'overdue', patient_name: 'い' },
      { id: 'c', due_on: '2026-12-02', state: 'due', patient_name: 'う' },
      { id: 'd', due_on: '2026-12-01', state: 'due', patient_name: 'え' },
    ]);
    expect(days.get('2026-12-01')?.map((f) => f.id)).toEqual(['b', 'd', 'a']);
    expect(days.get('2026-12-02')?.map((f) => f.id)).toEqual(['c']);
    expect(days.get('2026-12-03')).toBeUndefined();
  });
});
