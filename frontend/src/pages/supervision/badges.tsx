import { isQueueReason, isReviewState } from '../../api/enums';
import { useI18n } from '../../i18n/I18nProvider';
import { reasonTone, type ReasonTone } from './supervisionModel';

const reasonClass: Record<ReasonTone, string> = {
  urgent: 'border-error-1 bg-red-50 text-error-2 font-bold',
  warning: 'border-warning-yellow-2 bg-yellow-50 text-solid-gray-900',
  info: 'border-blue-900 text-blue-900',
};

/** Why a referral is in the audit queue: a word, never a colour alone. */
export function ReasonBadge({ reason }: { reason: string }) {
  const { t } = useI18n();
  if (!isQueueReason(reason)) return <span className="inline-block rounded-4 border px-2 text-dns-16N-130">{reason}</span>;
  return (
    <span
      className={`inline-block whitespace-nowrap rounded-4 border px-2 text-dns-16N-130 ${reasonClass[reasonTone(reason)]}`}
      data-reason={reason}
    >
      {t(`queueReason.${reason}`)}
    </span>
  );
}

export function ReasonBadges({ reasons }: { reasons: readonly string[] }) {
  return (
    <ul className="flex flex-wrap gap-1" data-testid="queue-reasons">
      {reasons.map((r) => (
        <li key={r}>
          <ReasonBadge reason={r} />
        </li>
      ))}
    </ul>
  );
}

const stateClass = {
  none: 'border-solid-gray-600 bg-solid-gray-50 text-solid-gray-700',
  pending: 'border-blue-900 text-blue-900',
  approved: 'border-success-2 text-success-2',
  returned: 'border-warning-yellow-2 bg-yellow-50 text-solid-gray-900 font-bold',
} as const;

/** A referral's review state, shown to everyone on the case. */
export function ReviewStateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  if (!isReviewState(state)) return <>{state}</>;
  return (
    <span
      className={`inline-block whitespace-nowrap rounded-4 border px-2 text-dns-16N-130 ${stateClass[state]}`}
      data-testid="review-state"
    >
      {t(`reviewState.${state}`)}
    </span>
  );
}
