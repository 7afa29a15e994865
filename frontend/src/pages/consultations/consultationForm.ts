// The consultation form's values and the body they become (pure, unit-tested).
import type { CreateConsultation } from '../../api/client';
import { fromChecks, fromSelect, type Channel, type Requester, type Topic } from '../../api/enums';
import type { Problem } from '../../api/problem';
import { optionalText } from '../../components/forms';
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
  };
}

/**
 * The body of POST /consultations. The time goes only when the user changed it from the
 * form's starting value (else the server records "now", whatever this computer's clock
 * says); an emptied field also means now.
 */
export function toCreateConsultation(f: ConsultationForm, startedAt: string): CreateConsultation {
  const minutes = f.duration_minutes.trim() === '' ? null : Number(f.duration_minutes);
  return {
    patient_id: f.who === ANONYMOUS || f.who === '' ? null : f.who,
    occurred_at: f.occurred_at === startedAt || f.occurred_at === '' ? null : (fromTokyoLocalInput(f.occurred_at) ?? f.occurred_at),
    channel: fromSelect<Channel>(f.channel),
    requester: fromSelect<Requester>(f.requester),
    topics: fromChecks<Topic>(f.topics),
    duration_minutes: minutes === null || Number.isNaN(minutes) ? null : minutes,
    with_employment_supporter: f.with_employment_supporter,
    summary: optionalText(f.summary),
    consultant_id: f.consultant_id === '' ? null : f.consultant_id,
  };
}

/**
 * What the form itself refuses before sending: not saying whose consultation it is
 * (anonymous is a choice to make, not a default to slip into).
 */
export function checkConsultation(f: ConsultationForm): Problem | null {
  if (f.who !== '') return null;
  return {
    status: 422,
    code: 'validation_failed',
    title: 'The input is not valid',
    detail: null,
    type: null,
    errors: [{ field: 'patient_id', code: 'choose_who', message: 'choose a patient or anonymous' }],
    retryAfterSeconds: null,
  };
}
