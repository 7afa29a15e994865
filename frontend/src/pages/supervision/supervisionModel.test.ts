import { describe, expect, it } from 'vitest';
import { QUEUE_REASONS } from '../../api/enums';
import { en, ja } from '../../i18n/messages';
import { translate } from '../../i18n/translate';
import {
  countByReason,
  dayBounds,
  formatDays,
  queueReasonLabel,
  reasonTone,
  sortByAgencyType,
  sortByName,
  sortNotifications,
} from './supervisionModel';

const tJa = { t: (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('ja', k, p) };
const tEn = { t: (k: Parameters<typeof translate>[1], p?: Record<string, string | number>) => translate('en', k, p) };

describe('queue reasons', () => {
  it('are named in both languages, each differently, with the wording the centers use', () => {
    for (const table of [ja, en] as Record<string, string>[]) {
      const labels = QUEUE_REASONS.map((r) => table[`queueReason.${r}`]);
      expect(labels.every((l) => typeof l === 'string' && l.trim() !== '')).toBe(true);
      expect(new Set(labels).size).toBe(QUEUE_REASONS.length);
    }
    expect(QUEUE_REASONS.map((r) => queueReasonLabel(tJa, r))).toEqual([
      '期限超過が続いているもの',
      'フォローアップ期限超過',
      'フォローアップ未予定',
      '差し戻し中',
      '確認待ち',
      '抜き取り確認',
    ]);
    expect(queueReasonLabel(tEn, 'returned')).toBe('Returned');
  });

  it('shows a reason this version does not know as its code', () => {
    expect(queueReasonLabel(tJa, 'new_reason')).toBe('new_reason');
  });

  it('marks overdue work urgent, corrections as warnings, the rest as information', () => {
    expect(QUEUE_REASONS.map(reasonTone)).toEqual(['urgent', 'urgent', 'warning', 'warning', 'info', 'info']);
  });

  it('orders the queue\'s counts by urgency, leaving out reasons with none or unknown', () => {
    const byReason = [
      { reason: 'sample', count: 1 },
      { reason: 'follow_up_overdue', count: 2 },
      { reason: 'new_reason', count: 5 },
      { reason: 'returned', count: 0 },
      { reason: 'awaiting_review', count: 1 },
    ];
    expect(countByReason(byReason)).toEqual([
      { reason: 'follow_up_overdue', count: 2 },
      { reason: 'awaiting_review', count: 1 },
      { reason: 'sample', count: 1 },
    ]);
    expect(countByReason([])).toEqual([]);
  });
});

describe('dayBounds', () => {
  it('turns Tokyo days into the API’s bounds, the end exclusive', () => {
    expect(dayBounds('2026-04-01', '2026-04-30')).toEqual({
      from: '2026-04-01T00:00:00+09:00',
      to: '2026-05-01T00:00:00+09:00',
    });
    expect(dayBounds('', '2026-12-31')).toEqual({ to: '2027-01-01T00:00:00+09:00' });
    expect(dayBounds('', '')).toEqual({});
    expect(dayBounds('yesterday', '')).toEqual({});
  });
});

describe('the summary', () => {
  it('writes medians with at most one decimal, and nothing when there is none', () => {
    expect(formatDays(3)).toBe('3');
    expect(formatDays(3.25)).toBe('3.3');
    expect(formatDays(null)).toBeNull();
    expect(formatDays(undefined)).toBeNull();
  });

  it('orders consultants by name, unknown ones last', () => {
    const rows = [{ n: '鈴木' }, { n: null }, { n: '佐藤' }];
    expect(sortByName(rows, (r) => r.n).map((r) => r.n)).toEqual([...['佐藤', '鈴木'].sort(new Intl.Collator('ja').compare), null]);
  });

  it("orders agency types as the survey does, unknown ones last", () => {
    const rows = [{ agency_type: 'other' }, { agency_type: 'mystery' }, { agency_type: 'hello_work' }, { agency_type: 'vocational_center' }];
    expect(sortByAgencyType(rows).map((r) => r.agency_type)).toEqual(['hello_work', 'vocational_center', 'other', 'mystery']);
  });
});

describe('notifications', () => {
  it('put returned referrals first, then escalated follow-ups, most overdue first', () => {
    const items = [
      { kind: 'follow_up_escalated', days_overdue: 3 },
      { kind: 'review_returned' },
      { kind: 'follow_up_escalated', days_overdue: 20 },
    ];
    expect(sortNotifications(items)).toEqual([
      { kind: 'review_returned' },
      { kind: 'follow_up_escalated', days_overdue: 20 },
      { kind: 'follow_up_escalated', days_overdue: 3 },
    ]);
  });
});
