// ピア・サポーター: who looks after a patient (a supervisor assigns and ends) and the evidence
// of their work per month (consultations, events, hours, their 養成講習会).
import { api, call, type Schemas } from './client';
import { asFile, FILE_TYPES, type DownloadedFile, type FileFormat } from './reports';

export type PeerAssignment = Schemas['PeerAssignmentDto'];
export type PeerSupportReport = Schemas['PeerSupportReportDto'];
export type PeerSupporterFigures = Schemas['PeerSupporterFigures'];
export type PeerMonth = Schemas['PeerMonthDto'];

export const peerKeys = {
  /** Under `cases`: an assignment changes who reaches the patient, like any case write. */
  assignments: (patientId: string) => ['cases', 'patients', patientId, 'peer-supporters'] as const,
  report: (fiscalYear: number) => ['reports', 'peer-support', fiscalYear] as const,
};

/** The patient's peer supporters, current and past, newest first (case workers). */
export async function listPeerAssignments(patientId: string): Promise<PeerAssignment[]> {
  return (await call(api.GET('/api/v1/patients/{id}/peer-supporters', { params: { path: { id: patientId } } }))).data.items;
}

/** Assign an active peer supporter to the patient (a supervisor). */
export async function assignPeerSupporter(patientId: string, userId: string): Promise<PeerAssignment> {
  return (await call(api.POST('/api/v1/patients/{id}/peer-supporters', { params: { path: { id: patientId } }, body: { user_id: userId } }))).data;
}

/** End the supporter's current assignment to the patient (a supervisor). */
export async function endPeerAssignment(patientId: string, userId: string): Promise<PeerAssignment> {
  return (
    await call(api.DELETE('/api/v1/patients/{id}/peer-supporters/{user_id}', { params: { path: { id: patientId, user_id: userId } } }))
  ).data;
}

export async function peerSupportReport(fiscalYear: number): Promise<PeerSupportReport> {
  const init = { params: { query: { fiscal_year: String(fiscalYear) } }, headers: { Accept: 'application/json' } };
  // The spec lists JSON, CSV and Excel for the same 200; this call asks for JSON.
  return (await call(api.GET('/api/v1/reports/peer-support', init))).data as PeerSupportReport;
}

/** The evidence as CSV or Excel, fetched with the bearer token. */
export function downloadPeerSupportReport(fiscalYear: number, format: FileFormat): Promise<DownloadedFile> {
  const init = { params: { query: { fiscal_year: String(fiscalYear) } }, headers: { Accept: FILE_TYPES[format] }, parseAs: 'blob' as const };
  return asFile(api.GET('/api/v1/reports/peer-support', init), `peer-support-${fiscalYear}.${format}`);
}
