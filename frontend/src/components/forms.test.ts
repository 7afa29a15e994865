import type { FormEvent } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { Problem } from '../api/problem';
import { changedFields, checkNumbers, numberErrors, optionalText, readNumber, reapplyChanges, submitChecked } from './forms';

describe('changedFields', () => {
  it('keeps only what the user changed', () => {
    expect(changedFields({ name: 'A', phone: '1', active: true }, { name: 'B', phone: '1', active: false })).toEqual({
      name: 'B',
      active: false,
    });
    expect(changedFields({ name: 'A' }, { name: 'A' })).toEqual({});
  });

  it('compares lists (checkbox groups) by their items, so an untouched copy is no change', () => {
    expect(changedFields({ topics: ['a', 'b'] }, { topics: ['a', 'b'] })).toEqual({});
    expect(changedFields({ topics: ['a', 'b'] }, { topics: ['a'] })).toEqual({ topics: ['a'] });
    expect(changedFields({ topics: ['a', 'b'] }, { topics: ['b', 'a'] })).toEqual({ topics: ['b', 'a'] });
  });
});

describe('optionalText', () => {
  it('clears empty optional text', () => {
    expect(optionalText('  ')).toBeNull();
    expect(optionalText(' 082-223-8609 ')).toBe('082-223-8609');
  });
});

describe('reapplyChanges', () => {
  it("puts the user's changes on the current version without undoing the other person's", () => {
    const base = { name: 'A', phone: '1', active: true };
    const mine = { name: 'B', phone: '1', active: true };
    const current = { name: 'A', phone: '2', active: true };
    expect(reapplyChanges(base, mine, current)).toEqual({ name: 'B', phone: '2', active: true });
  });

  it("keeps the other person's list when the user did not touch it", () => {
    expect(reapplyChanges({ topics: ['a'], notes: '' }, { topics: ['a'], notes: 'x' }, { topics: ['a', 'b'], notes: '' })).toEqual({
      topics: ['a', 'b'],
      notes: 'x',
    });
  });

  it('lets the user win where both changed the same field', () => {
    expect(reapplyChanges({ name: 'A' }, { name: 'B' }, { name: 'C' })).toEqual({ name: 'B' });
  });
});

describe('readNumber', () => {
  it('reads full-width digits, minus and point as typed with a Japanese input method', () => {
    expect(readNumber('１２')).toBe(12);
    expect(readNumber('－３')).toBe(-3);
    expect(readNumber('\u22123')).toBe(-3);
    expect(readNumber('１．５')).toBe(1.5);
    expect(readNumber(' 300 ')).toBe(300);
  });

  it('ignores thousands separators, half- or full-width', () => {
    expect(readNumber('1,000')).toBe(1000);
    expect(readNumber('１，０００')).toBe(1000);
  });

  it('is null when empty and NaN for anything that is not a plain decimal number', () => {
    expect(readNumber('')).toBeNull();
    expect(readNumber('　')).toBeNull();
    for (const odd of ['abc', '12人', '1e3', '0x10', '1.2.3', '-', 'Infinity']) expect(readNumber(odd)).toBeNaN();
  });
});

describe('numberErrors and checkNumbers', () => {
  const form = { count: 'abc', hours: '１．５', minutes: '', note: '1.2.3' };

  it('refuse each number field whose text is not a number, and only those', () => {
    expect(numberErrors(form, ['count', 'hours', 'minutes'])).toEqual([{ field: 'count', code: 'not_a_number', message: 'is not a number' }]);
    expect(numberErrors({ count: '1.2.3', hours: '12人' }, ['count', 'hours']).map((e) => e.field)).toEqual(['count', 'hours']);
  });

  it('pass empty fields (whether one is required is the server’s to say) and fields a PATCH leaves out', () => {
    expect(numberErrors({ minutes: '' }, ['minutes'])).toEqual([]);
    expect(numberErrors<typeof form>({ hours: '2' }, ['count', 'hours'])).toEqual([]);
  });

  it('make a 422 problem for the error summary and the fields, or nothing when all numbers read', () => {
    expect(checkNumbers(form, ['count'])).toMatchObject({ status: 422, code: 'validation_failed', errors: [{ field: 'count', code: 'not_a_number' }] });
    expect(checkNumbers(form, ['hours', 'minutes'])).toBeNull();
  });
});

describe('submitChecked', () => {
  const refusal = checkNumbers({ count: 'abc' }, ['count']);

  /** A form's submit with its mutation (pending or not) and its check; answers what happened. */
  function submit(pending: boolean, refused: Problem | null) {
    const event = { preventDefault: vi.fn() };
    const mutate = vi.fn();
    const check = vi.fn(() => refused);
    const setProblem = vi.fn();
    submitChecked({ isPending: pending, mutate }, check, setProblem)(event as unknown as FormEvent);
    return { prevented: event.preventDefault.mock.calls.length, checked: check.mock.calls.length, sent: mutate.mock.calls.length, shown: setProblem.mock.calls };
  }

  it('sends what the check lets through, once, and keeps the browser from submitting the page', () => {
    expect(submit(false, null)).toEqual({ prevented: 1, checked: 1, sent: 1, shown: [] });
  });

  it('shows what the check refuses, as a problem, and sends nothing', () => {
    expect(refusal).not.toBeNull();
    expect(submit(false, refusal)).toEqual({ prevented: 1, checked: 1, sent: 0, shown: [[refusal]] });
  });

  it('sends nothing and shows nothing while a save is on its way, refused or not', () => {
    expect(submit(true, null)).toEqual({ prevented: 1, checked: 0, sent: 0, shown: [] });
    expect(submit(true, refusal)).toEqual({ prevented: 1, checked: 0, sent: 0, shown: [] });
  });

  it('works without an event, as a submit called from code', () => {
    const mutate = vi.fn();
    submitChecked({ isPending: false, mutate }, () => null, vi.fn())();
    expect(mutate).toHaveBeenCalledTimes(1);
  });
});
