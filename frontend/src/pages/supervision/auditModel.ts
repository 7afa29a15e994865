// The audit trail in plain words, without React: every action and target the API can write
// labelled, the `key=value; …` detail read out, and one screen opening folded into one line.
import type { MessageKey } from '../../i18n/translate';

/**
 * Every action the API writes (crates/domain/src/events.rs `actions!`, in its order). A unit
 * test reads events.rs and fails when an action is missing here; the type below makes a
 * missing label a type error.
 */
export const AUDIT_ACTIONS = [
  'auth.login',
  'auth.refresh',
  'auth.logout',
  'auth.totp_start',
  'auth.totp_enable',
  'auth.totp_reset',
  'auth.password_change',
  'user.bootstrap',
  'user.create',
  'user.read',
  'user.list',
  'user.update',
  'center.create',
  'center.read',
  'center.list',
  'center.update',
  'administration.create',
  'administration.read',
  'administration.list',
  'administration.update',
  'administration.report',
  'council.create',
  'council.read',
  'council.list',
  'council.update',
  'council.pledge',
  'council_member.create',
  'council_member.read',
  'council_member.list',
  'council_member.update',
  'council_member.account',
  'meeting.create',
  'meeting.read',
  'meeting.list',
  'meeting.update',
  'meeting_attachment.create',
  'meeting_attachment.read',
  'meeting_attachment.list',
  'meeting_attachment.delete',
  'agency.create',
  'agency.read',
  'agency.list',
  'agency.update',
  'demo.generate',
  'data_keys.reseal',
  'database.backup',
  'database.restore',
  'patient.create',
  'patient.read',
  'patient.search',
  'patient.list',
  'patient.timeline',
  'patient.fhir',
  'patient.disclosure',
  'import.create',
  'import.read',
  'import.report',
  'import.update',
  'import.commit',
  'import.fail',
  'export.create',
  'export.read',
  'export.download',
  'patient.update',
  'patient.merge',
  'patient.merge_preview',
  'consent.create',
  'consent.read',
  'consent.list',
  'consent.update',
  'consent.withdraw',
  'consultation.create',
  'consultation.read',
  'consultation.list',
  'consultation.update',
  'referral.create',
  'referral.read',
  'referral.list',
  'referral.update',
  'referral.level_change',
  'referral.close',
  'referral.levels',
  'data.provide',
  'provision.list',
  'follow_up.create',
  'follow_up.schedule',
  'follow_up.read',
  'follow_up.list',
  'follow_up.update',
  'follow_up.record',
  'agency_link.create',
  'agency_link.list',
  'agency_link.revoke',
  'agency_link.view',
  'referral.agency_confirm',
  'review.create',
  'review.list',
  'audit_queue.read',
  'notification.list',
  'supervision.summary',
  'audit.list',
  'audit.export',
  'audit.verify',
  'support_plan.create',
  'support_plan.read',
  'support_plan.list',
  'support_plan.update',
  'support_plan.submit',
  'support_plan.versions',
  'support_plan_review.create',
  'support_plan_review.list',
  'support_plan_action.create',
  'support_plan_action.read',
  'support_plan_action.list',
  'support_plan_action.update',
  'transition.list',
  'liaison_contact.create',
  'liaison_contact.read',
  'liaison_contact.list',
  'liaison_contact.update',
  'project.create',
  'project.read',
  'project.list',
  'project.update',
  'project_session.create',
  'project_session.read',
  'project_session.list',
  'project_session.update',
  'need.create',
  'need.read',
  'need.list',
  'need.update',
  'outreach_activity.create',
  'outreach_activity.read',
  'outreach_activity.list',
  'outreach_activity.update',
  'training.create',
  'training.read',
  'training.list',
  'training.update',
  'event.create',
  'event.read',
  'event.list',
  'event.update',
  'event_attendee.create',
  'event_attendee.list',
  'event_attendee.delete',
  'peer_assignment.create',
  'peer_assignment.list',
  'peer_assignment.end',
  'supporter_schedule.create',
  'supporter_schedule.read',
  'supporter_schedule.list',
  'supporter_schedule.update',
  'supporter_session.create',
  'supporter_session.read',
  'supporter_session.list',
  'supporter_session.update',
  'supporter_slot.list',
  'supporter_booking.create',
  'supporter_booking.read',
  'supporter_booking.update',
  'report.referral_levels',
  'report.cooperation_counts',
  'report.consultations',
  'report.employment_outcomes',
  'report.support_awareness',
  'report.shoman_consultations',
  'report.shoman_plans',
  'report.shoman_projects',
  'report.shoman_needs',
  'report.shoman_implementation',
  'report.outreach',
  'report.events',
  'report.peer_support',
  'report.supporter_sessions',
  'api_client.create',
  'api_client.read',
  'api_client.list',
  'api_client.update',
  'api_client.rotate_secret',
  'api_client.revoke',
  'oauth.token',
  'api.scope_check',
  'webhook.create',
  'webhook.read',
  'webhook.list',
  'webhook.update',
  'webhook.delete',
  'webhook.deliveries',
  'regional_issue.create',
  'regional_issue.read',
  'regional_issue.list',
  'regional_issue.update',
  'regional_issue.stage_change',
  'regional_issue.comment',
  'meeting.issues_set',
  'regional_measure.create',
  'regional_measure.update',
  'regional_figure.link',
  'regional_figure.unlink',
  'publication.preview',
  'publication.publish',
  'publication.list',
  'publication.read',
  'report.regional_councils',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Every resource type the API writes (the second half of each `actions!` entry). */
export const AUDIT_TARGETS = [
  'agency',
  'agency_link',
  'api_client',
  'audit_event',
  'administration',
  'center',
  'consent',
  'consultation',
  'council',
  'council_member',
  'data_key',
  'database',
  'event',
  'export',
  'follow_up',
  'liaison_contact',
  'liaison_provision',
  'meeting',
  'meeting_attachment',
  'need',
  'notification',
  'operation',
  'outreach_activity',
  'import',
  'patient',
  'peer_assignment',
  'project',
  'project_session',
  'provision',
  'referral',
  'report',
  'session',
  'support_plan',
  'support_plan_action',
  'supporter_booking',
  'supporter_schedule',
  'supporter_session',
  'training',
  'user',
  'webhook',
  'regional_issue',
  'regional_issue_comment',
  'regional_measure',
  'regional_figure',
  'publication',
] as const;
export type AuditTarget = (typeof AUDIT_TARGETS)[number];

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

export function isAuditTarget(value: string): value is AuditTarget {
  return (AUDIT_TARGETS as readonly string[]).includes(value);
}

type T = { t: (key: MessageKey, params?: Record<string, string | number>) => string };

export function auditActionLabel(i: T, action: string): string {
  return isAuditAction(action) ? i.t(`auditAction.${action}`) : action;
}

export function auditTargetLabel(i: T, target: string): string {
  return isAuditTarget(target) ? i.t(`auditTarget.${target}`) : target;
}

// --- the action filter's groups ----------------------------------------------------------

export const ACTION_GROUPS = ['patients', 'referrals', 'supervision', 'shoman', 'activities', 'reports', 'regional', 'signIn', 'admin', 'integrations'] as const;
export type ActionGroup = (typeof ACTION_GROUPS)[number];

/** Which group of the filter's select an action belongs to, by the resource before the dot. */
export function actionGroup(action: string): ActionGroup {
  const head = action.slice(0, action.indexOf('.'));
  switch (head) {
    case 'patient':
    case 'consent':
    case 'consultation':
      return 'patients';
    case 'referral':
    case 'data':
    case 'provision':
    case 'follow_up':
    case 'agency_link':
      return 'referrals';
    case 'review':
    case 'audit_queue':
    case 'notification':
    case 'supervision':
    case 'audit':
    case 'export':
      return 'supervision';
    case 'support_plan':
    case 'support_plan_review':
    case 'support_plan_action':
    case 'transition':
    case 'liaison_contact':
    case 'project':
    case 'project_session':
    case 'need':
      return 'shoman';
    case 'report':
      return 'reports';
    case 'council':
    case 'council_member':
    case 'meeting':
    case 'meeting_attachment':
    case 'regional_issue':
    case 'regional_measure':
    case 'regional_figure':
    case 'publication':
      return 'regional';
    case 'auth':
      return 'signIn';
    case 'api_client':
    case 'oauth':
    case 'api':
    case 'webhook':
      return 'integrations';
    case 'outreach_activity':
    case 'training':
    case 'event':
    case 'event_attendee':
    case 'peer_assignment':
    case 'supporter_schedule':
    case 'supporter_session':
    case 'supporter_slot':
    case 'supporter_booking':
      return 'activities';
    default:
      return 'admin';
  }
}

/** The actions of each group, in the order of events.rs, groups with none left out. */
export function groupedActions(): { group: ActionGroup; actions: AuditAction[] }[] {
  return ACTION_GROUPS.map((group) => ({ group, actions: AUDIT_ACTIONS.filter((a) => actionGroup(a) === group) })).filter(
    (g) => g.actions.length > 0,
  );
}

// --- reads -------------------------------------------------------------------------------

/** Reads of personal data: what "who viewed this record" is about. */
export function isViewAction(action: string): boolean {
  return /\.(read|timeline|fhir|disclosure|list|search|levels|versions|deliveries)$/.test(action);
}

// --- details -----------------------------------------------------------------------------

/** `patient_id=…; count=3` as pairs, in order; a part without `=` is kept as a value alone. */
export function parseDetail(detail: string | null | undefined): { key: string; value: string }[] {
  if (!detail) return [];
  return detail
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq === -1 ? { key: '', value: part } : { key: part.slice(0, eq).trim(), value: part.slice(eq + 1).trim() };
    });
}

const DETAIL_KEYS = [
  'patient_id',
  'user_id',
  'user',
  'actor_id',
  'action',
  'fields',
  'q',
  'count',
  'from',
  'to',
  'status',
  'kind',
  'role',
  'scope',
  'given_by',
  'referral',
  'referral_id',
  'agency_id',
  'decision',
  'revision',
  'level',
  'agency_type',
  'held_on',
  'due_on',
  'items',
  'expires_in_days',
  'outcome',
  'scopes',
  'factor',
  'events',
  'within_months',
  'state',
  'survivor_id',
  'merged_id',
  'moved',
  'format',
  'patients',
  'consultations',
  'referrals',
  'follow_ups',
  'consents',
] as const;
export type DetailKey = (typeof DETAIL_KEYS)[number];

export function isDetailKey(key: string): key is DetailKey {
  return (DETAIL_KEYS as readonly string[]).includes(key);
}

/** Keys whose value names a staff member or a patient by id. */
export const STAFF_KEYS: readonly string[] = ['user_id', 'user', 'actor_id', 'given_by'];
export const PATIENT_KEYS: readonly string[] = ['patient_id', 'survivor_id', 'merged_id'];

/** An id short enough to read and compare: its last 8 characters. */
export function shortId(id: string): string {
  return id.length > 8 ? id.slice(-8) : id;
}

// --- folding one screen opening into one line --------------------------------------------

/** Reads by one person on one patient this close together are one screen opening. */
export const FOLD_GAP_MS = 5_000;
/** However many calls a screen makes, it does so within this span. */
export const FOLD_SPAN_MS = 15_000;
/**
 * A screen asks for the patient once, with its other reads at the same moment (in parallel,
 * so in any order): reads further back than this from a `patient.read` already in the line
 * belong to an earlier opening.
 */
export const FOLD_OPENING_MS = 1_500;

export interface FoldableEvent {
  readonly id: string;
  readonly action: string;
  readonly actor_id?: string | null;
  readonly patient_id?: string | null;
  readonly occurred_at: string;
  readonly outcome: string;
}

export type AuditLine<E extends FoldableEvent> =
  | { readonly kind: 'single'; readonly event: E }
  | { readonly kind: 'folded'; readonly events: readonly E[]; readonly patientId: string; readonly actorId: string };

function foldable(e: FoldableEvent): boolean {
  return e.outcome === 'success' && Boolean(e.actor_id) && Boolean(e.patient_id) && isViewAction(e.action);
}

/**
 * Events (in the API's order, newest first) as lines: consecutive successful reads by the
 * same person on the same patient, each within FOLD_GAP_MS of the next and all within
 * FOLD_SPAN_MS, become one folded line (two openings of the same patient in a row are told
 * apart by their `patient.read`, see FOLD_OPENING_MS); anything else (a change, a refusal, another person
 * in between) stays a line of its own. A "group" of one stays single.
 */
export function foldEvents<E extends FoldableEvent>(events: readonly E[]): AuditLine<E>[] {
  const lines: AuditLine<E>[] = [];
  let run: E[] = [];
  const flush = () => {
    const first = run[0];
    if (run.length > 1 && first) {
      lines.push({ kind: 'folded', events: run, patientId: first.patient_id ?? '', actorId: first.actor_id ?? '' });
    } else if (first) {
      lines.push({ kind: 'single', event: first });
    }
    run = [];
  };
  for (const e of events) {
    const first = run[0];
    const last = run[run.length - 1];
    const joins =
      first !== undefined &&
      last !== undefined &&
      foldable(e) &&
      e.actor_id === first.actor_id &&
      e.patient_id === first.patient_id &&
      Math.abs(Date.parse(last.occurred_at) - Date.parse(e.occurred_at)) <= FOLD_GAP_MS &&
      Math.abs(Date.parse(first.occurred_at) - Date.parse(e.occurred_at)) <= FOLD_SPAN_MS &&
      !(e.action === 'patient.read' && run.some((r) => r.action === 'patient.read')) &&
      run.every((r) => r.action !== 'patient.read' || Math.abs(Date.parse(r.occurred_at) - Date.parse(e.occurred_at)) <= FOLD_OPENING_MS);
    if (!joins) {
      flush();
      if (!foldable(e)) {
        lines.push({ kind: 'single', event: e });
        continue;
      }
    }
    run.push(e);
  }
  flush();
  return lines;
}

const PARTS = [
  'timeline',
  'consent',
  'consultation',
  'referral',
  'levels',
  'follow_up',
  'provision',
  'peer_assignment',
  'review',
  'agency_link',
  'support_plan',
  'support_plan_action',
  'liaison_contact',
] as const;
export type FoldPart = (typeof PARTS)[number];

/**
 * What a folded opening read besides the patient's own record (経過, 同意…), once each, in
 * the order first read; the patient itself and reads this version cannot name are left out
 * (they stay visible among the raw events).
 */
export function foldedParts(events: readonly FoldableEvent[]): FoldPart[] {
  const out: FoldPart[] = [];
  // Oldest first: the order the screen asked in.
  for (const e of [...events].reverse()) {
    const part: string =
      e.action === 'patient.timeline' ? 'timeline' : e.action === 'referral.levels' ? 'levels' : e.action.slice(0, e.action.indexOf('.'));
    const known = (PARTS as readonly string[]).includes(part) ? (part as FoldPart) : null;
    if (known && !out.includes(known)) out.push(known);
  }
  return out;
}
