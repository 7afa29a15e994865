// 二段階認証: enrolment in two-factor sign-in with an authenticator app (TOTP). A user whose
// center requires it is kept here after sign-in until done; anyone else may come here from
// the header. Loaded on first visit, with the QR code library.
import { useMutation } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { confirmTotp, startTotp } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { PageTitle } from '../../app/PageTitle';
import { useAuth, useMe } from '../../auth/AuthProvider';
import { groupSecret, otpauthAccount, placeAt, recoveryCodesText, secondFactorValue } from '../../auth/twoFactor';
import { Button, ButtonLink } from '../../components/Button';
import { ErrorSummary, useFieldErrors } from '../../components/ErrorSummary';
import { CheckboxField, TextField } from '../../components/Field';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';
import { QrCode } from './QrCode';

type Stage =
  | { readonly kind: 'intro' }
  | { readonly kind: 'scan'; readonly secret: string; readonly uri: string }
  | { readonly kind: 'codes'; readonly codes: readonly string[] };

/** Moves focus to a section's heading when it appears, so the step change is announced. */
function useFocusOnMount<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  useEffect(() => ref.current?.focus(), []);
  return ref;
}

export function TwoFactorPage() {
  const { t } = useI18n();
  const me = useMe();
  const [stage, setStage] = useState<Stage>({ kind: 'intro' });

  return (
    <div className="flex max-w-3xl flex-col gap-6">
      <PageTitle>{t('twoFactor.title')}</PageTitle>
      {stage.kind === 'intro' &&
        (me.totp_enabled ? (
          <Enabled />
        ) : (
          <Intro required={me.totp_required} onStarted={(secret, uri) => setStage({ kind: 'scan', secret, uri })} />
        ))}
      {stage.kind === 'scan' && (
        <Scan
          secret={stage.secret}
          uri={stage.uri}
          login={me.login}
          onConfirmed={(codes) => setStage({ kind: 'codes', codes })}
        />
      )}
      {stage.kind === 'codes' && <RecoveryCodes codes={stage.codes} login={me.login} />}
    </div>
  );
}

function Enabled() {
  const { t } = useI18n();
  return (
    <>
      <Notice tone="success" title={t('twoFactor.enabled')}>
        {t('twoFactor.enabledBody')}
      </Notice>
      <div>
        <ButtonLink to="/" variant="outline">
          {t('twoFactor.toHome')}
        </ButtonLink>
      </div>
    </>
  );
}

function Intro({ required, onStarted }: { required: boolean; onStarted: (secret: string, uri: string) => void }) {
  const { t } = useI18n();
  const [problem, setProblem] = useState<Problem | null>(null);
  const start = useMutation({
    mutationFn: startTotp,
    onSuccess: (data) => onStarted(data.secret, data.otpauth_uri),
    onError: (e) => setProblem(asProblem(e)),
  });
  return (
    <>
      {required && (
        <Notice tone="warning" title={t('twoFactor.requiredTitle')}>
          {t('twoFactor.requiredBody')}
        </Notice>
      )}
      <ErrorSummary problem={problem} fields={{}} />
      <p className="text-std-16N-170">{t('twoFactor.lead')}</p>
      <ol className="list-decimal pl-6 text-std-16N-170">
        <li>{t('twoFactor.step1')}</li>
        <li>{t('twoFactor.step2')}</li>
        <li>{t('twoFactor.step3')}</li>
      </ol>
      <div>
        <Button onClick={() => start.mutate()} disabled={start.isPending}>
          {start.isPending ? t('common.loading') : t('twoFactor.start')}
        </Button>
      </div>
    </>
  );
}

function Scan({
  secret,
  uri,
  login,
  onConfirmed,
}: {
  secret: string;
  uri: string;
  login: string;
  onConfirmed: (codes: readonly string[]) => void;
}) {
  const { t } = useI18n();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const confirm = useMutation({
    mutationFn: () => confirmTotp(secondFactorValue('code', code)),
    onSuccess: (data) => onConfirmed(data.recovery_codes),
    onError: (e) => {
      setCode('');
      setProblem(placeAt(asProblem(e), 'invalid_totp', 'code'));
    },
  });
  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (!confirm.isPending) confirm.mutate();
  };
  const account = otpauthAccount(uri) ?? login;

  return (
    <>
      <section aria-labelledby="totp-scan" className="flex flex-col gap-4">
        <h2 id="totp-scan" ref={heading} tabIndex={-1} className="text-std-20B-150">
          {t('twoFactor.scanTitle')}
        </h2>
        <p className="text-std-16N-170">{t('twoFactor.scanLead')}</p>
        <QrCode value={uri} label={t('twoFactor.qrAlt', { account })} />
        <p className="text-std-16N-170">{t('twoFactor.manualLead')}</p>
        <dl className="facts gap-x-6 gap-y-2 text-std-16N-170">
          <dt className="font-bold">{t('twoFactor.account')}</dt>
          <dd>{account}</dd>
          <dt className="font-bold">{t('twoFactor.secret')}</dt>
          <dd>
            <code data-testid="totp-secret" className="font-mono text-std-18B-160 tracking-wider break-all">
              {groupSecret(secret)}
            </code>
          </dd>
          <dt className="font-bold">{t('twoFactor.kind')}</dt>
          <dd>{t('twoFactor.kindValue')}</dd>
        </dl>
      </section>
      <section aria-labelledby="totp-confirm" className="flex flex-col gap-4">
        <h2 id="totp-confirm" className="text-std-20B-150">
          {t('twoFactor.confirmTitle')}
        </h2>
        <ErrorSummary problem={problem} fields={{ code: t('twoFactor.code') }} />
        <form onSubmit={onSubmit} noValidate className="flex flex-col gap-6">
          <TextField
            name="code"
            label={t('twoFactor.code')}
            hint={t('twoFactor.code.hint')}
            required
            type="text"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={7}
            autoComplete="one-time-code"
            spellCheck={false}
            className="max-w-48 tracking-widest"
            value={code}
            onChange={(e) => setCode(e.target.value)}
            errors={errorsFor('code')}
          />
          <div>
            <Button type="submit" disabled={confirm.isPending}>
              {confirm.isPending ? t('form.saving') : t('twoFactor.confirm')}
            </Button>
          </div>
        </form>
      </section>
    </>
  );
}

type Status = 'copied' | 'copyFailed' | 'downloaded' | null;

function RecoveryCodes({ codes, login }: { codes: readonly string[]; login: string }) {
  const { t } = useI18n();
  const { reloadMe } = useAuth();
  const navigate = useNavigate();
  const heading = useFocusOnMount<HTMLHeadingElement>();
  const [saved, setSaved] = useState(false);
  const [status, setStatus] = useState<Status>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const errorsFor = useFieldErrors(problem);
  const text = recoveryCodesText(codes, t('twoFactor.fileHeading', { login }));

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus('copied');
    } catch {
      setStatus('copyFailed');
    }
  };

  const download = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = `tsunagu-recovery-codes-${login}.txt`;
    a.rel = 'noopener';
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setStatus('downloaded');
  };

  const proceed = useMutation({
    mutationFn: reloadMe,
    onSuccess: () => void navigate('/', { replace: true }),
    onError: (e) => setProblem(asProblem(e)),
  });

  const onContinue = (e: FormEvent) => {
    e.preventDefault();
    if (!saved) {
      setProblem({
        status: 0,
        code: 'recovery_codes_not_saved',
        title: '',
        detail: null,
        type: null,
        errors: [{ field: 'saved', code: 'recovery_codes_not_saved', message: 'recovery_codes_not_saved' }],
        retryAfterSeconds: null,
      });
      return;
    }
    if (!proceed.isPending) proceed.mutate();
  };

  return (
    <section aria-labelledby="totp-codes" className="flex flex-col gap-4">
      <h2 id="totp-codes" ref={heading} tabIndex={-1} className="text-std-20B-150">
        {t('twoFactor.codesTitle')}
      </h2>
      <Notice tone="success" title={t('twoFactor.done')} />
      <Notice tone="warning" title={t('twoFactor.codesOnce')}>
        {t('twoFactor.codesLead')}
      </Notice>
      <ol data-testid="recovery-codes" className="grid list-decimal gap-x-10 gap-y-1 pl-8 text-std-16N-170 sm:grid-cols-2">
        {codes.map((c) => (
          <li key={c}>
            <code className="font-mono text-std-18B-160 tracking-wider">{c}</code>
          </li>
        ))}
      </ol>
      <div className="flex flex-wrap gap-4">
        <Button variant="outline" onClick={() => void copy()}>
          {t('twoFactor.copy')}
        </Button>
        <Button variant="outline" onClick={download}>
          {t('twoFactor.download')}
        </Button>
      </div>
      <p role="status" className="min-h-6 text-std-16N-170">
        {status === 'copied' && t('twoFactor.copied')}
        {status === 'copyFailed' && t('twoFactor.copyFailed')}
        {status === 'downloaded' && t('twoFactor.downloaded')}
      </p>
      <ErrorSummary problem={problem} fields={{ saved: t('twoFactor.saved') }} id="codes-summary" />
      <form onSubmit={onContinue} noValidate className="flex flex-col gap-6">
        <CheckboxField
          name="saved"
          label={t('twoFactor.saved')}
          checked={saved}
          onChange={(e) => setSaved(e.target.checked)}
          errors={errorsFor('saved')}
        />
        <div>
          <Button type="submit" disabled={proceed.isPending}>
            {t('twoFactor.continue')}
          </Button>
        </div>
      </form>
    </section>
  );
}
