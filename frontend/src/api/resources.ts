import { fromSelect, type AgencyType } from './enums';
// One function per API call the screens make, typed by the generated schema.
import {
  api,
  call,
  versioned,
  type Agency,
  type Center,
  type CreateAgency,
  type CreateCenter,
  type CreateUser,
  type UpdateAgency,
  type UpdateCenter,
  type UpdateUser,
  type User,
  type Versioned,
} from './client';

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
