// 出張相談 with the Hello Work 難病患者就職サポーター: schedules, sessions, their slots and the
// patients booked into them.
import { api, call, versioned, type Schemas, type Versioned } from './client';
import { asFile, FILE_TYPES, type DownloadedFile, type FileFormat } from './reports';

export type SupporterSession = Schemas['SupporterSessionDto'];
export type SupporterSlot = Schemas['SupporterSlotDto'];
export type SupporterBooking = Schemas['SupporterBookingDto'];
export type CreateSupporterSchedule = Schemas['CreateSupporterSchedule'];
export type UpdateSupporterBooking = Schemas['UpdateSupporterBooking'];

/** The ETag of a record read in a list, for `If-Match` (the server's form: `"v<version>"`). */
export function etagOf(version: number): string {
  return `"v${version}"`;
}

/** Every session held from `from` to `to` (a month is a page at most). */
export async function listSupporterSessions(from: string, to: string): Promise<SupporterSession[]> {
  const out: SupporterSession[] = [];
  let cursor: string | undefined;
  do {
    const page = (await call(api.GET('/api/v1/supporter-sessions', { params: { query: { from, to, limit: 200, cursor } } }))).data;
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

export async function getSupporterSession(id: string): Promise<Versioned<SupporterSession>> {
  return versioned(await call(api.GET('/api/v1/supporter-sessions/{id}', { params: { path: { id } } })));
}

export async function updateSupporterSession(id: string, etag: string, body: Schemas['UpdateSupporterSession']): Promise<Versioned<SupporterSession>> {
  return versioned(await call(api.PATCH('/api/v1/supporter-sessions/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })));
}

export type SupporterSchedule = Schemas['SupporterScheduleDto'];

export async function getSupporterSchedule(id: string): Promise<Versioned<SupporterSchedule>> {
  return versioned(await call(api.GET('/api/v1/supporter-schedules/{id}', { params: { path: { id } } })));
}

export async function updateSupporterSchedule(id: string, etag: string, body: Schemas['UpdateSupporterSchedule']): Promise<Versioned<SupporterSchedule>> {
  return versioned(await call(api.PATCH('/api/v1/supporter-schedules/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })));
}

export async function createSupporterSchedule(body: CreateSupporterSchedule, idempotencyKey: string) {
  return (await call(api.POST('/api/v1/supporter-schedules', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

/** Makes a schedule's sessions of a fiscal year; days that have one already are skipped. */
export async function generateSupporterSessions(scheduleId: string, fiscalYear: string, idempotencyKey: string): Promise<SupporterSession[]> {
  return (
    await call(
      api.POST('/api/v1/supporter-schedules/{id}/sessions', {
        params: { path: { id: scheduleId } },
        body: { fiscal_year: fiscalYear },
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    )
  ).data.items;
}

export async function listSupporterSlots(id: string): Promise<SupporterSlot[]> {
  return (await call(api.GET('/api/v1/supporter-sessions/{id}/slots', { params: { path: { id } } }))).data.items;
}

export async function bookSupporterSlot(id: string, slotStart: string, patientId: string, idempotencyKey: string): Promise<SupporterBooking> {
  return (
    await call(
      api.POST('/api/v1/supporter-sessions/{id}/slots', {
        params: { path: { id } },
        body: { slot_start: slotStart, patient_id: patientId },
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    )
  ).data;
}

export async function updateSupporterBooking(id: string, booking: SupporterBooking, body: UpdateSupporterBooking): Promise<SupporterBooking> {
  return (
    await call(
      api.PATCH('/api/v1/supporter-sessions/{id}/slots/{booking_id}', {
        params: { path: { id, booking_id: booking.id }, header: { 'If-Match': etagOf(booking.version) } },
        body,
      }),
    )
  ).data;
}

export type SupporterSessionsReport = Schemas['SupporterSessionsReport'];

export async function supporterSessionsReport(fiscalYear: number): Promise<SupporterSessionsReport> {
  const init = { params: { query: { fiscal_year: String(fiscalYear) } }, headers: { Accept: 'application/json' } };
  return (await call(api.GET('/api/v1/reports/supporter-sessions', init))).data as SupporterSessionsReport;
}

/** The 出張相談 figures as CSV or Excel, fetched with the bearer token. */
export function downloadSupporterSessionsReport(fiscalYear: number, format: FileFormat): Promise<DownloadedFile> {
  const init = { params: { query: { fiscal_year: String(fiscalYear) } }, headers: { Accept: FILE_TYPES[format] }, parseAs: 'blob' as const };
  return asFile(api.GET('/api/v1/reports/supporter-sessions', init), `supporter-sessions-${fiscalYear}.${format}`);
}
