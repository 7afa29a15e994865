// The typed API client. Types come from src/api/schema.d.ts, generated from the committed
// openapi/openapi.json (`npm run gen:api`); never edit them by hand.
import createClient from 'openapi-fetch';
import { authenticatedFetch, TokenSession, type RefreshOutcome, type TokenPair } from '../auth/session';
import { ApiError, networkProblem, toProblem } from './problem';
import type { components, paths } from './schema';

export type Schemas = components['schemas'];
export type Me = Schemas['Me'];
export type Center = Schemas['CenterDto'];
export type User = Schemas['UserDto'];
export type Agency = Schemas['AgencyDto'];
export type CreateCenter = Schemas['CreateCenter'];
export type UpdateCenter = Schemas['UpdateCenter'];
export type CreateUser = Schemas['CreateUser'];
export type UpdateUser = Schemas['UpdateUser'];
export type CreateAgency = Schemas['CreateAgency'];
export type UpdateAgency = Schemas['UpdateAgency'];
export type Patient = Schemas['PatientDto'];
export type CreatePatient = Schemas['CreatePatient'];
export type UpdatePatient = Schemas['UpdatePatient'];
export type Consent = Schemas['ConsentDto'];
export type CreateConsent = Schemas['CreateConsent'];
export type UpdateConsent = Schemas['UpdateConsent'];
export type Provision = Schemas['ProvisionDto'];
export type Consultation = Schemas['ConsultationDto'];
export type CreateConsultation = Schemas['CreateConsultation'];
export type UpdateConsultation = Schemas['UpdateConsultation'];
export type Referral = Schemas['ReferralDto'];
export type CreateReferral = Schemas['CreateReferral'];
export type UpdateReferral = Schemas['UpdateReferral'];
export type LevelChange = Schemas['LevelChangeDto'];
export type FollowUp = Schemas['FollowUpDto'];
export type UpdateFollowUp = Schemas['UpdateFollowUp'];
export type Timeline = Schemas['TimelineDto'];
export type TimelineEntry = Schemas['TimelineEntryDto'];
export type Disease = Schemas['DiseaseDto'];
export type PrefectureMaster = Schemas['PrefectureDto'];
export type Municipality = Schemas['MunicipalityDto'];

/**
 * Origin of the API, e.g. `https://tsunagu.example`; empty (the default) means the origin
 * that served this page, which is how the Rust server deploys it.
 */
export const API_ORIGIN = (import.meta.env.VITE_API_BASE ?? '').replace(/\/+$/, '');

/** Calls that need no token: sign-in and refresh. */
const publicClient = createClient<paths>({ baseUrl: API_ORIGIN });

/**
 * Asks for the cookie form of sign-in: the refresh token stays in an HttpOnly cookie the
 * page cannot read (an injected script cannot carry the session away). The header is also
 * the server's CSRF guard on the refresh.
 */
const COOKIE_SESSION = { 'X-Tsunagu-Session': 'cookie' } as const;

/** Tabs take turns to refresh: the cookie's token is single use, and a second tab sending
 * the one the first just spent would end the session. Where the Web Locks API is missing,
 * the call runs as is. */
async function oneTabAtATime<T>(run: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  if (!locks) return run();
  let out!: T;
  await locks.request('tsunagu-refresh', async () => {
    out = await run();
  });
  return out;
}

async function refreshCall(refreshToken: string | undefined): Promise<RefreshOutcome> {
  const { data, response } = await oneTabAtATime(() =>
    publicClient.POST('/api/v1/auth/refresh', {
      body: refreshToken === undefined ? {} : { refresh_token: refreshToken },
      headers: refreshToken === undefined ? COOKIE_SESSION : {},
      credentials: 'include',
    }),
  );
  if (data) return { kind: 'ok', tokens: data };
  // 400/401/403: the refresh token is spent, revoked or expired. Anything else is transient.
  return response.status >= 400 && response.status < 500 && response.status !== 429
    ? { kind: 'rejected' }
    : { kind: 'unavailable' };
}

/** The one session of this tab. Tokens live in this object only, never in web storage. */
export const session = new TokenSession(refreshCall);

/** The client for everything behind sign-in: adds the bearer, refreshes on a 401 once. */
export const api = createClient<paths>({ baseUrl: API_ORIGIN, fetch: authenticatedFetch(session) });

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/**
 * Await an openapi-fetch call; failures (including no answer at all) throw ApiError with
 * the problem details, successes give the body and the response (for ETag and friends).
 */
export async function call<T>(request: Promise<FetchResult<T>>): Promise<{ data: T; response: Response }> {
  let result: FetchResult<T>;
  try {
    result = await request;
  } catch (e) {
    throw new ApiError(networkProblem(e));
  }
  const { data, error, response } = result;
  if (!response.ok || data === undefined) {
    throw new ApiError(toProblem(response.status, error ?? null, response.headers));
  }
  return { data, response };
}

/** A record with the ETag it was read at, for a later `If-Match`. */
export interface Versioned<T> {
  readonly data: T;
  readonly etag: string;
}

export function versioned<T>({ data, response }: { data: T; response: Response }): Versioned<T> {
  return { data, etag: response.headers.get('ETag') ?? '' };
}

/**
 * Sign in. `totp` is the second factor (a 6-digit code or a recovery code), sent only after
 * the server answered `totp_required` for the password alone.
 */
export async function loginCall(login: string, password: string, totp?: string): Promise<TokenPair> {
  const body = totp === undefined ? { login, password } : { login, password, totp };
  const { data } = await call(
    publicClient.POST('/api/v1/auth/login', { body, headers: COOKIE_SESSION, credentials: 'include' }),
  );
  return data;
}

export async function logoutCall(): Promise<void> {
  const { response } = await api.POST('/api/v1/auth/logout');
  if (!response.ok) throw new ApiError(toProblem(response.status, null, response.headers));
}

export async function fetchMe(): Promise<Me> {
  return (await call(api.GET('/api/v1/me'))).data;
}

/** Start (or restart) two-factor enrolment: a new secret and its otpauth URI. */
export async function startTotp() {
  return (await call(api.POST('/api/v1/me/totp'))).data;
}

/** Confirm enrolment with a code from the app; answers the recovery codes, shown once. */
export async function confirmTotp(code: string) {
  return (await call(api.POST('/api/v1/me/totp/confirm', { body: { code } }))).data;
}

/**
 * Change one's own password (204). A wrong current password is 422
 * `current_password_incorrect`; the new one is checked like every password.
 */
export async function changeOwnPassword(currentPassword: string, newPassword: string): Promise<void> {
  const result = await api
    .POST('/api/v1/me/password', { body: { current_password: currentPassword, new_password: newPassword } })
    .catch((e: unknown) => {
      throw new ApiError(networkProblem(e));
    });
  const { error, response } = result;
  if (!response.ok) throw new ApiError(toProblem(response.status, error ?? null, response.headers));
}

/** Query keys, in one place so mutations invalidate the right lists. */
export const keys = {
  centers: ['centers'] as const,
  center: (id: string) => ['centers', id] as const,
  users: ['users'] as const,
  user: (id: string) => ['users', id] as const,
  agencies: ['agencies'] as const,
  agency: (id: string) => ['agencies', id] as const,
  /** Everything about patients and their cases lives under one prefix: a write invalidates it whole. */
  cases: ['cases'] as const,
  patients: ['cases', 'patients'] as const,
  patient: (id: string) => ['cases', 'patients', id] as const,
  timeline: (id: string) => ['cases', 'patients', id, 'timeline'] as const,
  consents: (patientId: string) => ['cases', 'patients', patientId, 'consents'] as const,
  provisions: (patientId: string) => ['cases', 'patients', patientId, 'provisions'] as const,
  consultations: ['cases', 'consultations'] as const,
  consultation: (id: string) => ['cases', 'consultations', 'one', id] as const,
  consent: (id: string) => ['cases', 'consents', id] as const,
  referral: (id: string) => ['cases', 'referrals', id] as const,
  levelChanges: (referralId: string) => ['cases', 'referrals', referralId, 'level-changes'] as const,
  referralFollowUps: (referralId: string) => ['cases', 'referrals', referralId, 'follow-ups'] as const,
  followUps: ['cases', 'follow-ups'] as const,
  followUp: (id: string) => ['cases', 'follow-ups', 'one', id] as const,
  diseases: ['master', 'diseases'] as const,
  prefectures: ['master', 'prefectures'] as const,
  municipalities: (prefectureCode: string) => ['master', 'municipalities', prefectureCode] as const,
  /** Supervision: under `cases` where a case write changes them (a review, a correction). */
  auditQueue: ['cases', 'supervision', 'queue'] as const,
  reviews: (referralId: string) => ['cases', 'referrals', referralId, 'reviews'] as const,
  notifications: ['cases', 'notifications'] as const,
  supervisionSummary: (query: object) => ['supervision', 'summary', query] as const,
  /** The audit trail changes with every read: never cached for long. */
  auditEvents: (filter: object) => ['audit', 'events', filter] as const,
  auditVerify: ['audit', 'verify'] as const,
  /** The ministry's figures, per report and query (period, prefecture). */
  reports: ['reports'] as const,
  report: (name: string, query: object) => ['reports', name, query] as const,
  /** 小慢 support plans: under `cases`, since a plan's reads and writes go with the patient's. */
  supportPlans: ['cases', 'support-plans'] as const,
  supportPlan: (id: string) => ['cases', 'support-plans', 'one', id] as const,
  planVersions: (id: string) => ['cases', 'support-plans', 'one', id, 'versions'] as const,
  planReviews: (id: string) => ['cases', 'support-plans', 'one', id, 'reviews'] as const,
  planActions: (id: string) => ['cases', 'support-plans', 'one', id, 'actions'] as const,
  /** The transition (移行期) list for a window in months. */
  transition: (withinMonths: number) => ['cases', 'transition', withinMonths] as const,
  /** 小慢 optional projects and needs: under `cases`, since sessions name patients. */
  projects: ['cases', 'projects'] as const,
  project: (id: string) => ['cases', 'projects', 'one', id] as const,
  projectSessions: (id: string) => ['cases', 'projects', 'one', id, 'sessions'] as const,
  needs: ['cases', 'needs'] as const,
  /** 小慢 liaison contacts (a patient's, or a plan's). */
  liaisonContacts: ['cases', 'liaison-contacts'] as const,
  /** The caller's own center (its programs decide the menu). */
  ownCenter: (id: string) => ['centers', 'own', id] as const,
  /** Third-party integration: the center's API clients and webhooks (center administrator). */
  apiClients: ['integrations', 'api-clients'] as const,
  apiClient: (id: string) => ['integrations', 'api-clients', id] as const,
  webhooks: ['integrations', 'webhooks'] as const,
  webhook: (id: string) => ['integrations', 'webhooks', id] as const,
  webhookDeliveries: (id: string) => ['integrations', 'webhooks', id, 'deliveries'] as const,
  /** Regional councils: administrations, their issues and publications. */
  administrations: ['regional', 'administrations'] as const,
  administration: (id: string) => ['regional', 'administrations', id] as const,
  ownAdministration: ['regional', 'administrations', 'own'] as const,
  regionalIssues: ['regional', 'issues'] as const,
  regionalIssue: (id: string) => ['regional', 'issues', id] as const,
  stageChanges: (id: string) => ['regional', 'issues', id, 'stage-changes'] as const,
  issueComments: (id: string) => ['regional', 'issues', id, 'comments'] as const,
  publicationPreview: (id: string, fiscalYear: number) => ['regional', 'publication-preview', id, fiscalYear] as const,
  publications: (id: string) => ['regional', 'publications', id] as const,
  publicSummary: (code: string, fiscalYear: number | null) => ['public', 'summary', code, fiscalYear] as const,
};
