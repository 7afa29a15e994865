import type { FieldError, Problem } from '../api/problem';
import type { Lang } from '../lib/datetime';
import { en, ja, type MessageKey, type Messages } from './messages';

export type { Lang, MessageKey };

export const LANGS: readonly Lang[] = ['ja', 'en'];
export const DEFAULT_LANG: Lang = 'ja';

const tables: Record<Lang, Messages> = { ja, en };

export type Params = Readonly<Record<string, string | number>>;

export function isLang(value: unknown): value is Lang {
  return value === 'ja' || value === 'en';
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(ja, key);
}

/** The placeholders named in a message, e.g. ["name", "role"] for "{name}（{role}）". */
export function placeholders(message: string): string[] {
  return [...message.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
}

/** A message in `lang` with its {placeholders} filled; unknown placeholders stay visible. */
export function translate(lang: Lang, key: MessageKey, params?: Params): string {
  const template = tables[lang][key];
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = params[name];
    return v === undefined ? whole : String(v);
  });
}

/** A sentence for a failed call: the translation of its code when we know it, else the server's words. */
export function problemMessage(problem: Problem, lang: Lang): string {
  if (problem.code === 'too_many_attempts' && problem.retryAfterSeconds !== null) {
    return translate(lang, 'problem.too_many_attempts_wait', { seconds: problem.retryAfterSeconds });
  }
  const key = `problem.${problem.code}`;
  if (isMessageKey(key)) return translate(lang, key);
  if (problem.status >= 500) return translate(lang, 'problem.server_error');
  return problem.detail ?? translate(lang, 'problem.unknown', { code: problem.code });
}

/**
 * Fields answered with checkboxes: "required" there means choosing at least one, which
 * the message says (not "enter a value").
 */
const CHOICE_FIELDS: ReadonlySet<string> = new Set(['topics', 'shared_items', 'staff_ids', 'scopes', 'events', 'totp_roles', 'programs']);

/** A sentence for one invalid field: ours for codes we know, else the server's message. */
export function fieldErrorMessage(error: FieldError, lang: Lang): string {
  if (error.code === 'required' && CHOICE_FIELDS.has(error.field)) return translate(lang, 'fieldError.required_choice');
  const key = `fieldError.${error.code}`;
  return isMessageKey(key) ? translate(lang, key) : error.message;
}
