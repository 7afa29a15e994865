// 小慢 optional projects (任意事業): the projects a center runs, their sessions with the named
// participants who consented, and the register of unmet needs (ニーズ).
import { api, call, versioned, type Schemas, type Versioned } from './client';

export type Project = Schemas['ProjectDto'];
export type CreateProject = Schemas['CreateProject'];
export type UpdateProject = Schemas['UpdateProject'];
export type ProjectKind = Schemas['ProjectKind'];
export type ProjectSession = Schemas['ProjectSessionDto'];
export type CreateProjectSession = Schemas['CreateProjectSession'];
export type SessionActivity = Schemas['SessionActivity'];
export type ParticipantRole = Schemas['ParticipantRole'];
export type Need = Schemas['NeedDto'];
export type CreateNeed = Schemas['CreateNeed'];
export type UpdateNeed = Schemas['UpdateNeed'];
export type NeedKind = Schemas['NeedKind'];
export type NeedStatus = Schemas['NeedStatus'];

/** The list's filters, as the API takes them (empty ones left out). */
export interface ProjectFilter {
  readonly kind?: ProjectKind;
  /** `true`: running (not ended before today); `false`: ended. */
  readonly active?: boolean;
}

export async function listProjects(filter: ProjectFilter, cursor?: string, limit = 50) {
  return (await call(api.GET('/api/v1/projects', { params: { query: { ...filter, limit, cursor } } }))).data;
}

export async function getProject(id: string): Promise<Versioned<Project>> {
  return versioned(await call(api.GET('/api/v1/projects/{id}', { params: { path: { id } } })));
}

export async function createProject(body: CreateProject, idempotencyKey: string): Promise<Project> {
  return (await call(api.POST('/api/v1/projects', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateProject(id: string, body: UpdateProject, etag: string): Promise<Versioned<Project>> {
  return versioned(await call(api.PATCH('/api/v1/projects/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })));
}

export async function listProjectSessions(id: string, cursor?: string, limit = 50) {
  return (await call(api.GET('/api/v1/projects/{id}/sessions', { params: { path: { id }, query: { limit, cursor } } }))).data;
}

export async function createProjectSession(id: string, body: CreateProjectSession, idempotencyKey: string): Promise<ProjectSession> {
  return (
    await call(api.POST('/api/v1/projects/{id}/sessions', { params: { path: { id } }, body, headers: { 'Idempotency-Key': idempotencyKey } }))
  ).data;
}

/** The list's filters, as the API takes them (empty ones left out). */
export interface NeedFilter {
  readonly kind?: NeedKind;
  readonly status?: NeedStatus;
  readonly patient_id?: string;
}

export async function listNeeds(filter: NeedFilter, cursor?: string, limit = 50) {
  return (await call(api.GET('/api/v1/needs', { params: { query: { ...filter, limit, cursor } } }))).data;
}

export async function getNeed(id: string): Promise<Versioned<Need>> {
  return versioned(await call(api.GET('/api/v1/needs/{id}', { params: { path: { id } } })));
}

export async function createNeed(body: CreateNeed, idempotencyKey: string): Promise<Need> {
  return (await call(api.POST('/api/v1/needs', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateNeed(id: string, body: UpdateNeed, etag: string): Promise<Versioned<Need>> {
  return versioned(await call(api.PATCH('/api/v1/needs/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })));
}
