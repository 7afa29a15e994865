import { describe, expect, it } from 'vitest';
import { checkPasswordForm } from './password';

const fields = (p: ReturnType<typeof checkPasswordForm>) => p?.errors.map((e) => [e.field, e.code]) ?? [];

describe('checkPasswordForm', () => {
  it('lets a complete, confirmed form through', () => {
    expect(
      checkPasswordForm({
        current_password: 'harbour quince meadow 1987',
        new_password: 'velvet comet harbor 2027',
        new_password_confirm: 'velvet comet harbor 2027',
      }),
    ).toBeNull();
  });

  it('lists every empty field at once', () => {
    expect(fields(checkPasswordForm({ current_password: '', new_password: '', new_password_confirm: '' }))).toEqual([
      ['current_password', 'required'],
      ['new_password', 'required'],
      ['new_password_confirm', 'required'],
    ]);
  });

  it('refuses a confirmation that differs, spaces included', () => {
    const p = checkPasswordForm({
      current_password: 'x',
      new_password: 'velvet comet harbor 2027',
      new_password_confirm: 'velvet comet harbor 2027 ',
    });
    expect(p?.code).toBe('validation_failed');
    expect(fields(p)).toEqual([['new_password_confirm', 'password_mismatch']]);
  });
});
