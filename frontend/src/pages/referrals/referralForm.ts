// The referral form's values and the bodies they become (pure, unit-tested).
import type { CreateReferral, UpdateReferral } from '../../api/client';
import {
  fromChecks,
  fromSelect,
  isLevel,
  type CaseOutcome,
  type Level,
  type Purpose,
  type SharedItem,
} from '../../api/enums';
import { validationProblem, type Problem } from '../../api/problem';
import { optionalText } from '../../components/forms';
import { levelPassesData, levelRank } from '../../lib/cases';
import { tokyoDate } from '../../lib/datetime';

export interface ReferralForm {
  agency_type: string;
  agency_id: string;
  purpose: string;
  level: string;
  shared_items: string[];
  referred_on: string;
  handed_over: string;
  notes: string;
  consultation_id: string;
}

export function newReferral(today: string): ReferralForm {
  return {
    agency_type: '',
    agency_id: '',
    purpose: '',
    level: '',
    shared_items: [],
    referred_on: today,
    handed_over: '',
    notes: '',
    consultation_id: '',
  };
}

/** Whether the chosen level passes the patient's data on (so shared items and consent matter). */
export function formPassesData(level: string): boolean {
  return isLevel(level) && levelPassesData(level);
}

/**
 * The body of POST /referrals. Shared items go only with a level that passes data (the API
 * refuses them at "information only"), and then always, even empty, so that the API can
 * say they are needed.
 */
export function toCreateReferral(patientId: string, f: ReferralForm): CreateReferral {
  return {
    patient_id: patientId,
    agency_id: f.agency_id,
    purpose: fromSelect<Purpose>(f.purpose),
    level: fromSelect<Level>(f.level),
    shared_items: formPassesData(f.level) ? fromChecks<SharedItem>(f.shared_items) : null,
    referred_on: f.referred_on === '' ? null : f.referred_on,
    handed_over: optionalText(f.handed_over),
    notes: optionalText(f.notes),
    consultation_id: f.consultation_id === '' ? null : f.consultation_id,
  };
}

/**
 * What the form refuses before sending: choices left unmade. The agency must be checked
 * here because an empty id is not a UUID, which the API refuses without naming the field;
 * the other choices go with it so that every missing one shows at once.
 */
export function checkReferral(f: ReferralForm): Problem | null {
  const missing = (['agency_type', 'agency_id', 'purpose', 'level'] as const).filter((k) => f[k] === '');
  if (!missing.includes('agency_id')) return null;
  return validationProblem(missing.map((field) => ({ field, code: 'required', message: 'is required' })));
}

/**
 * The PATCH that changes a referral's level. Moving from a level that passes no data to
 * one that does names the shared items; a reason goes along when given (required to lower).
 */
export function toLevelChange(current: Level, next: Level, sharedItems: readonly string[], reason: string): UpdateReferral {
  const patch: UpdateReferral = { level: next };
  if (levelPassesData(next) && !levelPassesData(current)) patch.shared_items = fromChecks<SharedItem>(sharedItems);
  const why = optionalText(reason);
  if (why !== null) patch.level_reason = why;
  return patch;
}

export function isLowering(current: Level, next: Level): boolean {
  return levelRank(next) < levelRank(current);
}

/** The PATCH that closes a referral with its outcome. */
export function toClose(outcome: string, closedOn: string): UpdateReferral {
  return { status: 'closed', outcome: fromSelect<CaseOutcome>(outcome), closed_on: closedOn === '' ? null : closedOn };
}

/**
 * The consultation a new referral starts from ("きっかけとなった相談"): the one asked for
 * (the consultation just recorded), else the latest recorded today (Tokyo), else none.
 */
export function defaultTrigger(
  consultations: readonly { readonly id: string; readonly occurred_at: string }[],
  requested: string | null,
  today: string,
): string {
  if (requested !== null && consultations.some((c) => c.id === requested)) return requested;
  const todays = consultations
    .filter((c) => tokyoDate(c.occurred_at) === today)
    .sort((a, b) => Date.parse(b.occurred_at) - Date.parse(a.occurred_at));
  return todays[0]?.id ?? '';
}

/**
 * The purpose a referral most likely has, from the patient's employment status: someone in
 * work (or on leave from it) keeps a job, anyone else looks for one. The form starts there;
 * the user changes it when it is not so.
 */
export function likelyPurpose(employmentStatus: string | undefined): Purpose | '' {
  if (employmentStatus === undefined) return '';
  return employmentStatus === 'employed' || employmentStatus === 'on_leave' ? 'job_retention' : 'new_employment';
}
