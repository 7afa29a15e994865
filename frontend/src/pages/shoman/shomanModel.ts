// The 小慢 optional projects (任意事業), their sessions and the needs register, without React:
// the API's enums in the order the screens offer them, which activities fit which project,
// and how a session's form becomes the API's body. The server decides for real.
import type { NeedFilter, ProjectFilter, NeedKind, NeedStatus, ParticipantRole, ProjectKind, SessionActivity } from '../../api/projects';
import { readNumber } from '../../components/forms';

/** 療養生活支援, 相互交流支援, 就職支援, 介護者支援, その他 (the paper's order). */
export const PROJECT_KINDS = ['respite', 'exchange', 'employment', 'caregiver', 'other'] as const satisfies readonly ProjectKind[];
export type ProjectKindValue = (typeof PROJECT_KINDS)[number];

export const SESSION_ACTIVITIES = [
  'temporary_care',
  'workshop',
  'children_meeting',
  'work_experience',
  'job_consultation_meeting',
  'hospital_accompaniment',
  'sibling_support',
  'learning_support',
  'physical_training',
  'other',
] as const satisfies readonly SessionActivity[];
export type SessionActivityValue = (typeof SESSION_ACTIVITIES)[number];

export const PARTICIPANT_ROLES = ['child', 'family'] as const satisfies readonly ParticipantRole[];

export const NEED_KINDS = [
  'respite',
  'exchange',
  'employment',
  'caregiver_support',
  'sibling_support',
  'learning_support',
  'schooling',
  'medical_care',
  'transition',
  'financial',
  'other',
] as const satisfies readonly NeedKind[];

export const NEED_STATUSES = ['open', 'met', 'dropped'] as const satisfies readonly NeedStatus[];

/** The activities of each project kind (`other` fits every kind), as the paper lists them. */
const ACTIVITIES_OF: Record<ProjectKindValue, readonly SessionActivityValue[]> = {
  respite: ['temporary_care'],
  exchange: ['workshop', 'children_meeting'],
  employment: ['work_experience', 'job_consultation_meeting'],
  caregiver: ['hospital_accompaniment', 'sibling_support'],
  other: ['learning_support', 'physical_training'],
};

/** The activities to offer for a project of this kind: its own, then その他. */
export function activitiesFor(kind: string): SessionActivityValue[] {
  const own = (ACTIVITIES_OF as Record<string, readonly SessionActivityValue[] | undefined>)[kind] ?? [];
  return [...own, 'other'];
}

export function isOneOf<T extends string>(values: readonly T[], v: string): v is T {
  return (values as readonly string[]).includes(v);
}

/**
 * A count typed into a number field: whole and not negative, else kept as typed (NaN for
 * empty) so that the server names the mistake on the field. What is not a number the form
 * refuses before sending (checkNumbers).
 */
export function toCount(text: string): number {
  return readNumber(text) ?? Number.NaN;
}

/**
 * The index of a participant row a validation error points at, from a field like
 * `participants[2].patient_id` or `participants.2.patient_id`; null for any other field.
 */
export function participantIndex(field: string): number | null {
  const m = /^participants(?:\[(\d+)\]|\.(\d+))/.exec(field);
  if (!m) return null;
  return Number(m[1] ?? m[2]);
}

/** The problems a session's participants can cause, which the form shows on that field. */
export const PARTICIPANT_PROBLEMS = ['participant_without_consent', 'participant_not_found'] as const;

interface ProblemLike {
  readonly code: string;
  readonly detail: string | null;
  readonly errors: readonly { readonly field: string; readonly code: string; readonly message: string }[];
}

/**
 * A session's 422 for a participant (no consent in force that day, or not the center's
 * patient) names the patient's id in its detail but no field: it is moved onto the
 * participants field, naming the participant, so the form shows it there.
 */
export function participantFieldProblem<P extends ProblemLike>(
  problem: P,
  participants: readonly { readonly patient_id: string; readonly name: string }[],
  message: (code: string, name: string) => string,
): P {
  if (!isOneOf(PARTICIPANT_PROBLEMS, problem.code) || problem.errors.length > 0) return problem;
  const who = participants.find((p) => (problem.detail ?? '').includes(p.patient_id));
  return {
    ...problem,
    errors: [{ field: 'participants', code: `${problem.code}_named`, message: message(problem.code, who?.name ?? '') }],
  };
}

/** The needs list's query for the filters in the URL ('' or 'all' for any). */
export function needFilter(kind: string, status: string): NeedFilter {
  return {
    ...(isOneOf(NEED_KINDS, kind) ? { kind } : {}),
    ...(isOneOf(NEED_STATUSES, status) ? { status } : {}),
  };
}

export { LIAISON_CHANNELS, SHOMAN_MENUS, SHOMAN_REQUESTERS } from '../../api/enums';

/** A bar per row with its count, for a chart (the table keeps every row, zeros too). */
export function chartSeries<R>(rows: readonly R[], label: (row: R) => string, count: (row: R) => number): { labels: string[]; counts: number[] } {
  return { labels: rows.map(label), counts: rows.map(count) };
}

/** Whether a figure has anything to draw: a chart of zeros says nothing the table does not. */
export function hasAny(counts: readonly number[]): boolean {
  return counts.some((c) => c > 0);
}

/** A percent to one decimal, or the dash when there is no base. */
export function percentText(value: number | null | undefined, lang: 'ja' | 'en'): string {
  if (value === null || value === undefined) return '—';
  return `${value.toLocaleString(lang === 'ja' ? 'ja-JP' : 'en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

/**
 * Passing a child's data to a school or employer without a consent covering it is refused as
 * a rule (422 `consent_required`, no field): the liaison form shows it at 本人の情報を伝えた.
 */
export function consentRuleOnField<P extends ProblemLike>(problem: P): P {
  if (problem.code !== 'consent_required' || problem.errors.length > 0) return problem;
  return { ...problem, errors: [{ field: 'shared_data', code: 'consent_required', message: problem.detail ?? '' }] };
}

/** The projects list's views of a project's period. */
export const PROJECT_VIEWS = ['active', 'ended', 'all'] as const;

/** The projects list's query for the filters in the URL ('' for any kind). */
export function projectFilter(kind: string, view: string): ProjectFilter {
  return {
    ...(isOneOf(PROJECT_KINDS, kind) ? { kind } : {}),
    ...(view === 'active' ? { active: true } : view === 'ended' ? { active: false } : {}),
  };
}
