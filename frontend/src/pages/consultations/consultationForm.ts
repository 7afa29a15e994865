// The consultation form's values and the body they become (pure, unit-tested).
import type { CreateConsultation } from '../../api/client';
import { fromChecks, fromSelect, type Channel, type Requester, type ShomanMenu, type ShomanRequester, type Topic } from '../../api/enums';
import { validationProblem, type Problem } from '../../api/problem';
import { numberErrors, optionalText, readNumber } from '../../components/forms';
import { fromTokyoLocalInput } from '../../lib/datetime';

/** Whose consultation: a patient's id, anonymous, or not chosen yet. */
export const ANONYMOUS = 'anonymous';

export interface ConsultationForm {
  /** A patient id, ANONYMOUS, or '' (not chosen). */
  who: string;
  /** `datetime-local` in Tokyo time. */
  occurred_at: string;
  channel: string;
  requester: string;
  topics: string[];
  duration_minutes: string;
  with_employment_supporter: boolean;
  summary: string;
  /** '' for the caller. */
  consultant_id: string;
  /** 小慢 相談支援のメニュー ('' not chosen). */
  shoman_menu: string;
  /** Who asked, in the 小慢 program's terms ('' not chosen). */
  shoman_requester: string;
}

/**
 * Whether the form asks for the 小慢 menu and requester: required for a 小慢 patient,
 * optional for an anonymous consultation where the center runs 小慢, else not at all (the
 * server refuses them for another program's patient).
 */
export type ShomanFields = 'required' | 'optional' | 'hidden';

export function shomanFields(who: string, patientProgram: string | null, centerRunsShoman: boolean): ShomanFields {
  if (who === ANONYMOUS) return centerRunsShoman ? 'optional' : 'hidden';
  if (who === '') return 'hidden';
  return patientProgram === 'shoman' ? 'required' : 'hidden';
}

export function newConsultation(now: string, patientId: string | null): ConsultationForm {
  return {
    who: patientId ?? '',
    occurred_at: now,
    channel: 'phone',
    requester: 'patient',
    topics: [],
    duration_minutes: '',
    with_employment_supporter: false,
    summary: '',
    consultant_id: '',
    shoman_menu: '',
    shoman_requester: '',
  };
}

/**
 * The body of POST /consultations. The time goes only when the user changed it from the
 * form's starting value (else the server records "now", whatever this computer's clock
 * says); an emptied field also means now.
 */
export function toCreateConsultation(f: ConsultationForm, startedAt: string, shoman: ShomanFields = 'hidden'): CreateConsultation {
  const minutes = readNumber(f.duration_minutes);
  // Sent only where the form shows them: a required one left empty goes as null for the
  // server to name; an optional pair left empty is simply not said.
  const menu =
    shoman === 'hidden'
      ? {}
      : {
          shoman_menu: f.shoman_menu === '' ? null : fromSelect<ShomanMenu>(f.shoman_menu),
          shoman_requester: f.shoman_requester === '' ? null : fromSelect<ShomanRequester>(f.shoman_requester),
        };
  return {
    ...menu,
    patient_id: f.who === ANONYMOUS || f.who === '' ? null : f.who,
    occurred_at: f.occurred_at === startedAt || f.occurred_at === '' ? null : (fromTokyoLocalInput(f.occurred_at) ?? f.occurred_at),
    channel: fromSelect<Channel>(f.channel),
    requester: fromSelect<Requester>(f.requester),
    topics: fromChecks<Topic>(f.topics),
    // What is not a number never gets here: checkConsultation refuses it first.
    duration_minutes: minutes === null || Number.isNaN(minutes) ? null : minutes,
    with_employment_supporter: f.with_employment_supporter,
    summary: optionalText(f.summary),
    consultant_id: f.consultant_id === '' ? null : f.consultant_id,
  };
}

/**
 * What the form itself refuses before sending: not saying whose consultation it is
 * (anonymous is a choice to make, not a default to slip into), and minutes that are not a
 * number (sent as nothing, they would be lost without a word).
 */
export function checkConsultation(f: ConsultationForm): Problem | null {
  return validationProblem([
    ...(f.who === '' ? [{ field: 'patient_id', code: 'choose_who', message: 'choose a patient or anonymous' }] : []),
    ...numberErrors(f, ['duration_minutes']),
  ]);
}

/** The server's 小慢 menu rules, and the field each one is about. */
const SHOMAN_RULE_FIELDS: Readonly<Record<string, string>> = {
  shoman_menu_required: 'shoman_menu',
  shoman_requester_required: 'shoman_requester',
};

/**
 * The server answers a missing 小慢 menu or requester as a rule (422 with a code, no field):
 * the form shows it on the field it is about, like any other missing answer.
 */
export function shomanRuleOnField(problem: Problem): Problem {
  const field = SHOMAN_RULE_FIELDS[problem.code];
  if (!field || problem.errors.length > 0) return problem;
  return { ...problem, errors: [{ field, code: problem.code, message: problem.detail ?? problem.title }] };
}
