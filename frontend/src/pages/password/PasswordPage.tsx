// パスワードの変更: anyone changes their own password here (from the account menu), and a
// user whose password an administrator set (a new account, or a password reset) is kept
// here after sign-in until they have changed it. The server checks the current password
// and the rules; this form checks only that nothing is empty and the two new ones match.
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { changeOwnPassword } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { useAuth, useMe } from '../../auth/AuthProvider';
import { checkPasswordForm, type PasswordForm } from '../../auth/password';
import { placeAt } from '../../auth/twoFactor';
import { Button } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { TextField } from '../../components/Field';
import { flash } from '../../components/Flash';
import { formClass } from '../../components/FormActions';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';

const EMPTY: PasswordForm = { current_password: '', new_password: '', new_password_confirm: '' };

export function PasswordPage() {
  const { t } = useI18n();
  const me = useMe();
  const { reloadMe } = useAuth();
  const navigate = useNavigate();
  const [values, setValues] = useState<PasswordForm>(EMPTY);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const required = me.must_change_password;
  const set = (k: keyof PasswordForm, v: string) => setValues((old) => ({ ...old, [k]: v }));

  const labels = {
    current_password: t('password.current'),
    new_password: t('password.new'),
    new_password_confirm: t('password.confirm'),
  };

  const change = useMutation({
    mutationFn: async () => {
      await changeOwnPassword(values.current_password, values.new_password);
      // The account is in order now: read it again (and every screen refused before).
      await reloadMe();
    },
    onSuccess: () => {
      setValues(EMPTY);
      void navigate('/', { replace: true, ...flash('passwordChanged') });
    },
    onError: (e) => {
      // Nothing typed stays on screen after a refusal but what is to be corrected.
      const p = placeAt(asProblem(e), 'current_password_incorrect', 'current_password');
      setValues((old) => ({ ...old, current_password: '' }));
      setProblem(p);
    },
  });

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (change.isPending) return;
    const own = checkPasswordForm(values);
    setProblem(own);
    if (!own) change.mutate();
  };

  return (
    <div className="flex max-w-3xl flex-col gap-6">
      <PageTitle>{t('password.title')}</PageTitle>
      {required ? (
        <Notice tone="warning" title={t('password.requiredTitle')}>
          {t('password.requiredBody')}
        </Notice>
      ) : (
        <p className="text-std-16N-170">{t('password.lead')}</p>
      )}
      <ErrorSummary problem={problem} fields={labels} />
      <form onSubmit={onSubmit} noValidate className={formClass}>
        {/* The login, for password managers to file the new password under. */}
        <input type="text" name="username" autoComplete="username" value={me.login} readOnly hidden />
        <TextField
          name="current_password"
          label={labels.current_password}
          hint={required ? t('password.current.hintRequired') : undefined}
          required
          type="password"
          autoComplete="current-password"
          value={values.current_password}
          onChange={(e) => set('current_password', e.target.value)}
          errors={errorsFor('current_password')}
        />
        <TextField
          name="new_password"
          label={labels.new_password}
          hint={t('password.new.hint')}
          required
          type="password"
          autoComplete="new-password"
          value={values.new_password}
          onChange={(e) => set('new_password', e.target.value)}
          errors={errorsFor('new_password')}
        />
        <TextField
          name="new_password_confirm"
          label={labels.new_password_confirm}
          required
          type="password"
          autoComplete="new-password"
          value={values.new_password_confirm}
          onChange={(e) => set('new_password_confirm', e.target.value)}
          errors={errorsFor('new_password_confirm')}
        />
        <p className="text-dns-16N-130 text-solid-gray-700">{t('password.othersSignedOut')}</p>
        <div>
          <Button type="submit" disabled={change.isPending} aria-disabled={change.isPending || undefined}>
            {change.isPending ? t('form.saving') : t('password.submit')}
          </Button>
        </div>
      </form>
    </div>
  );
}
