import { useI18n } from '../../i18n/I18nProvider';
import { isPlanState, stateTone } from './supportPlanModel';

const toneClass = {
  neutral: 'border-solid-gray-600 text-solid-gray-800',
  pending: 'border-blue-900 text-blue-900',
  ok: 'border-success-2 text-success-2',
  attention: 'border-error-1 bg-red-50 text-error-2 font-bold',
} as const;

/** A plan's state in words (下書き, 提出済み, 承認, 差し戻し), never a colour alone. */
export function PlanStateBadge({ state }: { state: string }) {
  const { t } = useI18n();
  if (!isPlanState(state)) return <span className="inline-block rounded-4 border px-2 text-dns-16N-130">{state}</span>;
  return (
    <span
      className={`inline-block whitespace-nowrap rounded-4 border px-2 text-dns-16N-130 ${toneClass[stateTone(state)]}`}
      data-testid="plan-state"
      data-state={state}
    >
      {t(`planState.${state}`)}
    </span>
  );
}
