import { describe, expect, it } from 'vitest';
import { addDays, ageOn, daysBetween, fromTokyoLocalInput, todayInTokyo, toTokyoLocalInput } from './datetime';

describe('calendar arithmetic', () => {
  it('adds days across months and years', () => {
    expect(addDays('2026-11-24', 14)).toBe('2026-12-08');
    expect(addDays('2026-12-25', 10)).toBe('2027-01-04');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
  });

  it('counts days between dates', () => {
    expect(daysBetween('2026-11-24', '2026-12-08')).toBe(14);
    expect(daysBetween('2026-12-08', '2026-11-24')).toBe(-14);
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
  });

  it('rejects what is not a date', () => {
    expect(() => addDays('2026-1-1', 1)).toThrow(RangeError);
  });
});

describe('ageOn', () => {
  it('counts completed years', () => {
    expect(ageOn('1985-04-12', '2026-04-11')).toBe(40);
    expect(ageOn('1985-04-12', '2026-04-12')).toBe(41);
    expect(ageOn('2000-02-29', '2025-02-28')).toBe(24);
    expect(ageOn('2000-02-29', '2025-03-01')).toBe(25);
  });
});

describe('Tokyo dates and datetime-local values', () => {
  it('takes today in Tokyo', () => {
    expect(todayInTokyo(new Date('2026-03-31T15:30:00Z'))).toBe('2026-04-01');
  });

  it('shows an instant as Tokyo wall time', () => {
    expect(toTokyoLocalInput('2026-11-24T00:14:21Z')).toBe('2026-11-24T09:14');
    expect(toTokyoLocalInput('2026-11-24T15:00:00Z')).toBe('2026-11-25T00:00');
  });

  it('reads a wall time as Tokyo time', () => {
    expect(fromTokyoLocalInput('2026-11-24T09:14')).toBe('2026-11-24T09:14:00+09:00');
    expect(fromTokyoLocalInput('2026-11-24T09:14:30')).toBe('2026-11-24T09:14:30+09:00');
    expect(fromTokyoLocalInput('')).toBeNull();
    expect(fromTokyoLocalInput('2026-11-24')).toBeNull();
    // Round trip.
    const v = toTokyoLocalInput('2026-01-02T03:04:00Z');
    expect(new Date(fromTokyoLocalInput(v) ?? '').toISOString()).toBe('2026-01-02T03:04:00.000Z');
  });
});
