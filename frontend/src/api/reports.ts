// The ministry's figures (/reports/*): JSON for the screen, CSV and Excel files to download.
import type { Client } from 'openapi-fetch';
import { api, call, type Schemas } from './client';
import type { paths } from './schema';

export type ReferralLevelsReport = Schemas['ReferralLevelsReport'];
export type CenterReferralLevels = Schemas['CenterReferralLevels'];
export type CentersReferralLevels = Schemas['CentersReferralLevels'];
export type CooperationCountsReport = Schemas['CooperationCountsReport'];
export type CooperationRow = Schemas['CooperationRowDto'];
export type CooperationBandsRow = Schemas['CooperationBandsRowDto'];
export type ConsultationsReport = Schemas['ConsultationsReport'];
export type EmploymentOutcomesReport = Schemas['EmploymentOutcomesReport'];
export type SupportAwarenessReport = Schemas['SupportAwarenessReport'];
export type ReportPeriodDto = Schemas['PeriodDto'];

/** The five reports, in the order the screen and the annual workbook show them. */
export const REPORT_NAMES = [
  'referral-levels',
  'cooperation-counts',
  'consultations',
  'employment-outcomes',
  'support-awareness',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

/** The query every report takes: a fiscal year, or a date range; across centers, a prefecture. */
export interface ReportQuery {
  readonly fiscal_year?: string;
  readonly from?: string;
  readonly to?: string;
  readonly prefecture_code?: string;
}

export const FILE_TYPES = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
export type FileFormat = keyof typeof FILE_TYPES;

// The spec lists JSON, CSV and Excel for the same 200, so the generated type of a body is
// their union; these calls ask for JSON and get JSON.
const JSON_ONLY = { Accept: 'application/json' } as const;

export async function getReferralLevels(query: ReportQuery): Promise<ReferralLevelsReport> {
  return (await call(api.GET('/api/v1/reports/referral-levels', { params: { query }, headers: JSON_ONLY }))).data as ReferralLevelsReport;
}

export async function getCooperationCounts(query: ReportQuery): Promise<CooperationCountsReport> {
  return (await call(api.GET('/api/v1/reports/cooperation-counts', { params: { query }, headers: JSON_ONLY }))).data as CooperationCountsReport;
}

export async function getConsultationsReport(query: ReportQuery): Promise<ConsultationsReport> {
  return (await call(api.GET('/api/v1/reports/consultations', { params: { query }, headers: JSON_ONLY }))).data as ConsultationsReport;
}

export async function getEmploymentOutcomes(query: ReportQuery): Promise<EmploymentOutcomesReport> {
  return (await call(api.GET('/api/v1/reports/employment-outcomes', { params: { query }, headers: JSON_ONLY }))).data as EmploymentOutcomesReport;
}

export async function getSupportAwareness(query: ReportQuery): Promise<SupportAwarenessReport> {
  return (await call(api.GET('/api/v1/reports/support-awareness', { params: { query }, headers: JSON_ONLY }))).data as SupportAwarenessReport;
}

/** A file the server made, with the name it suggested. */
export interface DownloadedFile {
  readonly blob: Blob;
  readonly fileName: string;
}

/**
 * The file name a Content-Disposition header gives (RFC 6266: `filename*=UTF-8''…` wins over
 * `filename="…"`), without any directory part; `fallback` when there is none.
 */
export function fileNameFrom(contentDisposition: string | null, fallback: string): string {
  if (!contentDisposition) return fallback;
  let name: string | null = null;
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(contentDisposition);
  if (extended?.[2]) {
    try {
      name = decodeURIComponent(extended[2].trim());
    } catch {
      name = null;
    }
  }
  if (name === null) {
    const quoted = /filename\s*=\s*"((?:[^"\\]|\\.)*)"/i.exec(contentDisposition);
    const bare = /filename\s*=\s*([^;"\s]+)/i.exec(contentDisposition);
    name = quoted?.[1]?.replace(/\\(.)/g, '$1') ?? bare?.[1] ?? null;
  }
  const base = name?.split(/[\\/]/).pop()?.trim() ?? '';
  return base === '' || base === '.' || base === '..' ? fallback : base;
}

/** The name the server would give, for when its header cannot be read (another origin). */
export function fallbackFileName(stem: ReportName | 'annual', query: ReportQuery, format: FileFormat): string {
  const period = query.fiscal_year ?? `${query.from ?? ''}-${query.to ?? ''}`;
  return `${stem}-${period}.${format}`;
}

export async function asFile(
  request: Promise<{ data?: Blob; error?: unknown; response: Response }>,
  fallback: string,
): Promise<DownloadedFile> {
  const { data, response } = await call(request);
  return { blob: data, fileName: fileNameFrom(response.headers.get('Content-Disposition'), fallback) };
}

/**
 * One report as a CSV (UTF-8 with a byte-order mark, so Excel reads the Japanese) or an
 * Excel file. Fetched with the bearer token like every other call: a plain link could not
 * carry it, since tokens live in memory only.
 */
export function downloadReport(
  name: ReportName,
  format: FileFormat,
  query: ReportQuery,
  client: Client<paths> = api,
): Promise<DownloadedFile> {
  const init = { params: { query }, headers: { Accept: FILE_TYPES[format] }, parseAs: 'blob' as const };
  const fallback = fallbackFileName(name, query, format);
  switch (name) {
    case 'referral-levels':
      return asFile(client.GET('/api/v1/reports/referral-levels', init), fallback);
    case 'cooperation-counts':
      return asFile(client.GET('/api/v1/reports/cooperation-counts', init), fallback);
    case 'consultations':
      return asFile(client.GET('/api/v1/reports/consultations', init), fallback);
    case 'employment-outcomes':
      return asFile(client.GET('/api/v1/reports/employment-outcomes', init), fallback);
    case 'support-awareness':
      return asFile(client.GET('/api/v1/reports/support-awareness', init), fallback);
  }
}

/** The annual workbook: every report of the fiscal year on its own sheet. */
export function downloadAnnualWorkbook(
  fiscalYear: number,
  prefectureCode?: string,
  client: Client<paths> = api,
): Promise<DownloadedFile> {
  const query = { fiscal_year: String(fiscalYear), prefecture_code: prefectureCode };
  return asFile(
    client.GET('/api/v1/reports/annual', {
      params: { query },
      headers: { Accept: FILE_TYPES.xlsx },
      parseAs: 'blob',
    }),
    fallbackFileName('annual', query, 'xlsx'),
  );
}
