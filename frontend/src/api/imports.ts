// 台帳の取込 (issue 19): a center's existing records (CSV or Excel) checked in a dry run, then
// written at once. Every call is the center supervisor's; the work runs in the background
// on the server, so the screens poll the import while it is `checking` or `committing`.
import type {
  Import,
  ImportDecision,
  ImportDuplicateList,
  ImportField,
  ImportKind,
  ImportList,
  ImportMapping,
  ImportProblemList,
} from '../pages/imports/types';
import { api, call } from './client';
import { fileNameFrom, FILE_TYPES, type DownloadedFile } from './reports';

export const importKeys = {
  all: ['imports'] as const,
  list: ['imports', 'list'] as const,
  fields: (kind: ImportKind) => ['imports', 'fields', kind] as const,
  one: (id: string) => ['imports', 'one', id] as const,
  problems: (id: string, version: number) => ['imports', 'one', id, 'problems', version] as const,
  duplicates: (id: string, version: number) => ['imports', 'one', id, 'duplicates', version] as const,
};

export async function listImports(cursor?: string): Promise<ImportList> {
  return (await call(api.GET('/api/v1/imports', { params: { query: { cursor, limit: 20 } } }))).data;
}

/** The fields of a kind; a kind the server does not import (yet) has none. */
export async function importFields(kind: ImportKind): Promise<ImportField[]> {
  return (await call(api.GET('/api/v1/import-fields', { params: { query: { kind } } }))).data.items;
}

/**
 * Sends the file as multipart/form-data (the browser writes the boundary); the server
 * answers at once with the import in `checking`.
 */
export async function uploadImport(kind: ImportKind, file: File, mapping?: ImportMapping): Promise<Import> {
  const form = new FormData();
  form.append('kind', kind);
  if (mapping) form.append('mapping', JSON.stringify(mapping));
  form.append('file', file, file.name);
  return (
    await call(
      api.POST('/api/v1/imports', {
        body: form as never,
        bodySerializer: (b: unknown) => b as BodyInit,
      }),
    )
  ).data;
}

export async function getImport(id: string): Promise<Import> {
  return (await call(api.GET('/api/v1/imports/{id}', { params: { path: { id } } }))).data;
}

/** A new mapping or duplicate decisions: the server checks the file again. */
export async function updateImport(id: string, body: { mapping?: ImportMapping; decisions?: ImportDecision[] }): Promise<Import> {
  return (await call(api.PATCH('/api/v1/imports/{id}', { params: { path: { id } }, body }))).data;
}

export async function listImportProblems(id: string, cursor?: string): Promise<ImportProblemList> {
  return (
    await call(api.GET('/api/v1/imports/{id}/problems', { params: { path: { id }, query: { cursor, limit: 50 } } }))
  ).data;
}

export async function listImportDuplicates(id: string, cursor?: string, limit = 50): Promise<ImportDuplicateList> {
  return (
    await call(api.GET('/api/v1/imports/{id}/duplicates', { params: { path: { id }, query: { cursor, limit } } }))
  ).data;
}

/** Every duplicate of the import, for a decision applied to all of them at once. */
export async function allImportDuplicates(id: string): Promise<ImportDuplicateList['items']> {
  const out: ImportDuplicateList['items'] = [];
  let cursor: string | undefined;
  do {
    const page = await listImportDuplicates(id, cursor, 200);
    out.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return out;
}

/** The file's rows with an 「エラー」 column, fetched with the token (a link could not carry it). */
export async function downloadImportReport(id: string, fallback: string): Promise<DownloadedFile> {
  const { data, response } = await call(
    api.GET('/api/v1/imports/{id}/report', {
      params: { path: { id } },
      headers: { Accept: FILE_TYPES.xlsx },
      parseAs: 'blob',
    }),
  );
  return { blob: data, fileName: fileNameFrom(response.headers.get('Content-Disposition'), fallback) };
}

export async function commitImport(id: string, skipInvalid: boolean): Promise<Import> {
  return (
    await call(api.POST('/api/v1/imports/{id}/commit', { params: { path: { id } }, body: { skip_invalid: skipInvalid } }))
  ).data;
}
