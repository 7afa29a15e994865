// The 小慢 support-plan part of the audit queue without React: its reasons in order of
// urgency, in words, and how loudly each is shown.
import type { Schemas } from '../../api/client';
import type { MessageKey } from '../../i18n/translate';

export type PlanQueueReason = Schemas['PlanQueueReason'];

/** Most urgent first, as the API orders an item's reasons. */
export const PLAN_QUEUE_REASONS = [
  'review_escalated',
  'review_overdue',
  'action_overdue',
  'awaiting_review',
] as const satisfies readonly PlanQueueReason[];

export function isPlanQueueReason(v: string): v is PlanQueueReason {
  return (PLAN_QUEUE_REASONS as readonly string[]).includes(v);
}

// Literal keys (not built from the reason) so that the dictionary check sees them used.
const reasonKeys: Record<PlanQueueReason, MessageKey> = {
  review_escalated: 'planQueueReason.review_escalated',
  review_overdue: 'planQueueReason.review_overdue',
  action_overdue: 'planQueueReason.action_overdue',
  awaiting_review: 'planQueueReason.awaiting_review',
};

/** The message key of a reason's label, or null for one this version does not know. */
export function planReasonKey(reason: string): MessageKey | null {
  return isPlanQueueReason(reason) ? reasonKeys[reason] : null;
}

/** Overdue work in red, as for referrals; waiting for approval is information. */
export function planReasonTone(reason: PlanQueueReason): 'urgent' | 'info' {
  return reason === 'awaiting_review' ? 'info' : 'urgent';
}

/** The counts per reason in order of urgency; unknown reasons and reasons with none left out. */
export function countPlanReasons(byReason: readonly { reason: string; count: number }[]): { reason: PlanQueueReason; count: number }[] {
  return PLAN_QUEUE_REASONS.map((reason) => ({
    reason,
    count: byReason.filter((c) => c.reason === reason).reduce((sum, c) => sum + c.count, 0),
  })).filter((c) => c.count > 0);
}

/** Whether a plan's row is highlighted: any overdue reason. */
export function planIsUrgent(reasons: readonly string[]): boolean {
  return reasons.some((r) => isPlanQueueReason(r) && planReasonTone(r) === 'urgent');
}
