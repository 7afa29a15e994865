// One function per API call the screens make, typed by the generated schema.
import {
  api,
  call,
  versioned,
  type Schemas,
  type Agency,
  type Center,
  type Consent,
  type Consultation,
  type CreateAgency,
  type CreateCenter,
  type CreateConsent,
  type CreateConsultation,
  type CreatePatient,
  type UpdateConsent,
  type UpdateConsultation,
  type CreateReferral,
  type CreateUser,
  type FollowUp,
  type Patient,
  type Referral,
  type UpdateAgency,
  type UpdateCenter,
  type UpdateFollowUp,
  type UpdatePatient,
  type UpdateReferral,
  type UpdateUser,
  type User,
  type Versioned,
} from './client';
import { fromSelect, type AgencyType } from './enums';
import { ApiError, networkProblem, toProblem } from './problem';
import type { paths } from './schema';

const PAGE = 50;

// --- centers -------------------------------------------------------------------------

export async function listCenters(cursor?: string, limit = PAGE) {
  return (await call(api.GET('/api/v1/centers', { params: { query: { limit, cursor } } }))).data;
}

/** Every center, following the cursor (there are about seventy in Japan). */
export async function allCenters(): Promise<Center[]> {
  const out: Center[] = [];
  let cursor: string | undefined;
  do {
    const page = await listCenters(cursor, 200);
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

export async function getCenter(id: string): Promise<Versioned<Center>> {
  return versioned(await call(api.GET('/api/v1/centers/{id}', { params: { path: { id } } })));
}

export async function createCenter(body: CreateCenter, idempotencyKey: string): Promise<Center> {
  return (await call(api.POST('/api/v1/centers', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateCenter(id: string, body: UpdateCenter, etag: string): Promise<Versioned<Center>> {
  return versioned(
    await call(api.PATCH('/api/v1/centers/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

// --- users ---------------------------------------------------------------------------

export async function listUsers(cursor?: string) {
  return (await call(api.GET('/api/v1/users', { params: { query: { limit: PAGE, cursor } } }))).data;
}

/** Every staff member of the caller's center, following the cursor (for showing who did what). */
export async function allUsers(): Promise<User[]> {
  const out: User[] = [];
  let cursor: string | undefined;
  do {
    const page = (await call(api.GET('/api/v1/users', { params: { query: { limit: 200, cursor } } }))).data;
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

export async function getUser(id: string): Promise<Versioned<User>> {
  return versioned(await call(api.GET('/api/v1/users/{id}', { params: { path: { id } } })));
}

export async function createUser(body: CreateUser, idempotencyKey: string): Promise<User> {
  return (await call(api.POST('/api/v1/users', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateUser(id: string, body: UpdateUser, etag: string): Promise<Versioned<User>> {
  return versioned(
    await call(api.PATCH('/api/v1/users/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

/**
 * Reset a staff member's two-factor sign-in (204): their enrolment is removed and their
 * sessions end; they set it up again at their next sign-in.
 */
export async function resetTwoFactor(id: string): Promise<void> {
  const result = await api
    .POST('/api/v1/users/{id}/two-factor-reset', { params: { path: { id } } })
    .catch((e: unknown) => {
      throw new ApiError(networkProblem(e));
    });
  const { error, response } = result;
  if (!response.ok) throw new ApiError(toProblem(response.status, error ?? null, response.headers));
}

// --- agencies ------------------------------------------------------------------------

export async function listAgencies(agencyType: string | undefined, cursor?: string) {
  return (
    await call(
      api.GET('/api/v1/agencies', {
        params: { query: { limit: PAGE, cursor, agency_type: agencyType ? fromSelect<AgencyType>(agencyType) : undefined } },
      }),
    )
  ).data;
}

export async function getAgency(id: string): Promise<Versioned<Agency>> {
  return versioned(await call(api.GET('/api/v1/agencies/{id}', { params: { path: { id } } })));
}

export async function createAgency(body: CreateAgency, idempotencyKey: string): Promise<Agency> {
  return (await call(api.POST('/api/v1/agencies', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateAgency(id: string, body: UpdateAgency, etag: string): Promise<Versioned<Agency>> {
  return versioned(
    await call(api.PATCH('/api/v1/agencies/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

/** Every agency of the center, following the cursor (a center has a few dozen at most). */
export async function allAgencies(): Promise<Agency[]> {
  const out: Agency[] = [];
  let cursor: string | undefined;
  do {
    const page = (await call(api.GET('/api/v1/agencies', { params: { query: { limit: 200, cursor } } }))).data;
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

// --- master data ---------------------------------------------------------------------

/** The 348 designated intractable diseases (指定難病), all at once: pickers filter them locally. */
export async function listDiseases() {
  return (await call(api.GET('/api/v1/diseases'))).data.items;
}

export async function listPrefectures() {
  return (await call(api.GET('/api/v1/prefectures'))).data.items;
}

export async function listMunicipalities(prefectureCode: string) {
  return (await call(api.GET('/api/v1/municipalities', { params: { query: { prefecture_code: prefectureCode } } }))).data
    .items;
}

// --- patients ------------------------------------------------------------------------

export async function listPatients(q: string, cursor?: string) {
  return searchPatients({ q }, cursor);
}

/** What a patient list asks for besides its page: the search box, filters and an order. */
export type PatientListQuery = Omit<
  NonNullable<paths['/api/v1/patients']['get']['parameters']['query']>,
  'limit' | 'cursor' | 'updated_since'
>;

/** Patients by the search box, the filters and an order; each page carries the total. */
export async function searchPatients(query: PatientListQuery, cursor?: string) {
  const q = query.q?.trim() ? query.q.trim() : undefined;
  return (await call(api.GET('/api/v1/patients', { params: { query: { ...query, q, limit: PAGE, cursor } } }))).data;
}

export async function getPatient(id: string): Promise<Versioned<Patient>> {
  return versioned(await call(api.GET('/api/v1/patients/{id}', { params: { path: { id } } })));
}

export async function createPatient(body: CreatePatient, idempotencyKey: string): Promise<Patient> {
  return (await call(api.POST('/api/v1/patients', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export type PossibleDuplicate = Schemas['PossibleDuplicateDto'];

/** Before registering: patients the registration may already be (reading and birth date, or phone). */
export async function checkDuplicates(body: Schemas['CheckPatientDuplicates']): Promise<PossibleDuplicate[]> {
  return (await call(api.POST('/api/v1/patient-duplicate-checks', { body }))).data.items;
}

export type PatientMerge = Schemas['PatientMergeDto'];
export type MergeCounts = Schemas['MergeCountsDto'];

/** What merging `merged_id` into `survivor_id` would move (nothing changes). */
export async function previewPatientMerge(body: Schemas['CreatePatientMerge']): Promise<PatientMerge> {
  return (await call(api.POST('/api/v1/patient-merge-previews', { body }))).data;
}

/** Merges a patient registered twice into the record that stays (a supervisor's). */
export async function mergePatients(body: Schemas['CreatePatientMerge'], idempotencyKey: string): Promise<PatientMerge> {
  return (await call(api.POST('/api/v1/patient-merges', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updatePatient(id: string, body: UpdatePatient, etag: string): Promise<Versioned<Patient>> {
  return versioned(
    await call(api.PATCH('/api/v1/patients/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

export async function getTimeline(id: string) {
  return (await call(api.GET('/api/v1/patients/{id}/timeline', { params: { path: { id } } }))).data;
}

export async function listProvisions(patientId: string) {
  return (await call(api.GET('/api/v1/patients/{id}/provisions', { params: { path: { id: patientId } } }))).data.items;
}

// --- consents ------------------------------------------------------------------------

export async function listConsents(patientId: string): Promise<Consent[]> {
  return (await call(api.GET('/api/v1/patients/{id}/consents', { params: { path: { id: patientId } } }))).data.items;
}

export async function createConsent(patientId: string, body: CreateConsent, idempotencyKey: string): Promise<Consent> {
  return (
    await call(
      api.POST('/api/v1/patients/{id}/consents', {
        params: { path: { id: patientId } },
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    )
  ).data;
}

/** Withdraws a consent: reads its current version first (list items carry no ETag). */
export async function withdrawConsent(id: string, withdrawnOn: string): Promise<Consent> {
  const current = versioned(await call(api.GET('/api/v1/consents/{id}', { params: { path: { id } } })));
  return (
    await call(
      api.PATCH('/api/v1/consents/{id}', {
        params: { path: { id }, header: { 'If-Match': current.etag } },
        body: { withdrawn_on: withdrawnOn },
      }),
    )
  ).data;
}

export async function getConsent(id: string): Promise<Versioned<Consent>> {
  return versioned(await call(api.GET('/api/v1/consents/{id}', { params: { path: { id } } })));
}

export async function updateConsent(id: string, body: UpdateConsent, etag: string): Promise<Versioned<Consent>> {
  return versioned(
    await call(api.PATCH('/api/v1/consents/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

// --- consultations -------------------------------------------------------------------

export async function getConsultation(id: string): Promise<Versioned<Consultation>> {
  return versioned(await call(api.GET('/api/v1/consultations/{id}', { params: { path: { id } } })));
}

export async function updateConsultation(
  id: string,
  body: UpdateConsultation,
  etag: string,
): Promise<Versioned<Consultation>> {
  return versioned(
    await call(api.PATCH('/api/v1/consultations/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

export async function listConsultations(filter: { consultantId?: string; patientId?: string; limit?: number }) {
  return (
    await call(
      api.GET('/api/v1/consultations', {
        params: {
          query: { consultant_id: filter.consultantId, patient_id: filter.patientId, limit: filter.limit ?? PAGE },
        },
      }),
    )
  ).data;
}

export async function createConsultation(body: CreateConsultation, idempotencyKey: string): Promise<Consultation> {
  return (await call(api.POST('/api/v1/consultations', { body, headers: { 'Idempotency-Key': idempotencyKey } })))
    .data;
}

// --- referrals -----------------------------------------------------------------------

export async function getReferral(id: string): Promise<Versioned<Referral>> {
  return versioned(await call(api.GET('/api/v1/referrals/{id}', { params: { path: { id } } })));
}

export async function createReferral(body: CreateReferral, idempotencyKey: string): Promise<Referral> {
  return (await call(api.POST('/api/v1/referrals', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateReferral(id: string, body: UpdateReferral, etag: string): Promise<Versioned<Referral>> {
  return versioned(
    await call(api.PATCH('/api/v1/referrals/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

export async function listLevelChanges(referralId: string) {
  return (await call(api.GET('/api/v1/referrals/{id}/level-changes', { params: { path: { id: referralId } } }))).data
    .items;
}

export async function listReferralFollowUps(referralId: string, cursor?: string) {
  return (
    await call(
      api.GET('/api/v1/referrals/{id}/follow-ups', {
        params: { path: { id: referralId }, query: { limit: PAGE, cursor } },
      }),
    )
  ).data;
}

export async function scheduleFollowUp(referralId: string, dueOn: string, idempotencyKey: string): Promise<FollowUp> {
  return (
    await call(
      api.POST('/api/v1/referrals/{id}/follow-ups', {
        params: { path: { id: referralId } },
        body: { due_on: dueOn },
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    )
  ).data;
}

// --- follow-ups ----------------------------------------------------------------------

type QueueState = NonNullable<NonNullable<paths['/api/v1/follow-ups']['get']['parameters']['query']>['state']>;
const QUEUE_STATES: readonly string[] = ['due', 'overdue', 'done'] satisfies QueueState[];

function queueState(s: string): QueueState | undefined {
  return QUEUE_STATES.includes(s) ? (s as QueueState) : undefined;
}

/** The queue. `state` '' means every open one, overdue first; `assignee` 'me', a user id or ''. */
export async function listFollowUps(filter: { state: string; assignee: string; limit?: number }, cursor?: string) {
  return (
    await call(
      api.GET('/api/v1/follow-ups', {
        params: {
          query: {
            state: queueState(filter.state),
            assignee: filter.assignee === '' ? undefined : filter.assignee,
            limit: filter.limit ?? PAGE,
            cursor,
          },
        },
      }),
    )
  ).data;
}

/**
 * Hand open follow-ups to a colleague (a supervisor): every open one of `from`, all or none.
 * Answers how many changed hands.
 */
export async function reassignFollowUps(from: string, to: string): Promise<number> {
  return (await call(api.POST('/api/v1/follow-up-reassignments', { body: { from_assignee_id: from, assignee_id: to } }))).data.count;
}

export async function getFollowUp(id: string): Promise<Versioned<FollowUp>> {
  return versioned(await call(api.GET('/api/v1/follow-ups/{id}', { params: { path: { id } } })));
}

export async function updateFollowUp(id: string, body: UpdateFollowUp, etag: string): Promise<Versioned<FollowUp>> {
  return versioned(
    await call(api.PATCH('/api/v1/follow-ups/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

/** The most follow-ups the calendar asks for per page (the API's maximum). */
const CALENDAR_PAGE = 200;

/**
 * Every follow-up (open, done and cancelled) due from `from` to `to` (both included; the API
 * allows 92 days), all pages of them. `assignee` 'me', a user id, or '' for everyone.
 */
export async function listFollowUpsDue(filter: { from: string; to: string; assignee: string }): Promise<FollowUp[]> {
  const items: FollowUp[] = [];
  let cursor: string | undefined;
  do {
    const page = (
      await call(
        api.GET('/api/v1/follow-ups', {
          params: {
            query: {
              state: 'all',
              due_from: filter.from,
              due_to: filter.to,
              assignee: filter.assignee === '' ? undefined : filter.assignee,
              limit: CALENDAR_PAGE,
              cursor,
            },
          },
        }),
      )
    ).data;
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor !== undefined);
  return items;
}
