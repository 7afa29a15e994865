import { describe, expect, it } from 'vitest';
import {
  ApiError,
  asProblem,
  errorsByField,
  networkProblem,
  normalizeField,
  parseRetryAfter,
  toProblem,
  unplacedErrors,
} from './problem';

describe('toProblem', () => {
  it('reads an RFC 9457 body with field errors', () => {
    const p = toProblem(422, {
      type: 'https://tsunagu.example/problems/validation',
      title: 'Validation failed',
      status: 422,
      detail: 'The request has 2 invalid fields.',
      code: 'validation_failed',
      errors: [
        { field: 'prefecture_code', code: 'invalid', message: 'must be 01 to 47' },
        { field: '/name', code: 'required', message: 'is required' },
      ],
    });
    expect(p).toMatchObject({
      status: 422,
      code: 'validation_failed',
      title: 'Validation failed',
      detail: 'The request has 2 invalid fields.',
      retryAfterSeconds: null,
    });
    expect(p.errors).toEqual([
      { field: 'prefecture_code', code: 'invalid', message: 'must be 01 to 47' },
      { field: 'name', code: 'required', message: 'is required' },
    ]);
  });

  it('reads the pointer of a merged patient', () => {
    const p = toProblem(410, { code: 'patient_merged', status: 410, merged_into: '0193-a' });
    expect(p.code).toBe('patient_merged');
    expect(p.mergedInto).toBe('0193-a');
    expect(toProblem(410, { code: 'link_gone' }).mergedInto).toBeUndefined();
  });

  it('reads Retry-After on 429', () => {
    const p = toProblem(
      429,
      { status: 429, code: 'too_many_attempts', title: 'Too many attempts' },
      new Headers({ 'Retry-After': '120' }),
    );
    expect(p.code).toBe('too_many_attempts');
    expect(p.retryAfterSeconds).toBe(120);
  });

  it('places uniqueness conflicts on their field', () => {
    const p = toProblem(409, { status: 409, code: 'login_taken', detail: 'this login is already in use' });
    expect(p.errors).toEqual([{ field: 'login', code: 'login_taken', message: 'this login is already in use' }]);
    expect(toProblem(409, { code: 'code_taken' }).errors.map((e) => e.field)).toEqual(['code']);
    expect(toProblem(409, { code: 'already_exists' }).errors).toEqual([]);
  });

  it('survives bodies that are not problems', () => {
    expect(toProblem(502, 'Bad Gateway')).toMatchObject({ status: 502, code: 'server_error', title: 'Bad Gateway' });
    expect(toProblem(404, null)).toMatchObject({ status: 404, code: 'not_found', errors: [] });
    expect(toProblem(412, { errors: 'nonsense' })).toMatchObject({ code: 'precondition_failed', errors: [] });
    expect(toProblem(422, { errors: [null, { message: 'x' }] }).errors).toEqual([
      { field: '', code: 'invalid', message: 'x' },
    ]);
  });

  it('describes an unreachable server', () => {
    expect(networkProblem(new TypeError('Failed to fetch'))).toMatchObject({
      status: 0,
      code: 'network_error',
      detail: 'Failed to fetch',
    });
  });
});

describe('field helpers', () => {
  it('normalizes field names', () => {
    expect(normalizeField('name')).toBe('name');
    expect(normalizeField('/address/city')).toBe('address.city');
    expect(normalizeField('body.login')).toBe('login');
  });

  it('groups errors by field and finds the ones no input shows', () => {
    const p = toProblem(422, {
      errors: [
        { field: 'login', code: 'taken', message: 'already used' },
        { field: 'login', code: 'too_short', message: 'too short' },
        { field: 'center_id', code: 'invalid', message: 'no such center' },
        { field: '', code: 'invalid', message: 'general' },
      ],
    });
    const by = errorsByField(p);
    expect(by.get('login')?.map((e) => e.code)).toEqual(['taken', 'too_short']);
    expect(unplacedErrors(p, ['login']).map((e) => e.field)).toEqual(['center_id', '']);
  });

  it('parses Retry-After dates', () => {
    const now = Date.parse('2026-01-05T00:00:00Z');
    expect(parseRetryAfter('Mon, 05 Jan 2026 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
  });

  it('unwraps ApiError', () => {
    const p = toProblem(403, { code: 'forbidden' });
    expect(asProblem(new ApiError(p))).toBe(p);
    expect(asProblem(new Error('x'))).toBeNull();
  });
});
