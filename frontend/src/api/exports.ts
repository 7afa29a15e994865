// The bulk export of the center's case data (/exports, supervisors): the request is recorded
// and audited, then the file is produced by the server while it is downloaded.
import type { ExportFormat, ExportKind } from './enums';
import { api, call, type Schemas } from './client';
import { asFile, type DownloadedFile } from './reports';

export type Export = Schemas['ExportDto'];

/** Records an export: CSV needs a kind; a workbook and JSON hold every kind without one. */
export async function startExport(format: ExportFormat, kind?: ExportKind): Promise<Export> {
  return (await call(api.POST('/api/v1/exports', { body: kind ? { format, kind } : { format } }))).data;
}

const EXT: Record<ExportFormat, string> = { csv: 'csv', xlsx: 'xlsx', json: 'json' };

/** Records an export and downloads its file (fetched with the bearer token, like every call). */
export async function downloadExport(format: ExportFormat, kind?: ExportKind): Promise<DownloadedFile> {
  const e = await startExport(format, kind);
  return asFile(
    api.GET('/api/v1/exports/{id}/file', { params: { path: { id: e.id } }, parseAs: 'blob' }),
    `tsunagu-export-${kind ?? 'all'}.${EXT[format]}`,
  );
}
