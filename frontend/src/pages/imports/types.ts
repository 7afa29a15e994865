// TEMPORARY: the Import schemas of the wire contract (issue 19), declared here until the
// server's spec carries them; shaped as the server under way answers (lists paged by
// `cursor`, fields as `{ items }`, a mapping's `defaults`, a duplicate's chosen patient). Once `npm run gen:api` has them, each type below becomes
// `components['schemas'][…]` of the same name and `ImportPaths` goes away (the calls in
// src/api/imports.ts then use the shared `api` client).

export const IMPORT_KINDS = ['patients', 'consultations', 'referrals', 'follow_ups'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];
export const IMPORT_STATES = ['checking', 'checked', 'committing', 'committed', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];
export const IMPORT_ENCODINGS = ['utf-8', 'shift_jis', 'xlsx'] as const;
export type ImportEncoding = (typeof IMPORT_ENCODINGS)[number];
export const DUPLICATE_ACTIONS = ['merge', 'create', 'skip'] as const;
export type DuplicateAction = (typeof DUPLICATE_ACTIONS)[number];
export const PAST_FOLLOW_UPS = ['not_recorded', 'open'] as const;
export type PastFollowUps = (typeof PAST_FOLLOW_UPS)[number];

export type ImportValueKind = 'text' | 'date' | 'date_time' | 'number' | 'code' | 'bool' | 'list';

export interface ImportCode {
  value: string;
  label: string;
  /** Words in a file that mean this code without a value mapping. */
  words: string[];
}

export interface ImportField {
  field: string;
  label: string;
  required: boolean;
  value_kind: ImportValueKind;
  codes: ImportCode[];
  aliases: string[];
}

export interface ImportMapping {
  columns?: { [field: string]: string };
  values?: { [field: string]: { [fileValue: string]: string } };
  /** What an empty cell or a missing column stands for: field → value. */
  defaults?: { [field: string]: string };
}

export interface ImportProgress {
  done: number;
  total: number;
}

export interface ImportCounts {
  rows: number;
  valid: number;
  invalid: number;
  duplicates: number;
  already_imported: number;
  created: number;
  merged: number;
  skipped: number;
}

export interface Import {
  id: string;
  kind: ImportKind;
  state: ImportState;
  file_name: string;
  encoding: ImportEncoding;
  columns: string[];
  mapping: ImportMapping;
  progress: ImportProgress;
  counts: ImportCounts;
  skip_invalid?: boolean;
  failure?: string | null;
  created_by: string;
  created_at: string;
  updated_at: string;
  committed_at?: string | null;
  version: number;
}

export interface ImportList {
  items: Import[];
  next_cursor?: string | null;
}

export interface ImportProblem {
  row: number;
  column?: string | null;
  field?: string | null;
  code: string;
  message: string;
  value?: string | null;
}

export interface ImportFieldList {
  items: ImportField[];
}

export interface ImportProblemList {
  items: ImportProblem[];
  next_cursor?: string | null;
}

export type DuplicateReason = 'same_reading_and_birth_date' | 'same_phone';

export interface ImportCandidate {
  patient_id?: string | null;
  row?: number | null;
  case_number?: string | null;
  name: string;
  reasons: DuplicateReason[];
}

export interface ImportDuplicate {
  row: number;
  name: string;
  kana?: string | null;
  birth_date?: string | null;
  candidates: ImportCandidate[];
  action?: DuplicateAction | null;
  /** With `merge`: the registered patient the row is. */
  patient_id?: string | null;
}

export interface ImportDuplicateList {
  items: ImportDuplicate[];
  next_cursor?: string | null;
}

export interface ImportDecision {
  row: number;
  action: DuplicateAction;
  patient_id?: string | null;
}

export interface UpdateImport {
  mapping?: ImportMapping;
  decisions?: ImportDecision[];
}

export interface CommitImport {
  skip_invalid?: boolean;
}

// The paths in the shape openapi-typescript writes them, so that openapi-fetch types the
// calls exactly as it will once they are generated.
interface Json<T> {
  headers: { [name: string]: unknown };
  content: { 'application/json': T };
}
interface Op<Params, Body, Ok> {
  parameters: Params;
  requestBody: Body;
  responses: { 202: Json<Ok> };
}
interface Get<Params, Ok> {
  parameters: Params;
  requestBody?: never;
  responses: { 200: Json<Ok> };
}
interface NoParams {
  query?: never;
  header?: never;
  path?: never;
  cookie?: never;
}
interface IdPath {
  query?: never;
  header?: never;
  path: { id: string };
  cookie?: never;
}
interface PagePath {
  query?: { limit?: number; cursor?: string };
  header?: never;
  path: { id: string };
  cookie?: never;
}

export interface ImportPaths {
  '/api/v1/imports': {
    parameters: NoParams;
    get: Get<{ query?: { limit?: number; cursor?: string }; header?: never; path?: never; cookie?: never }, ImportList>;
    post: Op<NoParams, { content: { 'multipart/form-data': { file: string; kind: ImportKind; mapping?: string } } }, Import>;
  };
  '/api/v1/imports/fields': {
    parameters: NoParams;
    get: Get<{ query: { kind: ImportKind }; header?: never; path?: never; cookie?: never }, ImportFieldList>;
  };
  '/api/v1/imports/{id}': {
    parameters: NoParams;
    get: Get<IdPath, Import>;
    patch: Op<IdPath, { content: { 'application/json': UpdateImport } }, Import>;
  };
  '/api/v1/imports/{id}/problems': {
    parameters: NoParams;
    get: Get<PagePath, ImportProblemList>;
  };
  '/api/v1/imports/{id}/duplicates': {
    parameters: NoParams;
    get: Get<PagePath, ImportDuplicateList>;
  };
  '/api/v1/imports/{id}/report': {
    parameters: NoParams;
    get: {
      parameters: IdPath;
      requestBody?: never;
      responses: {
        200: {
          headers: { [name: string]: unknown };
          content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': string };
        };
      };
    };
  };
  '/api/v1/imports/{id}/commit': {
    parameters: NoParams;
    post: Op<IdPath, { content: { 'application/json': CommitImport } }, Import>;
  };
}
