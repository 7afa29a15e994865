import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { asProblem, type Problem } from '../api/problem';
import { PageTitle } from '../app/PageTitle';
import { useAuth } from '../auth/AuthProvider';
import { Button } from '../components/Button';
import { ErrorSummary, useFieldErrors } from '../components/ErrorSummary';
import { TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { useI18n } from '../i18n/I18nProvider';

export function SignInPage() {
  const { me, ended, signIn } = useAuth();
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);

  const mutation = useMutation({
    mutationFn: () => signIn(login.trim(), password),
    onSuccess: () => {
      setPassword('');
      void navigate(from, { replace: true });
    },
    onError: (e) => {
      setPassword('');
      setProblem(asProblem(e));
    },
  });

  if (me) return <Navigate to={from} replace />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  return (
    <div className="mx-auto flex w-full max-w-xl flex-col gap-6">
      <PageTitle>{t('auth.signInTitle')}</PageTitle>
      {ended && !problem && (
        <Notice tone={ended === 'signed_out' ? 'success' : 'info'} live="polite" title={t(`auth.ended.${ended}`)} />
      )}
      <ErrorSummary problem={problem} fields={{ login: t('auth.login'), password: t('auth.password') }} />
      <p className="text-std-16N-170">{t('auth.signInLead')}</p>
      <form onSubmit={onSubmit} noValidate className="flex flex-col gap-6">
        <TextField
          name="login"
          label={t('auth.login')}
          required
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          value={login}
          onChange={(e) => setLogin(e.target.value)}
          errors={errorsFor('login')}
        />
        <TextField
          name="password"
          label={t('auth.password')}
          required
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          errors={errorsFor('password')}
        />
        <div>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? t('auth.signingIn') : t('auth.signIn')}
          </Button>
        </div>
      </form>
    </div>
  );
}
