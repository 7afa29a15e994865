// パスワードの変更: what the form checks before asking the server (the password rules
// themselves — length, guessability, not the current one — are the server's).
import { validationProblem, type FieldError, type Problem } from '../api/problem';

export interface PasswordForm {
  readonly current_password: string;
  readonly new_password: string;
  /** The new password typed again; never sent. */
  readonly new_password_confirm: string;
}

/**
 * The form's own problems — an empty field, a confirmation that differs — as a problem
 * listing each field, or null when it may be sent. Passwords are compared as typed: a
 * space is part of a passphrase.
 */
export function checkPasswordForm(f: PasswordForm): Problem | null {
  const errors: FieldError[] = [];
  const required = (field: keyof PasswordForm) => errors.push({ field, code: 'required', message: 'required' });
  if (f.current_password === '') required('current_password');
  if (f.new_password === '') required('new_password');
  if (f.new_password_confirm === '') required('new_password_confirm');
  else if (f.new_password !== '' && f.new_password !== f.new_password_confirm) {
    errors.push({ field: 'new_password_confirm', code: 'password_mismatch', message: 'password_mismatch' });
  }
  return validationProblem(errors);
}
