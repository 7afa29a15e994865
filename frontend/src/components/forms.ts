import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Versioned } from '../api/client';
import { asProblem, validationProblem, type FieldError, type Problem } from '../api/problem';

/** Equal form values: lists (checkbox groups) by their items, in order; the rest as they are. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

/** The fields whose value differs between `base` and `values`. */
export function changedFields<F extends object>(base: F, values: F): Partial<F> {
  const out: Partial<F> = {};
  for (const key of Object.keys(values) as (keyof F)[]) {
    if (!sameValue(values[key], base[key])) out[key] = values[key];
  }
  return out;
}

/**
 * The user's changes (from `base` to `mine`) laid over `current`: what "reapply my input"
 * means after someone else saved in between.
 */
export function reapplyChanges<F extends object>(base: F, mine: F, current: F): F {
  return { ...current, ...changedFields(base, mine) };
}

/**
 * A number typed in a text box, read as people type it in Japan: full-width digits, minus
 * and point (１２, －３, １．５) like their ASCII forms, thousands separators (1,000 / １，０００)
 * and spaces ignored. Null when empty; NaN when it is not a plain decimal number, so that
 * nothing a person typed is quietly read as another number.
 */
export function readNumber(text: string): number | null {
  const s = text.normalize('NFKC').replace(/\u2212/g, '-').replace(/[\s,]/g, '');
  if (s === '') return null;
  return /^-?(\d+(\.\d*)?|\.\d+)$/.test(s) ? Number(s) : Number.NaN;
}

/** The field error of a number field whose text is not a number (see readNumber). */
export const NOT_A_NUMBER = 'not_a_number';

/**
 * The number fields of `values` whose text is not a number, each with a `not_a_number`
 * error. A form checks them before sending, so that what a person typed is never sent as
 * another number (0) or as nothing. Empty fields and fields not in `values` (a PATCH's
 * unchanged ones) pass: whether a number is required is the server's to say.
 */
export function numberErrors<F extends object>(values: Partial<F>, fields: readonly (keyof F & string)[]): FieldError[] {
  return fields
    .filter((field) => {
      const text = values[field];
      return typeof text === 'string' && Number.isNaN(readNumber(text));
    })
    .map((field) => ({ field, code: NOT_A_NUMBER, message: 'is not a number' }));
}

/** The form's own refusal of number fields that are not numbers, or null when they all read. */
export function checkNumbers<F extends object>(values: Partial<F>, fields: readonly (keyof F & string)[]): Problem | null {
  return validationProblem(numberErrors(values, fields));
}

/**
 * The submit handler of a form that refuses some input itself before sending (a number that
 * is not a number, a choice left unmade). Nothing is sent while a save is still on its way
 * (a second submit before the first is answered); what `check` refuses is shown through
 * `setProblem` as the server's 422 would be (error summary and fields), and nothing is sent;
 * otherwise the mutation runs. One handler for every such form, so that none forgets the
 * check or sends twice. `check` reads the values as they are at the submit. Called without
 * an event (a submit from code, as useEditForm's) it does the same, without preventDefault.
 */
export function submitChecked(
  mutation: { readonly isPending: boolean; readonly mutate: () => void },
  check: () => Problem | null,
  setProblem: (problem: Problem) => void,
): (e?: FormEvent) => void {
  return (e) => {
    e?.preventDefault();
    if (mutation.isPending) return;
    const refused = check();
    if (refused) {
      setProblem(refused);
      return;
    }
    mutation.mutate();
  };
}

/** Optional text as the API wants it: trimmed, and null when empty. */
export function optionalText(value: string): string | null {
  const v = value.trim();
  return v === '' ? null : v;
}

export interface EditForm<T, F> {
  /** The version being edited (its ETag goes into If-Match). */
  readonly base: Versioned<T>;
  readonly values: F;
  readonly set: <K extends keyof F>(key: K, value: F[K]) => void;
  /** The problem of the last failed save (not 412), for ErrorSummary and fields. */
  readonly problem: Problem | null;
  /** After a 412: the current server version, until the user decides. */
  readonly conflict: Versioned<T> | null;
  readonly saving: boolean;
  readonly submit: () => void;
  /** Apply the user's changes onto the current version (fields others changed and the user did not are kept). */
  readonly reapply: () => void;
  /** Drop the user's input and show the current version. */
  readonly discard: () => void;
}

/**
 * Edit one record under optimistic concurrency: PATCH only what changed with the ETag it
 * was read at; on 412 fetch the current version and let the user compare and choose.
 */
export function useEditForm<T, F extends object>(options: {
  initial: Versioned<T>;
  toForm: (record: T) => F;
  /** Sends `changes` with If-Match `etag`; resolves to the new version. */
  save: (changes: Partial<F>, etag: string) => Promise<Versioned<T>>;
  /** Reads the current version (after a 412). */
  reload: () => Promise<Versioned<T>>;
  onSaved: (saved: Versioned<T> | null) => void;
  /**
   * What the form refuses before sending, given the changed fields (e.g. checkNumbers):
   * the problem is shown as the server's would be, and nothing is sent.
   */
  check?: (changes: Partial<F>) => Problem | null;
}): EditForm<T, F> {
  const { initial, toForm, save, reload, onSaved, check } = options;
  const [base, setBase] = useState(initial);
  const [values, setValues] = useState(() => toForm(initial.data));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [conflict, setConflict] = useState<Versioned<T> | null>(null);

  const mutation = useMutation({
    mutationFn: async () => {
      const changes = changedFields(toForm(base.data), values);
      if (Object.keys(changes).length === 0) return null;
      return save(changes, base.etag);
    },
    onSuccess: (saved) => {
      setProblem(null);
      onSaved(saved);
    },
    onError: async (error) => {
      const p = asProblem(error);
      if (p?.status === 412) {
        try {
          setConflict(await reload());
          setProblem(null);
          return;
        } catch (e) {
          setProblem(asProblem(e) ?? p);
          return;
        }
      }
      setProblem(p ?? null);
    },
  });

  return {
    base,
    values,
    set: (key, value) => setValues((v) => ({ ...v, [key]: value })),
    problem,
    conflict,
    saving: mutation.isPending,
    submit: submitChecked(mutation, () => check?.(changedFields(toForm(base.data), values)) ?? null, setProblem),
    reapply: () => {
      if (!conflict) return;
      setValues(reapplyChanges(toForm(base.data), values, toForm(conflict.data)));
      setBase(conflict);
      setConflict(null);
    },
    discard: () => {
      if (!conflict) return;
      setBase(conflict);
      setValues(toForm(conflict.data));
      setConflict(null);
    },
  };
}

/** Ctrl+Enter (⌘+Enter on a Mac) submits the form from any field, text areas included. */
export function submitOnCtrlEnter(e: KeyboardEvent<HTMLFormElement>): void {
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    e.currentTarget.requestSubmit();
  }
}
