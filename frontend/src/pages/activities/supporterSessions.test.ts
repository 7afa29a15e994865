import { describe, expect, it } from 'vitest';
import { isoWeekday, monthRange, shiftMonth } from './SupporterSessionsPage';

describe('the sessions calendar', () => {
  it('moves a month at a time across years', () => {
    expect(shiftMonth('2026-12', 1)).toBe('2027-01');
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2026-05', 0)).toBe('2026-05');
  });

  it('covers every day of a month, leap years too', () => {
    expect(monthRange('2026-04')).toEqual(['2026-04-01', '2026-04-30']);
    expect(monthRange('2028-02')).toEqual(['2028-02-01', '2028-02-29']);
  });

  it('names ISO weekdays (Monday is 1)', () => {
    expect(isoWeekday('2026-12-08')).toBe(2);
    expect(isoWeekday('2026-12-06')).toBe(7);
    expect(isoWeekday('2026-12-07')).toBe(1);
  });
});
