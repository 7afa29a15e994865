// The pure parts of the import wizard: the mapping form built from the server's fields and
// the file's columns and back, the duplicate decisions, the steps and the progress.
import { validationProblem, type Problem } from '../../api/problem';
import type {
  DuplicateAction,
  ImportCandidate,
  ImportDecision,
  ImportDuplicate,
  ImportField,
  ImportMapping,
  ImportProblem,
  ImportState,
  PastFollowUps,
} from './types';

/** One line of a value mapping: a value as written in the file → a Tsunagu code. */
export interface ValueRow {
  /** Stable across edits, for React's list keys and the controls' ids. */
  readonly key: string;
  readonly from: string;
  readonly to: string;
}

export interface MappingForm {
  /** Field → the file's column header; '' leaves the field out. */
  readonly columns: Readonly<Record<string, string>>;
  /** Field (code and list fields only) → its value mapping, in the order shown. */
  readonly values: Readonly<Record<string, readonly ValueRow[]>>;
  /** Field → what an empty cell or a missing column stands for; '' for nothing. */
  readonly defaults: Readonly<Record<string, string>>;
  readonly pastFollowUps: PastFollowUps;
}

/** A mapping as sent: for referrals and follow-ups, also what a past follow-up without outcome becomes. */
export type SentMapping = ImportMapping;

/** Fields whose values are codes: they get a value mapping. */
export function hasCodes(field: ImportField): boolean {
  return (field.value_kind === 'code' || field.value_kind === 'list') && (field.codes?.length ?? 0) > 0;
}

/**
 * Values of the file the last check could not read as a code of the field, with no mapping
 * yet: offered as empty lines of the value mapping, so the user only picks the code.
 */
export function unmappedValues(problems: readonly ImportProblem[], form: Pick<MappingForm, 'values'>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of problems) {
    const value = p.value?.trim();
    if (!p.field || !value) continue;
    const rows = form.values[p.field];
    if (!rows) continue;
    if (rows.some((r) => r.from.trim() === value)) continue;
    const list = (out[p.field] ??= []);
    if (!list.includes(value)) list.push(value);
  }
  return out;
}

let rowSeq = 0;
/** A new value-mapping line. */
export function valueRow(from = '', to = ''): ValueRow {
  rowSeq += 1;
  return { key: `v${rowSeq}`, from, to };
}

/**
 * The form as the server's mapping (the one the last check used) fills it: a column the file
 * does not have is left unchosen, value mappings only for the fields with codes.
 */
export function mappingForm(
  fields: readonly ImportField[],
  imp: { readonly columns: readonly string[]; readonly mapping: SentMapping },
): MappingForm {
  const columns: Record<string, string> = {};
  const values: Record<string, ValueRow[]> = {};
  // Defaults of fields the form does not show are kept and sent back as they were.
  const defaults: Record<string, string> = { ...imp.mapping.defaults };
  for (const f of fields) {
    const column = imp.mapping.columns?.[f.field] ?? '';
    columns[f.field] = imp.columns.includes(column) ? column : '';
    if (hasCodes(f)) {
      const known = new Set(f.codes?.map((c) => c.value));
      values[f.field] = Object.entries(imp.mapping.values?.[f.field] ?? {}).map(([from, to]) =>
        valueRow(from, known.has(to) ? to : ''),
      );
      const d = defaults[f.field];
      if (d !== undefined && !known.has(d)) delete defaults[f.field];
    }
  }
  return { columns, values, defaults, pastFollowUps: imp.mapping.past_follow_ups ?? 'not_recorded' };
}

/** The mapping to send: chosen columns, complete value lines (the last one of a value wins), and the follow-up choice for follow-ups. */
export function toMapping(form: MappingForm, withPastFollowUps: boolean): SentMapping {
  const columns: Record<string, string> = {};
  for (const [field, column] of Object.entries(form.columns)) if (column !== '') columns[field] = column;
  const values: Record<string, Record<string, string>> = {};
  for (const [field, rows] of Object.entries(form.values)) {
    const map: Record<string, string> = {};
    for (const r of rows) if (r.from.trim() !== '' && r.to !== '') map[r.from.trim()] = r.to;
    if (Object.keys(map).length > 0) values[field] = map;
  }
  const defaults: Record<string, string> = {};
  for (const [field, value] of Object.entries(form.defaults)) if (value !== '') defaults[field] = value;
  const out = { columns, values, defaults };
  return withPastFollowUps ? { ...out, past_follow_ups: form.pastFollowUps } : out;
}

/** The control name of a field's column choice: the server names a field's errors `mapping.<field>`. */
export function columnFieldName(field: string): string {
  return `mapping.${field}`;
}

/** The control name of a field's default (`mapping.defaults.<field>`, as the server names its errors). */
export function defaultFieldName(field: string): string {
  return `mapping.defaults.${field}`;
}

/** The name of a field's value mapping (`mapping.values.<field>`, as the server names its errors). */
export function valuesFieldName(field: string): string {
  return `mapping.values.${field}`;
}

/** A required field with no column: said at the field, before anything is sent. */
export const COLUMN_REQUIRED = 'import_column_required';

/** The required fields left without a column or a default, as a problem for the error summary; null when none. */
export function missingColumns(fields: readonly ImportField[], form: MappingForm): Problem | null {
  const missing = fields.filter((f) => f.required && (form.columns[f.field] ?? '') === '' && (form.defaults[f.field] ?? '') === '');
  return validationProblem(missing.map((f) => ({ field: columnFieldName(f.field), code: COLUMN_REQUIRED, message: 'required' })));
}

// --- duplicates -------------------------------------------------------------------------

/** The candidates a row can be merged into: existing patients (an earlier row of the file has no record yet). */
export function mergeTargets(d: Pick<ImportDuplicate, 'candidates'>): ImportCandidate[] {
  return d.candidates.filter((c): c is ImportCandidate & { patient_id: string } => typeof c.patient_id === 'string');
}

/** A row's choice as a radio value: `merge:<patient id>`, `create` or `skip`. */
export type ChoiceValue = string;

export function choiceValue(action: DuplicateAction, patientId?: string | null): ChoiceValue {
  return action === 'merge' ? `merge:${patientId ?? ''}` : action;
}

/** The decision a radio value stands for; null for one that names nothing. */
export function decisionOf(row: number, value: ChoiceValue): ImportDecision | null {
  if (value === 'create' || value === 'skip') return { row, action: value };
  if (value.startsWith('merge:') && value.length > 'merge:'.length) {
    return { row, action: 'merge', patient_id: value.slice('merge:'.length) };
  }
  return null;
}

/** What the server holds for a row (a merge names its patient, else the only candidate), or null if undecided. */
export function savedChoice(d: ImportDuplicate): ChoiceValue | null {
  if (!d.action) return null;
  if (d.action !== 'merge') return d.action;
  const target = d.patient_id ?? mergeTargets(d)[0]?.patient_id;
  return target ? choiceValue('merge', target) : null;
}

/** The choice "all rows: `action`" gives a row; null where it cannot apply (a merge with no existing patient). */
export function bulkChoice(d: ImportDuplicate, action: DuplicateAction): ChoiceValue | null {
  if (action !== 'merge') return action;
  const target = mergeTargets(d)[0];
  return target ? choiceValue('merge', target.patient_id) : null;
}

/** The row's choice on screen: the user's, else the server's. */
export function currentChoice(d: ImportDuplicate, chosen: ReadonlyMap<number, ChoiceValue>): ChoiceValue | null {
  return chosen.get(d.row) ?? savedChoice(d);
}

/** The decisions to send: the rows whose choice differs from what the server holds, by row. */
export function changedDecisions(duplicates: readonly ImportDuplicate[], chosen: ReadonlyMap<number, ChoiceValue>): ImportDecision[] {
  const out: ImportDecision[] = [];
  const seen = new Map(duplicates.map((d) => [d.row, d]));
  for (const [row, value] of chosen) {
    const d = seen.get(row);
    if (d && savedChoice(d) === value) continue;
    const decision = decisionOf(row, value);
    if (decision) out.push(decision);
  }
  return out.sort((a, b) => a.row - b.row);
}

/** How many of the rows shown have no decision, neither on screen nor on the server. */
export function undecided(duplicates: readonly ImportDuplicate[], chosen: ReadonlyMap<number, ChoiceValue>): number {
  return duplicates.filter((d) => currentChoice(d, chosen) === null).length;
}

// --- state, steps, progress -------------------------------------------------------------

/** The server is working on it: poll. */
export function isRunning(state: ImportState): boolean {
  return state === 'checking' || state === 'committing';
}

export const STEPS = ['file', 'mapping', 'check', 'commit'] as const;
export type Step = (typeof STEPS)[number];

/** The step shown for an address's `?step=`: one of the three after the upload, the mapping by default. */
export function stepFrom(param: string | null): Exclude<Step, 'file'> {
  return param === 'check' || param === 'commit' ? param : 'mapping';
}

/** Whole percent done (0–100), or null while the total is not known yet. */
export function percent(progress: { done: number; total: number }): number | null {
  if (progress.total <= 0) return null;
  return Math.min(100, Math.max(0, Math.floor((progress.done * 100) / progress.total)));
}

export type CommitBlocker = 'not_checked' | 'has_errors' | 'duplicates_undecided';

/** What stands between a checked import and its commit, in the order to fix it. */
export function commitBlockers(
  imp: { readonly state: ImportState; readonly counts: { readonly invalid: number } },
  skipInvalid: boolean,
  undecidedDuplicates: number,
): CommitBlocker[] {
  if (imp.state !== 'checked') return ['not_checked'];
  const out: CommitBlocker[] = [];
  if (imp.counts.invalid > 0 && !skipInvalid) out.push('has_errors');
  if (undecidedDuplicates > 0) out.push('duplicates_undecided');
  return out;
}
