// The 小慢 figures (/reports/shoman-*): JSON for the screen, CSV and Excel files to download.
// Never a child: counts per project kind, need kind, consultation menu and center.
import { api, call, type Schemas } from './client';
import { asFile, FILE_TYPES, type DownloadedFile, type FileFormat, type ReportQuery } from './reports';

export type ShomanProjectsReport = Schemas['ShomanProjectsReport'];
export type ShomanNeedsReport = Schemas['ShomanNeedsReport'];
export type ShomanConsultationsReport = Schemas['ShomanConsultationsReport'];
export type ShomanImplementationReport = Schemas['ShomanImplementationReport'];
export type ShomanPlansReport = Schemas['ShomanPlansReport'];

/** The figures, in the order the screen shows them. */
export const SHOMAN_REPORTS = ['shoman-plans', 'shoman-projects', 'shoman-needs', 'shoman-consultations', 'shoman-implementation'] as const;
export type ShomanReportName = (typeof SHOMAN_REPORTS)[number];

const JSON_ONLY = { Accept: 'application/json' } as const;

export async function getShomanPlans(query: ReportQuery): Promise<ShomanPlansReport> {
  return (await call(api.GET('/api/v1/reports/shoman-plans', { params: { query }, headers: JSON_ONLY }))).data as ShomanPlansReport;
}

export async function getShomanProjects(query: ReportQuery): Promise<ShomanProjectsReport> {
  return (await call(api.GET('/api/v1/reports/shoman-projects', { params: { query }, headers: JSON_ONLY }))).data as ShomanProjectsReport;
}

export async function getShomanNeeds(query: ReportQuery): Promise<ShomanNeedsReport> {
  return (await call(api.GET('/api/v1/reports/shoman-needs', { params: { query }, headers: JSON_ONLY }))).data as ShomanNeedsReport;
}

export async function getShomanConsultations(query: ReportQuery): Promise<ShomanConsultationsReport> {
  return (await call(api.GET('/api/v1/reports/shoman-consultations', { params: { query }, headers: JSON_ONLY })))
    .data as ShomanConsultationsReport;
}

export async function getShomanImplementation(query: ReportQuery): Promise<ShomanImplementationReport> {
  return (await call(api.GET('/api/v1/reports/shoman-implementation', { params: { query }, headers: JSON_ONLY })))
    .data as ShomanImplementationReport;
}

/** One 小慢 report as CSV or Excel, fetched with the bearer token (see downloadReport). */
export function downloadShomanReport(name: ShomanReportName, format: FileFormat, query: ReportQuery): Promise<DownloadedFile> {
  const init = { params: { query }, headers: { Accept: FILE_TYPES[format] }, parseAs: 'blob' as const };
  const fallback = `${name}-${query.fiscal_year ?? `${query.from ?? ''}-${query.to ?? ''}`}.${format}`;
  switch (name) {
    case 'shoman-plans':
      return asFile(api.GET('/api/v1/reports/shoman-plans', init), fallback);
    case 'shoman-projects':
      return asFile(api.GET('/api/v1/reports/shoman-projects', init), fallback);
    case 'shoman-needs':
      return asFile(api.GET('/api/v1/reports/shoman-needs', init), fallback);
    case 'shoman-consultations':
      return asFile(api.GET('/api/v1/reports/shoman-consultations', init), fallback);
    case 'shoman-implementation':
      return asFile(api.GET('/api/v1/reports/shoman-implementation', init), fallback);
  }
}
