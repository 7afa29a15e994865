// Correcting saved case records: each record's editable fields as form values, and the
// PATCH body a set of changed fields becomes (pure, unit-tested). Only the fields the API
// lets a case worker change after the fact are here; the forms send only what changed
// (see useEditForm), under the ETag they were read at.
import type {
  Consent,
  Consultation,
  FollowUp,
  Referral,
  UpdateConsent,
  UpdateConsultation,
  UpdateFollowUp,
  UpdateReferral,
} from '../../api/client';
import {
  fromChecks,
  fromSelect,
  type CaseOutcome,
  type Channel,
  type Contacted,
  type FollowUpMethod,
  type Purpose,
  type Requester,
  type Topic,
} from '../../api/enums';
import { optionalText, readNumber } from '../../components/forms';
import { fromTokyoLocalInput, toTokyoLocalInput } from '../../lib/datetime';

// --- consultation --------------------------------------------------------------------

export interface ConsultationEdit {
  /** `datetime-local` in Tokyo time. */
  occurred_at: string;
  channel: string;
  requester: string;
  topics: string[];
  duration_minutes: string;
  with_employment_supporter: boolean;
  summary: string;
}

export function consultationToForm(c: Consultation): ConsultationEdit {
  return {
    occurred_at: toTokyoLocalInput(c.occurred_at),
    channel: c.channel,
    requester: c.requester,
    topics: [...c.topics],
    duration_minutes: c.duration_minutes == null ? '' : String(c.duration_minutes),
    with_employment_supporter: c.with_employment_supporter,
    summary: c.summary ?? '',
  };
}

/**
 * The PATCH for the changed fields. `changedFields` compares by identity, so an unchanged
 * topic list that was copied counts as changed: the caller passes only real changes.
 */
export function toConsultationPatch(changes: Partial<ConsultationEdit>): UpdateConsultation {
  const body: UpdateConsultation = {};
  if (changes.occurred_at !== undefined) body.occurred_at = fromTokyoLocalInput(changes.occurred_at) ?? changes.occurred_at;
  if (changes.channel !== undefined) body.channel = fromSelect<Channel>(changes.channel);
  if (changes.requester !== undefined) body.requester = fromSelect<Requester>(changes.requester);
  // An emptied list goes as it is, for the API to say a topic is needed.
  if (changes.topics !== undefined) body.topics = fromChecks<Topic>(changes.topics);
  if (changes.duration_minutes !== undefined) {
    // What is not a number never gets here: the form refuses it first (checkNumbers).
    const n = readNumber(changes.duration_minutes);
    body.duration_minutes = n === null || Number.isNaN(n) ? null : n;
  }
  if (changes.with_employment_supporter !== undefined) body.with_employment_supporter = changes.with_employment_supporter;
  if (changes.summary !== undefined) body.summary = optionalText(changes.summary);
  return body;
}

// --- referral ------------------------------------------------------------------------

export interface ReferralEdit {
  purpose: string;
  handed_over: string;
  notes: string;
}

export function referralToForm(r: Referral): ReferralEdit {
  return { purpose: r.purpose, handed_over: r.handed_over ?? '', notes: r.notes ?? '' };
}

export function toReferralPatch(changes: Partial<ReferralEdit>): UpdateReferral {
  const body: UpdateReferral = {};
  if (changes.purpose !== undefined) body.purpose = fromSelect<Purpose>(changes.purpose);
  if (changes.handed_over !== undefined) body.handed_over = optionalText(changes.handed_over);
  if (changes.notes !== undefined) body.notes = optionalText(changes.notes);
  return body;
}

// --- follow-up (one already recorded as done) ----------------------------------------

export interface FollowUpEdit {
  done_on: string;
  method: string;
  contacted: string;
  outcome: string;
  notes: string;
}

export function followUpToForm(f: FollowUp): FollowUpEdit {
  return {
    done_on: f.done_on ?? '',
    method: f.method ?? '',
    contacted: f.contacted ?? '',
    outcome: f.outcome ?? '',
    notes: f.notes ?? '',
  };
}

/** A done follow-up stays done: an emptied date is not sent (the API would refuse to undo it). */
export function toFollowUpPatch(changes: Partial<FollowUpEdit>): UpdateFollowUp {
  const body: UpdateFollowUp = {};
  if (changes.done_on !== undefined && changes.done_on !== '') body.done_on = changes.done_on;
  if (changes.method !== undefined && changes.method !== '') body.method = fromSelect<FollowUpMethod>(changes.method);
  if (changes.contacted !== undefined && changes.contacted !== '') body.contacted = fromSelect<Contacted>(changes.contacted);
  if (changes.outcome !== undefined && changes.outcome !== '') body.outcome = fromSelect<CaseOutcome>(changes.outcome);
  if (changes.notes !== undefined) body.notes = optionalText(changes.notes);
  return body;
}

// --- consent -------------------------------------------------------------------------

/** A consent's date and scope are what was agreed: only its notes are corrected (withdrawal has its own form). */
export interface ConsentEdit {
  notes: string;
}

export function consentToForm(c: Consent): ConsentEdit {
  return { notes: c.notes ?? '' };
}

export function toConsentPatch(changes: Partial<ConsentEdit>): UpdateConsent {
  return changes.notes === undefined ? {} : { notes: optionalText(changes.notes) };
}

// --- history -------------------------------------------------------------------------

/** Whether a record was changed after it was first saved (the history says so). */
export function wasEdited(r: { created_at: string; updated_at: string }): boolean {
  return Date.parse(r.updated_at) - Date.parse(r.created_at) > 1000;
}
