// A plan's goals as a list: the kind, the text and, for a goal reached, a ✓ with the day.
import type { Goal } from '../../api/supportPlans';
import { useI18n } from '../../i18n/I18nProvider';
import { isGoalKind } from './supportPlanModel';

/** "✓ 達成 2026年5月1日": the mark is decoration, the words say it. */
export function GoalAchieved({ date }: { date: string }) {
  const i = useI18n();
  return (
    <span className="ml-2 inline-block whitespace-nowrap font-bold text-success-2" data-testid="goal-achieved">
      <span aria-hidden="true">✓ </span>
      {i.t('plan.goalAchieved', { date: i.date(date, { era: false }) })}
    </span>
  );
}

export function GoalList({ goals }: { goals: readonly Goal[] }) {
  const i = useI18n();
  if (goals.length === 0) return <>{i.t('common.none')}</>;
  return (
    <ul className="flex flex-col gap-1">
      {goals.map((g, n) => (
        <li key={n} data-testid="plan-goal">
          {isGoalKind(g.kind) ? i.t(`goalKind.${g.kind}`) : g.kind}：{g.text}
          {g.achieved_on && <GoalAchieved date={g.achieved_on} />}
        </li>
      ))}
    </ul>
  );
}
