import { describe, expect, it } from 'vitest';
import { countText, dueWithin, showsPlansDue } from './planDue';

describe('showsPlansDue', () => {
  it('shows the 自立支援員 the plans due wherever they work', () => {
    expect(showsPlansDue('self_reliance_worker', [])).toBe(true);
  });
  it('shows a supervisor the plans due only where the center runs 小慢', () => {
    expect(showsPlansDue('supervisor', ['nanbyo', 'shoman'])).toBe(true);
    expect(showsPlansDue('supervisor', ['nanbyo'])).toBe(false);
  });
  it('shows nobody else', () => {
    expect(showsPlansDue('consultant', ['shoman'])).toBe(false);
    expect(showsPlansDue('center_admin', ['shoman'])).toBe(false);
    expect(showsPlansDue(null, ['shoman'])).toBe(false);
  });
});

describe('dueWithin', () => {
  const plans = [
    { id: 'a', review_due_on: '2026-12-03' },
    { id: 'b', review_due_on: '2027-01-02' },
    { id: 'c', review_due_on: '2027-01-03' },
    { id: 'd', review_due_on: null },
    { id: 'e', review_due_on: '2026-12-02' },
  ];
  it('keeps reviews from today to the last day inclusive, across the year end', () => {
    expect(dueWithin(plans, '2026-12-03', 30).map((p) => p.id)).toEqual(['a', 'b']);
  });
});

describe('countText', () => {
  it('says "at least" when the list has more pages', () => {
    expect(countText(3, false)).toBe('3');
    expect(countText(50, true)).toBe('50+');
  });
});
