// The center's other work: outreach activities (周知) and their effect on who comes, staff
// trainings (研修), and events (イベント・集団活動) with the patients named at them.
import { api, call, versioned, type Schemas, type Versioned } from './client';
import { asFile, FILE_TYPES, type DownloadedFile, type FileFormat } from './reports';

export type OutreachActivity = Schemas['OutreachActivityDto'];
export type CreateOutreachActivity = Schemas['CreateOutreachActivity'];
export type Training = Schemas['TrainingDto'];
export type CreateTraining = Schemas['CreateTraining'];
export type ActivityEvent = Schemas['EventDto'];
export type CreateEvent = Schemas['CreateEvent'];
export type CreateAttendee = Schemas['CreateAttendee'];
export type OutreachReport = Schemas['OutreachReport'];
export type UpdateOutreachActivity = Schemas['UpdateOutreachActivity'];
export type UpdateTraining = Schemas['UpdateTraining'];
export type UpdateEvent = Schemas['UpdateEvent'];

export async function listOutreach(fiscalYear: string, cursor?: string, limit = 50) {
  const query = { fiscal_year: fiscalYear || undefined, limit, cursor };
  return (await call(api.GET('/api/v1/outreach-activities', { params: { query } }))).data;
}

export async function createOutreach(body: CreateOutreachActivity, idempotencyKey: string): Promise<OutreachActivity> {
  return (await call(api.POST('/api/v1/outreach-activities', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function getOutreach(id: string): Promise<Versioned<OutreachActivity>> {
  return versioned(await call(api.GET('/api/v1/outreach-activities/{id}', { params: { path: { id } } })));
}

export async function updateOutreach(id: string, body: UpdateOutreachActivity, etag: string): Promise<Versioned<OutreachActivity>> {
  return versioned(await call(api.PATCH('/api/v1/outreach-activities/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })));
}

export async function listTrainings(fiscalYear: string, cursor?: string, limit = 50) {
  const query = { fiscal_year: fiscalYear || undefined, limit, cursor };
  return (await call(api.GET('/api/v1/trainings', { params: { query } }))).data;
}

export async function createTraining(body: CreateTraining, idempotencyKey: string): Promise<Training> {
  return (await call(api.POST('/api/v1/trainings', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function getTraining(id: string): Promise<Versioned<Training>> {
  return versioned(await call(api.GET('/api/v1/trainings/{id}', { params: { path: { id } } })));
}

export async function updateTraining(id: string, body: UpdateTraining, etag: string): Promise<Versioned<Training>> {
  return versioned(await call(api.PATCH('/api/v1/trainings/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })));
}

export async function listEvents(fiscalYear: string, cursor?: string, limit = 50) {
  const query = { fiscal_year: fiscalYear || undefined, limit, cursor };
  return (await call(api.GET('/api/v1/events', { params: { query } }))).data;
}

export async function getEvent(id: string): Promise<Versioned<ActivityEvent>> {
  return versioned(await call(api.GET('/api/v1/events/{id}', { params: { path: { id } } })));
}

export async function createEvent(body: CreateEvent, idempotencyKey: string): Promise<ActivityEvent> {
  return (await call(api.POST('/api/v1/events', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

export async function updateEvent(id: string, body: UpdateEvent, etag: string): Promise<Versioned<ActivityEvent>> {
  return versioned(await call(api.PATCH('/api/v1/events/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })));
}

export async function addAttendee(id: string, body: CreateAttendee, idempotencyKey: string): Promise<ActivityEvent> {
  return (
    await call(api.POST('/api/v1/events/{id}/attendees', { params: { path: { id } }, body, headers: { 'Idempotency-Key': idempotencyKey } }))
  ).data;
}

export async function removeAttendee(id: string, patientId: string): Promise<ActivityEvent> {
  return (await call(api.DELETE('/api/v1/events/{id}/attendees/{patient_id}', { params: { path: { id, patient_id: patientId } } }))).data;
}

export async function outreachReport(fiscalYear: number): Promise<OutreachReport> {
  const init = { params: { query: { fiscal_year: String(fiscalYear) } }, headers: { Accept: 'application/json' } };
  return (await call(api.GET('/api/v1/reports/outreach', init))).data as OutreachReport;
}

/** The outreach report as CSV or Excel, fetched with the bearer token. */
export function downloadOutreachReport(fiscalYear: number, format: FileFormat): Promise<DownloadedFile> {
  const init = { params: { query: { fiscal_year: String(fiscalYear) } }, headers: { Accept: FILE_TYPES[format] }, parseAs: 'blob' as const };
  return asFile(api.GET('/api/v1/reports/outreach', init), `outreach-${fiscalYear}.${format}`);
}
