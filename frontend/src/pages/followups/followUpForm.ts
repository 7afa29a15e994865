// Recording a follow-up as done (pure, unit-tested).
import type { UpdateFollowUp } from '../../api/client';
import { fromSelect, type CaseOutcome, type Contacted, type FollowUpMethod } from '../../api/enums';
import { optionalText } from '../../components/forms';
import { addDays } from '../../lib/datetime';

export interface FollowUpRecord {
  done_on: string;
  method: string;
  contacted: string;
  outcome: string;
  notes: string;
  next_due_on: string;
}

/** Done today, by phone, with the patient: the usual case, so the fewest keys. The outcome is always a choice. */
export function newFollowUpRecord(today: string): FollowUpRecord {
  return { done_on: today, method: 'phone', contacted: 'patient', outcome: '', notes: '', next_due_on: '' };
}

/**
 * The PATCH that records it done. A choice not made is left out, so that the API answers
 * "required" for it; an empty next date schedules nothing.
 */
export function toRecordFollowUp(f: FollowUpRecord): UpdateFollowUp {
  const body: UpdateFollowUp = { done_on: f.done_on, notes: optionalText(f.notes) };
  if (f.method !== '') body.method = fromSelect<FollowUpMethod>(f.method);
  if (f.contacted !== '') body.contacted = fromSelect<Contacted>(f.contacted);
  if (f.outcome !== '') body.outcome = fromSelect<CaseOutcome>(f.outcome);
  if (f.next_due_on !== '') body.next_due_on = f.next_due_on;
  return body;
}

/**
 * Where saving a follow-up leads: back to the case it came from (the patient's or the
 * referral's page), else to its referral, never to the whole queue.
 */
export function caseReturn(from: string | undefined, referralId: string): string {
  if (from !== undefined && /^\/(patients|referrals)\/[^/]+$/.test(from)) return from;
  return `/referrals/${referralId}`;
}

/**
 * The next follow-up a level-4 referral promises: proposed at the center's interval from
 * today, so a chain of follow-ups never stops silently. Nothing is proposed for other
 * levels, while the center's interval is unknown, or when the referral is being closed.
 */
export function proposedNextDue(level: string, today: string, followUpDays: number | undefined, closing: boolean): string {
  if (level !== 'accompanied_with_follow_up' || closing || followUpDays === undefined || followUpDays < 1) return '';
  return addDays(today, followUpDays);
}
