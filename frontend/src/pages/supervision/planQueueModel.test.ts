import { describe, expect, it } from 'vitest';
import { en, ja } from '../../i18n/messages';
import { PLAN_QUEUE_REASONS, countPlanReasons, planIsUrgent, planReasonKey, planReasonTone } from './planQueueModel';

describe('plan queue reasons', () => {
  it('are named in both languages', () => {
    for (const reason of PLAN_QUEUE_REASONS) {
      const key = planReasonKey(reason);
      expect(key).not.toBeNull();
      if (key === null) continue;
      expect(ja[key]).toBeTruthy();
      expect(en[key]).toBeTruthy();
    }
    expect(ja['planQueueReason.review_escalated']).toBe('見直し期限を大きく過ぎたもの');
    expect(ja['planQueueReason.action_overdue']).toBe('支援内容の期限超過');
    expect(planReasonKey('sample')).toBeNull();
  });

  it('count in order of urgency, leaving out unknown reasons and zeros', () => {
    expect(
      countPlanReasons([
        { reason: 'awaiting_review', count: 2 },
        { reason: 'future_reason', count: 9 },
        { reason: 'review_escalated', count: 1 },
        { reason: 'action_overdue', count: 0 },
      ]),
    ).toEqual([
      { reason: 'review_escalated', count: 1 },
      { reason: 'awaiting_review', count: 2 },
    ]);
  });

  it('show overdue reasons as urgent, waiting for approval as information', () => {
    expect(planReasonTone('review_escalated')).toBe('urgent');
    expect(planReasonTone('review_overdue')).toBe('urgent');
    expect(planReasonTone('action_overdue')).toBe('urgent');
    expect(planReasonTone('awaiting_review')).toBe('info');
    expect(planIsUrgent(['awaiting_review'])).toBe(false);
    expect(planIsUrgent(['awaiting_review', 'action_overdue'])).toBe(true);
    expect(planIsUrgent(['unknown'])).toBe(false);
  });
});
