import type { Level } from '../api/enums';
import { useI18n } from '../i18n/I18nProvider';
import { levelDots, levelRank } from '../lib/cases';

/**
 * A referral's level as the four-step badge: ●●○○ and the survey's wording. Screen readers
 * hear "level 2 of 4:" and the wording instead of the dots.
 */
export function LevelBadge({ level, compact = false }: { level: Level; compact?: boolean }) {
  const { t } = useI18n();
  return (
    <span className={'inline-flex items-baseline gap-2 ' + (compact ? 'text-dns-16N-130' : 'text-std-16N-170')}>
      <span aria-hidden="true" className="whitespace-nowrap tracking-[0.1em] text-blue-900" data-level-dots>
        {levelDots(level)}
      </span>
      <span>
        <span className="sr-only">{t('level.step', { rank: levelRank(level) })}</span>
        {t(`level.${level}`)}
      </span>
    </span>
  );
}

const stateTone = {
  due: 'border-blue-900 text-blue-900',
  overdue: 'border-error-1 bg-red-50 text-error-2 font-bold',
  done: 'border-success-2 text-success-2',
  cancelled: 'border-solid-gray-600 bg-solid-gray-50 text-solid-gray-700',
  not_recorded: 'border-dashed border-solid-gray-600 text-solid-gray-700',
} as const;

/** A follow-up's state, overdue ones in red. */
export function FollowUpStateBadge({ state }: { state: keyof typeof stateTone }) {
  const { t } = useI18n();
  return (
    <span className={`inline-block whitespace-nowrap rounded-4 border px-2 text-dns-16N-130 ${stateTone[state]}`}>
      {t(`followUpState.${state}`)}
    </span>
  );
}
