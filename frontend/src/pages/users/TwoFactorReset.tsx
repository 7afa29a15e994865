// 二段階認証のリセット on a staff member's page (a lost or replaced phone): after a
// confirmation, their enrolment is removed and their sessions end; at their next sign-in
// they set it up again where their center requires it.
import { useMutation } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import type { User } from '../../api/client';
import { asProblem, type Problem } from '../../api/problem';
import { resetTwoFactor } from '../../api/resources';
import { Button } from '../../components/Button';
import { ConfirmPanel } from '../../components/ConfirmPanel';
import { ErrorSummary } from '../../components/ErrorSummary';
import { Notice } from '../../components/Notice';
import { useI18n } from '../../i18n/I18nProvider';

export function TwoFactorReset({ user, onReset }: { user: User; onReset: () => Promise<void> }) {
  const { t } = useI18n();
  const [confirming, setConfirming] = useState(false);
  const [done, setDone] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const button = useRef<HTMLButtonElement>(null);
  const reset = useMutation({
    mutationFn: () => resetTwoFactor(user.id),
    onSuccess: async () => {
      setConfirming(false);
      setDone(true);
      await onReset();
    },
    onError: (e) => {
      setConfirming(false);
      setProblem(asProblem(e));
    },
  });

  return (
    <section aria-labelledby="two-factor-reset-heading" className="flex max-w-3xl flex-col gap-4 border-t border-solid-gray-420 pt-6">
      <h2 id="two-factor-reset-heading" className="text-std-20B-150">
        {t('twoFactor.title')}
      </h2>
      <p className="text-std-16N-170" data-testid="two-factor-status">
        {user.totp_enabled ? t('user.twoFactorOn') : t('user.twoFactorOff')}
      </p>
      {done && <Notice tone="success" live="polite" title={t('user.twoFactorResetDone', { name: user.display_name })} />}
      <ErrorSummary problem={problem} fields={{}} id="two-factor-reset-summary" />
      <div>
        <Button
          ref={button}
          variant="outline"
          aria-expanded={confirming}
          aria-controls={confirming ? 'two-factor-reset' : undefined}
          onClick={() => {
            setDone(false);
            setProblem(null);
            setConfirming((c) => !c);
          }}
        >
          {t('user.twoFactorReset')}
        </Button>
      </div>
      {confirming && (
        <ConfirmPanel
          id="two-factor-reset"
          title={t('user.twoFactorResetConfirmTitle', { name: user.display_name })}
          confirmLabel={t('user.twoFactorResetConfirm')}
          busy={reset.isPending}
          onConfirm={() => {
            if (!reset.isPending) reset.mutate();
          }}
          onCancel={() => {
            setConfirming(false);
            button.current?.focus();
          }}
        >
          {t('user.twoFactorResetConfirmBody')}
        </ConfirmPanel>
      )}
    </section>
  );
}
