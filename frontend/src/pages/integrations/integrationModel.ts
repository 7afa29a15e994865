// The integration screens without React: the labels and groups of scopes and events, the
// forms of API clients and webhooks and their mapping to the API, secret rotation's
// overlap choices, and the delivery log's order and wording.
import {
  API_SCOPES,
  WEBHOOK_EVENTS,
  isApiScope,
  isDeliveryState,
  isWebhookEvent,
  type ApiScope,
  type DeliveryState,
  type WebhookEvent,
} from '../../api/enums';
import type {
  ApiClient,
  CreateApiClient,
  CreateWebhook,
  Delivery,
  UpdateApiClient,
  UpdateWebhook,
  Webhook,
} from '../../api/integrations';
import type { Problem } from '../../api/problem';
import { optionalText } from '../../components/forms';
import type { I18n } from '../../i18n/I18nProvider';
import type { MessageKey } from '../../i18n/translate';

// --- sets of choices kept as one value ----------------------------------------------------

/**
 * Ticked choices as one canonical string: known values only, in the catalog's order,
 * comma-joined. Forms keep sets this way so that "changed" and "reapply my changes"
 * compare values, not arrays.
 */
export function setField(all: readonly string[], values: readonly string[]): string {
  return all.filter((v) => values.includes(v)).join(',');
}

/** The values of a set kept by setField, back as a list in catalog order. */
export function setOf<T extends string>(all: readonly T[], field: string): T[] {
  const parts = field.split(',');
  return all.filter((v) => parts.includes(v));
}

export const scopesField = (scopes: readonly string[]): string => setField(API_SCOPES, scopes);
export const scopesOf = (field: string): ApiScope[] => setOf(API_SCOPES, field);
export const eventsField = (events: readonly string[]): string => setField(WEBHOOK_EVENTS, events);
export const eventsOf = (field: string): WebhookEvent[] => setOf(WEBHOOK_EVENTS, field);

// --- scopes -------------------------------------------------------------------------------

/** What each scope lets an application do, in words an administrator reads. */
export const SCOPE_LABELS = {
  'patients:read': 'apiScope.patients:read',
  'patients:write': 'apiScope.patients:write',
  'consultations:read': 'apiScope.consultations:read',
  'consultations:write': 'apiScope.consultations:write',
  'referrals:read': 'apiScope.referrals:read',
  'referrals:write': 'apiScope.referrals:write',
  'follow_ups:read': 'apiScope.follow_ups:read',
  'follow_ups:write': 'apiScope.follow_ups:write',
  'agencies:read': 'apiScope.agencies:read',
  'reports:read': 'apiScope.reports:read',
  'audit:read': 'apiScope.audit:read',
  'shoman:read': 'apiScope.shoman:read',
  'shoman:write': 'apiScope.shoman:write',
  'activities:read': 'apiScope.activities:read',
  'activities:write': 'apiScope.activities:write',
  'regional:read': 'apiScope.regional:read',
  'regional:write': 'apiScope.regional:write',
} as const satisfies Record<ApiScope, MessageKey>;

export interface ChoiceGroup<T extends string> {
  /** A stable id for the group (its fieldset's id). */
  readonly id: string;
  readonly legend: MessageKey;
  readonly values: readonly T[];
}

/**
 * Scopes as a center's form offers them: by what they open up, personal data first. Within
 * a group, reading comes before writing.
 */
export const SCOPE_GROUPS: readonly ChoiceGroup<ApiScope>[] = [
  {
    id: 'records',
    legend: 'apiClient.scopeGroup.records',
    values: ['patients:read', 'patients:write', 'consultations:read', 'consultations:write'],
  },
  {
    id: 'referrals',
    legend: 'apiClient.scopeGroup.referrals',
    values: ['referrals:read', 'referrals:write', 'follow_ups:read', 'follow_ups:write'],
  },
  { id: 'center', legend: 'apiClient.scopeGroup.center', values: ['agencies:read', 'reports:read', 'audit:read'] },
  { id: 'shoman', legend: 'apiClient.scopeGroup.shoman', values: ['shoman:read', 'shoman:write'] },
  { id: 'activities', legend: 'apiClient.scopeGroup.activities', values: ['activities:read', 'activities:write'] },
];

/**
 * Scopes as an administration's (自治体) form offers them: its regional work and its centers'
 * figures, never a patient (the server's `platform::grantable`).
 */
export const REGION_SCOPE_GROUPS: readonly ChoiceGroup<ApiScope>[] = [
  { id: 'regional', legend: 'apiClient.scopeGroup.regional', values: ['regional:read', 'regional:write'] },
  { id: 'figures', legend: 'apiClient.scopeGroup.figures', values: ['reports:read'] },
];

/** The scopes the caller may grant: an officer their administration's, others a center's. */
export function scopeGroupsFor(role: string | null): readonly ChoiceGroup<ApiScope>[] {
  return role === 'municipal_officer' ? REGION_SCOPE_GROUPS : SCOPE_GROUPS;
}

export function scopeLabel(i: Pick<I18n, 't'>, scope: string): string {
  return isApiScope(scope) ? i.t(SCOPE_LABELS[scope]) : scope;
}

/** Scopes that let an application change the center's records. */
export function isWriteScope(scope: string): boolean {
  return scope.endsWith(':write');
}

// --- webhook events -------------------------------------------------------------------------

export const EVENT_LABELS = {
  'patient.created': 'webhookEvent.patient.created',
  'patient.updated': 'webhookEvent.patient.updated',
  'patient.merged': 'webhookEvent.patient.merged',
  'consultation.created': 'webhookEvent.consultation.created',
  'consultation.updated': 'webhookEvent.consultation.updated',
  'referral.created': 'webhookEvent.referral.created',
  'referral.updated': 'webhookEvent.referral.updated',
  'referral.level_changed': 'webhookEvent.referral.level_changed',
  'referral.closed': 'webhookEvent.referral.closed',
  'follow_up.scheduled': 'webhookEvent.follow_up.scheduled',
  'follow_up.recorded': 'webhookEvent.follow_up.recorded',
  'follow_up.overdue': 'webhookEvent.follow_up.overdue',
  'review.approved': 'webhookEvent.review.approved',
  'review.returned': 'webhookEvent.review.returned',
  'referral.agency_confirmed': 'webhookEvent.referral.agency_confirmed',
  'support_plan.created': 'webhookEvent.support_plan.created',
  'support_plan.submitted': 'webhookEvent.support_plan.submitted',
  'support_plan.approved': 'webhookEvent.support_plan.approved',
  'support_plan.returned': 'webhookEvent.support_plan.returned',
} as const satisfies Record<WebhookEvent, MessageKey>;

/** Events by what they are about, as the form offers them. */
export const EVENT_GROUPS: readonly ChoiceGroup<WebhookEvent>[] = [
  { id: 'patient', legend: 'webhook.eventGroup.patient', values: ['patient.created', 'patient.updated', 'patient.merged'] },
  {
    id: 'consultation',
    legend: 'webhook.eventGroup.consultation',
    values: ['consultation.created', 'consultation.updated'],
  },
  {
    id: 'referral',
    legend: 'webhook.eventGroup.referral',
    values: [
      'referral.created',
      'referral.updated',
      'referral.level_changed',
      'referral.closed',
      'referral.agency_confirmed',
    ],
  },
  {
    id: 'follow_up',
    legend: 'webhook.eventGroup.follow_up',
    values: ['follow_up.scheduled', 'follow_up.recorded', 'follow_up.overdue'],
  },
  { id: 'review', legend: 'webhook.eventGroup.review', values: ['review.approved', 'review.returned'] },
  {
    id: 'support_plan',
    legend: 'webhook.eventGroup.support_plan',
    values: ['support_plan.created', 'support_plan.submitted', 'support_plan.approved', 'support_plan.returned'],
  },
];

export function eventLabel(i: Pick<I18n, 't'>, event: string): string {
  return isWebhookEvent(event) ? i.t(EVENT_LABELS[event]) : event;
}

// --- API clients ------------------------------------------------------------------------------

export interface ApiClientForm {
  name: string;
  /** The granted scopes, kept by scopesField. */
  scopes: string;
}

export const emptyApiClient: ApiClientForm = { name: '', scopes: '' };

export function toApiClientForm(c: ApiClient): ApiClientForm {
  return { name: c.name, scopes: scopesField(c.scopes) };
}

export function apiClientCreateBody(f: ApiClientForm): CreateApiClient {
  return { name: f.name.trim(), scopes: scopesOf(f.scopes) };
}

/** The PATCH body for the changed fields only. */
export function apiClientPatch(changes: Partial<ApiClientForm>): UpdateApiClient {
  const body: UpdateApiClient = {};
  if (changes.name !== undefined) body.name = changes.name.trim();
  if (changes.scopes !== undefined) body.scopes = scopesOf(changes.scopes);
  return body;
}

/** The token endpoint as an application calls it: the API's origin, else the page's. */
export function tokenEndpoint(apiOrigin: string, pageOrigin: string): string {
  return `${(apiOrigin || pageOrigin).replace(/\/+$/, '')}/api/v1/oauth/token`;
}

/** A client is revoked once it has a revocation time (the API also turns `active` off). */
export function isRevoked(c: Pick<ApiClient, 'active' | 'revoked_at'>): boolean {
  return c.revoked_at != null || !c.active;
}

/** Whether the secret before the last rotation is still accepted at `now`. */
export function previousSecretValid(c: Pick<ApiClient, 'previous_secret_expires_at'>, now: Date = new Date()): boolean {
  const until = c.previous_secret_expires_at;
  return until != null && new Date(until).getTime() > now.getTime();
}

/** How long the old secret keeps working after a rotation: the choices offered. */
export const OVERLAPS = [
  { value: 'none', seconds: 0, label: 'apiClient.overlap.none' },
  { value: '1h', seconds: 3_600, label: 'apiClient.overlap.1h' },
  { value: '1d', seconds: 86_400, label: 'apiClient.overlap.1d' },
  { value: '7d', seconds: 604_800, label: 'apiClient.overlap.7d' },
] as const satisfies readonly { value: string; seconds: number; label: MessageKey }[];

/** The API's default: a day. */
export const DEFAULT_OVERLAP = '1d';

/** The seconds of an overlap choice; the API's default for anything unknown. */
export function overlapSeconds(choice: string): number {
  return (OVERLAPS.find((o) => o.value === choice) ?? OVERLAPS[2]).seconds;
}

// --- webhooks -----------------------------------------------------------------------------------

export interface WebhookForm {
  url: string;
  description: string;
  /** The subscribed events, kept by eventsField. */
  events: string;
  /** Off pauses deliveries. */
  active: boolean;
}

export const emptyWebhook: WebhookForm = { url: '', description: '', events: '', active: true };

export function toWebhookForm(w: Webhook): WebhookForm {
  return { url: w.url, description: w.description ?? '', events: eventsField(w.events), active: w.active };
}

export function webhookCreateBody(f: WebhookForm): CreateWebhook {
  return { url: f.url.trim(), description: optionalText(f.description), events: eventsOf(f.events) };
}

/** The PATCH body for the changed fields only; an emptied description is cleared (null). */
export function webhookPatch(changes: Partial<WebhookForm>): UpdateWebhook {
  const body: UpdateWebhook = {};
  if (changes.url !== undefined) body.url = changes.url.trim();
  if (changes.description !== undefined) body.description = optionalText(changes.description);
  if (changes.events !== undefined) body.events = eventsOf(changes.events);
  if (changes.active !== undefined) body.active = changes.active;
  return body;
}

// --- the delivery log ------------------------------------------------------------------------

export const DELIVERY_STATE_LABELS = {
  pending: 'deliveryState.pending',
  delivered: 'deliveryState.delivered',
  failed: 'deliveryState.failed',
} as const satisfies Record<DeliveryState, MessageKey>;

export function deliveryStateLabel(i: Pick<I18n, 't'>, state: string): string {
  return isDeliveryState(state) ? i.t(DELIVERY_STATE_LABELS[state]) : state;
}

/** Deliveries newest first (the API's order; kept when pages are put together). */
export function newestFirst<T extends Pick<Delivery, 'created_at' | 'id'>>(deliveries: readonly T[]): T[] {
  return [...deliveries].sort((a, b) => {
    const diff = Date.parse(b.created_at) - Date.parse(a.created_at);
    return diff !== 0 ? diff : b.id.localeCompare(a.id);
  });
}

/** The receiver's last answer in short: its HTTP status and, when it failed, why. */
export function lastResponse(
  i: Pick<I18n, 't'>,
  d: Pick<Delivery, 'last_status' | 'last_error' | 'attempts'>,
): string {
  if (d.attempts === 0) return i.t('delivery.notYet');
  const status = d.last_status != null ? `HTTP ${d.last_status}` : i.t('delivery.noAnswer');
  // The server words a refusal as its status ("HTTP 503"): say it once.
  return d.last_error && d.last_error !== status ? `${status} — ${d.last_error}` : status;
}

// --- problems -----------------------------------------------------------------------------------

/** Fields that are a group of checkboxes: "required" there means "tick at least one". */
const CHOICE_FIELDS: readonly string[] = ['scopes', 'events'];

/**
 * The API's problem as the form shows it: an empty set of scopes or events ("required")
 * reads "choose at least one" at the group.
 */
export function refineProblem(problem: Problem | null): Problem | null {
  if (!problem) return problem;
  if (!problem.errors.some((e) => CHOICE_FIELDS.includes(e.field) && e.code === 'required')) return problem;
  return {
    ...problem,
    errors: problem.errors.map((e) =>
      CHOICE_FIELDS.includes(e.field) && e.code === 'required' ? { ...e, code: 'choose_at_least_one' } : e,
    ),
  };
}
