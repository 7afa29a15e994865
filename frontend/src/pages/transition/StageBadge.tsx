import { useI18n } from '../../i18n/I18nProvider';
import { isTransitionStage, stageKey, stageTone, type StageTone } from './transitionModel';

const toneClass: Record<StageTone, string> = {
  info: 'border-blue-900 text-blue-900',
  warning: 'border-warning-yellow-2 bg-yellow-50 text-solid-gray-900',
  urgent: 'border-error-1 bg-red-50 text-error-2 font-bold',
};

/** Where a child stands in the transition, in words (colour only adds to them). */
export function StageBadge({ stage }: { stage: string }) {
  const { t } = useI18n();
  const key = stageKey(stage);
  if (key === null || !isTransitionStage(stage)) {
    return <span className="inline-block rounded-4 border px-2 text-dns-16N-130">{stage}</span>;
  }
  return (
    <span
      className={`inline-block whitespace-nowrap rounded-4 border px-2 text-dns-16N-130 ${toneClass[stageTone(stage)]}`}
      data-testid="transition-stage"
      data-stage={stage}
    >
      {t(key)}
    </span>
  );
}
