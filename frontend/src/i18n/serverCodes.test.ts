// Every code the server can answer with reads in Japanese and in English. The OpenAPI
// document does not list the codes (a problem's `code` and a field error's `code` are plain
// strings there), so they are read from the server's sources: the calls that make an error
// with a literal code. A code made some other way is listed below by hand.
import { describe, expect, it } from 'vitest';
import { en, ja } from './messages';

const sources = import.meta.glob<string>(['../../../crates/{domain,http,store}/src/**/*.rs'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

/** The calls that make an error, and which argument (from 0) is its code. */
const MAKERS: Readonly<Record<string, { arg: number; kind: 'field' | 'problem' }>> = {
  'FieldError::new': { arg: 1, kind: 'field' },
  'DomainError::field': { arg: 1, kind: 'field' },
  'DomainError::rule': { arg: 0, kind: 'problem' },
  'DomainError::forbidden': { arg: 0, kind: 'problem' },
  'DomainError::conflict': { arg: 0, kind: 'problem' },
  'ApiError::new': { arg: 1, kind: 'problem' },
  'ApiError::bad_request': { arg: 0, kind: 'problem' },
  'ApiError::unauthenticated': { arg: 0, kind: 'problem' },
};

/**
 * Codes the server gives that are not a literal at such a call: from a table, a constant or
 * a helper (json.rs, idempotency.rs, problem.rs's statuses, integrations/targets.rs).
 */
const BY_HAND: readonly { kind: 'field' | 'problem'; code: string }[] = [
  { kind: 'field', code: 'required' },
  { kind: 'field', code: 'unknown_field' },
  { kind: 'field', code: 'invalid_type' },
  { kind: 'field', code: 'target_not_allowed' },
  { kind: 'problem', code: 'invalid_body' },
  { kind: 'problem', code: 'validation_failed' },
  { kind: 'problem', code: 'invalid_idempotency_key' },
  { kind: 'problem', code: 'idempotency_key_reused' },
  { kind: 'problem', code: 'idempotency_in_progress' },
  { kind: 'problem', code: 'not_found' },
  { kind: 'problem', code: 'route_not_found' },
  { kind: 'problem', code: 'precondition_failed' },
  { kind: 'problem', code: 'insufficient_scope' },
  { kind: 'problem', code: 'patient_merged' },
  { kind: 'problem', code: 'too_many_attempts' },
  { kind: 'problem', code: 'unavailable' },
  { kind: 'problem', code: 'internal_error' },
  { kind: 'problem', code: 'payload_too_large' },
  { kind: 'problem', code: 'request_timeout' },
];

/** The arguments of the call whose `(` is at `open`, split at its top-level commas. */
function callArguments(text: string, open: number): string[] {
  const args = [''];
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i] ?? '';
    if (inString) {
      args[args.length - 1] += c;
      if (c === '\\') args[args.length - 1] += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if ('([{'.includes(c)) {
      depth++;
      if (depth === 1) continue;
    } else if (')]}'.includes(c)) {
      depth--;
      if (depth === 0) break;
    } else if (c === ',' && depth === 1) {
      args.push('');
      continue;
    }
    args[args.length - 1] += c;
  }
  return args.map((a) => a.trim());
}

/** The codes made in one source file (its unit tests left out: they may make up codes). */
function codesIn(source: string): { kind: 'field' | 'problem'; code: string }[] {
  const text = source.replace(/#\[cfg\(test\)\]\s*mod\s+\w+\s*\{[\s\S]*/, '').replace(/\/\/[^\n]*/g, '');
  const out: { kind: 'field' | 'problem'; code: string }[] = [];
  for (const m of text.matchAll(/\b(FieldError::new|DomainError::(?:field|rule|forbidden|conflict)|ApiError::(?:new|bad_request|unauthenticated))\s*\(/g)) {
    const maker = MAKERS[m[1] ?? ''];
    if (!maker) continue;
    const arg = callArguments(text, (m.index ?? 0) + m[0].length - 1)[maker.arg] ?? '';
    const literal = /^"([a-z][a-z0-9_]*)"$/.exec(arg);
    if (literal?.[1]) out.push({ kind: maker.kind, code: literal[1] });
  }
  // DomainError's variants written out: `Rule { code: "…", … }` and the like.
  for (const m of text.matchAll(/\b(?:Unauthenticated|Forbidden|Conflict|Rule|Gone)\s*\{\s*code:\s*"([a-z][a-z0-9_]*)"/g)) {
    out.push({ kind: 'problem', code: m[1] ?? '' });
  }
  return out;
}

describe('the codes the server gives', () => {
  const found = Object.values(sources).flatMap(codesIn);

  it('are found in its sources', () => {
    // Guards the test itself: if the sources moved or the calls changed shape, it would find
    // nothing and pass. There were 201 codes when this was written.
    expect(Object.keys(sources).length).toBeGreaterThan(100);
    expect(new Set(found.map((c) => `${c.kind} ${c.code}`)).size).toBeGreaterThan(180);
    expect(found).toContainEqual({ kind: 'field', code: 'invalid_week' });
    expect(found).toContainEqual({ kind: 'problem', code: 'reference_changed' });
    expect(found).toContainEqual({ kind: 'problem', code: 'link_gone' });
  });

  it('each read in Japanese and in English', () => {
    const missing = new Set<string>();
    for (const { kind, code } of [...found, ...BY_HAND]) {
      const key = `${kind === 'field' ? 'fieldError' : 'problem'}.${code}`;
      if (!Object.hasOwn(ja, key) || !Object.hasOwn(en, key)) missing.add(key);
    }
    expect([...missing].sort()).toEqual([]);
  });
});

describe('codesIn', () => {
  it('reads the code of each kind of call, over lines, and not from unit tests', () => {
    const rust = `
      fn f() {
        v.push(FieldError::new(format!("{}.x", a), "too_long", "message"));
        return Err(DomainError::rule(
            "plan_not_draft", // a comment, "not_a_code"
            format!("{} is not a draft", id),
        ));
        Err(DomainError::Conflict { code: "slot_taken", detail: String::new() })
        ApiError::new(StatusCode::GONE, "link_gone", "Gone")
        FieldError::new(field, code, "from a variable")
      }
      #[cfg(test)]
      mod tests {
        fn t() { FieldError::new("x", "made_up", "m"); }
      }`;
    expect(codesIn(rust)).toEqual([
      { kind: 'field', code: 'too_long' },
      { kind: 'problem', code: 'plan_not_draft' },
      { kind: 'problem', code: 'link_gone' },
      { kind: 'problem', code: 'slot_taken' },
    ]);
  });
});
