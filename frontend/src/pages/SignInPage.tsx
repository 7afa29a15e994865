import { useMutation } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { asProblem, type Problem } from '../api/problem';
import { PageTitle } from '../app/PageTitle';
import { useAuth } from '../auth/AuthProvider';
import { Loading } from '../components/QueryState';
import { placeAt, secondFactorValue, type SecondFactor } from '../auth/twoFactor';
import { Button } from '../components/Button';
import { ErrorSummary, useFieldErrors } from '../components/ErrorSummary';
import { fieldId, TextField } from '../components/Field';
import { Notice } from '../components/Notice';
import { useI18n } from '../i18n/I18nProvider';

/**
 * Sign-in in one or two steps: login and password; then, for an account that signs in with
 * two factors (the server answers `totp_required`), the authenticator app's 6-digit code or
 * a recovery code, sent again with the password (kept in memory for this screen only).
 */
export function SignInPage() {
  const { me, ended, restoring, signIn } = useAuth();
  const { t } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/';
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  /** Null on the first step; which second factor is asked for on the second. */
  const [second, setSecond] = useState<SecondFactor | null>(null);
  const [totp, setTotp] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const totpRef = useRef<HTMLInputElement>(null);

  const mutation = useMutation({
    mutationFn: () =>
      second === null ? signIn(login.trim(), password) : signIn(login.trim(), password, secondFactorValue(second, totp)),
    onSuccess: () => {
      setPassword('');
      setTotp('');
      void navigate(from, { replace: true });
    },
    onError: (e) => {
      const p = asProblem(e);
      if (p?.code === 'totp_required' && second === null) {
        // The password was right: ask for the second factor, without an error.
        setProblem(null);
        setSecond('code');
        setTimeout(() => totpRef.current?.focus(), 0);
        return;
      }
      if (p?.code === 'invalid_totp') {
        setTotp('');
        setProblem(placeAt(p, 'invalid_totp', 'totp'));
        return;
      }
      setPassword('');
      setTotp('');
      setSecond(null);
      setProblem(p);
    },
  });

  if (me) return <Navigate to={from} replace />;
  // A reloaded tab may still hold a session: ask for a password only once it is known not to.
  if (restoring) return <Loading />;

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!mutation.isPending) mutation.mutate();
  };

  const switchTo = (kind: SecondFactor) => {
    setSecond(kind);
    setTotp('');
    setProblem(null);
    setTimeout(() => document.getElementById(fieldId('totp'))?.focus(), 0);
  };

  const startOver = () => {
    setSecond(null);
    setPassword('');
    setTotp('');
    setProblem(null);
  };

  const totpLabel = second === 'recovery' ? t('auth.recoveryCode') : t('auth.totpCode');

  return (
    <div className="mx-auto flex w-full max-w-xl flex-col gap-6">
      <PageTitle>{second === null ? t('auth.signInTitle') : t('auth.secondFactorTitle')}</PageTitle>
      {ended && !problem && second === null && (
        <Notice tone={ended === 'signed_out' ? 'success' : 'info'} live="polite" title={t(`auth.ended.${ended}`)} />
      )}
      <ErrorSummary problem={problem} fields={{ login: t('auth.login'), password: t('auth.password'), totp: totpLabel }} />
      {second === null ? (
        <>
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
        </>
      ) : (
        <>
          <p className="text-std-16N-170" data-testid="second-factor-lead">
            {second === 'code' ? t('auth.totpLead') : t('auth.recoveryLead')}
          </p>
          <form onSubmit={onSubmit} noValidate className="flex flex-col gap-6">
            {second === 'code' ? (
              <TextField
                key="code"
                ref={totpRef}
                name="totp"
                label={totpLabel}
                hint={t('auth.totpCode.hint')}
                required
                type="text"
                inputMode="numeric"
                pattern="[0-9]*"
                maxLength={7}
                autoComplete="one-time-code"
                spellCheck={false}
                className="max-w-48 tracking-widest"
                value={totp}
                onChange={(e) => setTotp(e.target.value)}
                errors={errorsFor('totp')}
              />
            ) : (
              <TextField
                key="recovery"
                name="totp"
                label={totpLabel}
                hint={t('auth.recoveryCode.hint')}
                required
                type="text"
                autoComplete="off"
                autoCapitalize="none"
                spellCheck={false}
                className="max-w-80"
                value={totp}
                onChange={(e) => setTotp(e.target.value)}
                errors={errorsFor('totp')}
              />
            )}
            <div className="flex flex-wrap items-center gap-6">
              <Button type="submit" disabled={mutation.isPending}>
                {mutation.isPending ? t('auth.signingIn') : t('auth.verify')}
              </Button>
              <Button variant="text" size="sm" onClick={startOver}>
                {t('auth.startOver')}
              </Button>
            </div>
          </form>
          <p className="text-std-16N-170">
            <Button variant="text" size="sm" onClick={() => switchTo(second === 'code' ? 'recovery' : 'code')}>
              {second === 'code' ? t('auth.useRecoveryCode') : t('auth.useTotpCode')}
            </Button>
          </p>
        </>
      )}
    </div>
  );
}
