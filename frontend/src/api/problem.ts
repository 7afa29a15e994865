// RFC 9457 problem details as the API sends them, made safe to show.
//
// Every failed call becomes an ApiError holding a Problem, whatever the server (or the
// network) actually returned, so screens have one shape to render.

export interface FieldError {
  /** The request field the error is about, as the form names it (e.g. `prefecture_code`). */
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export interface Problem {
  readonly status: number;
  /** Stable snake_case code, e.g. `invalid_credentials`; `network_error` when nothing answered. */
  readonly code: string;
  readonly title: string;
  readonly detail: string | null;
  readonly type: string | null;
  readonly errors: readonly FieldError[];
  /** Seconds from a Retry-After header (429), when the server sent one. */
  readonly retryAfterSeconds: number | null;
  /** For `patient_merged` (410): the patient record that answers for this one now. */
  readonly mergedInto?: string;
}

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.status} ${problem.code}: ${problem.detail ?? problem.title}`);
    this.name = 'ApiError';
    this.problem = problem;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

/**
 * The form field a server error names. Accepts `name`, `/name` (JSON Pointer) and
 * `body.name`; nested paths keep their dots (`address.city`).
 */
export function normalizeField(field: string): string {
  let f = field.trim();
  if (f.startsWith('/')) f = f.slice(1).replaceAll('/', '.');
  if (f.startsWith('body.')) f = f.slice('body.'.length);
  return f;
}

function parseFieldErrors(value: unknown): FieldError[] {
  if (!Array.isArray(value)) return [];
  const out: FieldError[] = [];
  for (const item of value) {
    if (!isRecord(item)) continue;
    const code = str(item.code) ?? 'invalid';
    out.push({
      field: normalizeField(str(item.field) ?? ''),
      code,
      message: str(item.message) ?? code,
    });
  }
  return out;
}

/** Retry-After as seconds: either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - now) / 1000));
}

function defaultCode(status: number): string {
  switch (status) {
    case 400:
      return 'bad_request';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 412:
      return 'precondition_failed';
    case 422:
      return 'validation_failed';
    case 428:
      return 'precondition_required';
    case 429:
      return 'too_many_attempts';
    default:
      return status >= 500 ? 'server_error' : `http_${status}`;
  }
}

/**
 * Conflicts that are about one field although the server reports them without `errors`:
 * the form shows them next to that field.
 */
const CONFLICT_FIELDS: Readonly<Record<string, string>> = {
  code_taken: 'code',
  login_taken: 'login',
};

/** Build a Problem from whatever came back: a problem+json body, other JSON, text or nothing. */
export function toProblem(status: number, body: unknown, headers?: Headers | null): Problem {
  const b = isRecord(body) ? body : {};
  const bodyStatus = typeof b.status === 'number' ? b.status : null;
  const code = str(b.code) ?? defaultCode(status);
  const detail = str(b.detail);
  let errors = parseFieldErrors(b.errors);
  const conflictField = CONFLICT_FIELDS[code];
  if (errors.length === 0 && conflictField !== undefined) {
    errors = [{ field: conflictField, code, message: detail ?? code }];
  }
  return {
    status: bodyStatus ?? status,
    code,
    title: str(b.title) ?? (typeof body === 'string' && body.length < 200 ? body : `HTTP ${status}`),
    detail,
    type: str(b.type),
    errors,
    retryAfterSeconds: parseRetryAfter(headers?.get('Retry-After') ?? null),
    ...(str(b.merged_into) !== null ? { mergedInto: str(b.merged_into) ?? '' } : {}),
  };
}

/**
 * A refusal the form makes itself before sending, shaped as the server's 422 so that the
 * error summary and the fields show it as they show the server's; null when `errors` is empty.
 */
export function validationProblem(errors: readonly FieldError[]): Problem | null {
  if (errors.length === 0) return null;
  return {
    status: 422,
    code: 'validation_failed',
    title: 'The input is not valid',
    detail: null,
    type: null,
    errors: [...errors],
    retryAfterSeconds: null,
  };
}

/** The Problem for a request that got no answer at all. */
export function networkProblem(cause: unknown): Problem {
  return {
    status: 0,
    code: 'network_error',
    title: 'Network error',
    detail: cause instanceof Error ? cause.message : null,
    type: null,
    errors: [],
    retryAfterSeconds: null,
  };
}

/** Field errors grouped by field; errors naming no field (or `""`) come under `""`. */
export function errorsByField(problem: Problem | null | undefined): ReadonlyMap<string, FieldError[]> {
  const map = new Map<string, FieldError[]>();
  for (const e of problem?.errors ?? []) {
    const list = map.get(e.field);
    if (list) list.push(e);
    else map.set(e.field, [e]);
  }
  return map;
}

/** Field errors whose field is not among `knownFields`: they belong in the form's summary. */
export function unplacedErrors(problem: Problem | null | undefined, knownFields: readonly string[]): FieldError[] {
  const known = new Set(knownFields);
  return (problem?.errors ?? []).filter((e) => !known.has(e.field));
}

export function asProblem(error: unknown): Problem | null {
  return error instanceof ApiError ? error.problem : null;
}
