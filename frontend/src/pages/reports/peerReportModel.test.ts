import { describe, expect, it } from 'vitest';
import type { PeerSupporterFigures } from '../../api/peerSupport';
import { formatHours, peerMonthLabel, supporterOrder } from './peerReportModel';

describe('peer supporter activity', () => {
  it('labels months in Japanese without the year (the fiscal year is on the page), in English with it', () => {
    expect(peerMonthLabel('2025-04', 'ja')).toBe('4月');
    expect(peerMonthLabel('2026-03', 'ja')).toBe('3月');
    expect(peerMonthLabel('2025-04', 'en')).toBe('Apr 2025');
    expect(peerMonthLabel('', 'ja')).toBe('');
  });

  it('shows hours with at most two decimals', () => {
    expect(formatHours(3.75)).toBe('3.75');
    expect(formatHours(1.5)).toBe('1.5');
    expect(formatHours(2)).toBe('2');
    expect(formatHours(0.3333)).toBe('0.33');
  });

  it('lists active supporters first, then by name', () => {
    const line = (user_id: string, display_name: string, active: boolean) =>
      ({ user_id, display_name, active, course_hours: 0, months: [], total: {} }) as unknown as PeerSupporterFigures;
    const order = supporterOrder([line('a', 'Watanabe', false), line('b', 'Sato', true), line('c', 'Aoki', true)]);
    expect(order.map((l) => l.user_id)).toEqual(['c', 'b', 'a']);
  });
});
