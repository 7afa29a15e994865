// The plan's contents, shared by the create form and the edit form: the situation and
// wishes (状況・希望) and the goals (目標) with their kind (自立・就労・就学・療養・移行期) and,
// once reached, the day (達成日).
import { Button } from '../../components/Button';
import { DateField, SelectField, TextAreaField, TextField } from '../../components/Field';
import { useI18n } from '../../i18n/I18nProvider';
import { GOAL_KINDS, type GoalDraft } from './supportPlanModel';

export interface PlanDraft {
  readonly situation: string;
  readonly wishes: string;
  readonly goals: readonly GoalDraft[];
}

export const EMPTY_GOAL: GoalDraft = { kind: '', text: '', achievedOn: '' };

/** The labels of the error summary; each goal's achieved day links to its field. */
export function planLabels(t: ReturnType<typeof useI18n>['t'], goalCount = 0): Record<string, string> {
  const labels: Record<string, string> = {
    situation: t('plan.situation'),
    wishes: t('plan.wishes'),
    goals: t('plan.goals'),
    patient_id: t('plan.patient'),
  };
  for (let n = 0; n < goalCount; n++) labels[achievedOnField(n)] = t('plan.goalAchievedOnN', { n: n + 1 });
  return labels;
}

/** The API's name of a goal's achieved day, which is also the field's (so the summary links to it). */
function achievedOnField(n: number): string {
  return `goals[${n}].achieved_on`;
}

export function PlanFields({
  value,
  onChange,
  errorsFor,
}: {
  value: PlanDraft;
  onChange: (next: PlanDraft) => void;
  errorsFor: (field: string) => string[];
}) {
  const { t } = useI18n();
  const setGoal = (index: number, goal: GoalDraft) =>
    onChange({ ...value, goals: value.goals.map((g, n) => (n === index ? goal : g)) });
  return (
    <>
      <TextAreaField
        name="situation"
        label={t('plan.situation')}
        hint={t('plan.situationHint')}
        value={value.situation}
        onChange={(e) => onChange({ ...value, situation: e.target.value })}
        errors={errorsFor('situation')}
      />
      <TextAreaField
        name="wishes"
        label={t('plan.wishes')}
        hint={t('plan.wishesHint')}
        value={value.wishes}
        onChange={(e) => onChange({ ...value, wishes: e.target.value })}
        errors={errorsFor('wishes')}
      />
      <fieldset className="flex flex-col gap-4 rounded-8 border border-solid-gray-420 p-4">
        <legend className="px-1 text-std-17B-170">{t('plan.goals')}</legend>
        {errorsFor('goals').length > 0 && (
          <p id="goals" className="text-dns-16N-130 text-error-1">
            {errorsFor('goals').join(' ')}
          </p>
        )}
        {value.goals.map((g, n) => (
          <div key={n} className="flex flex-wrap items-end gap-4" data-testid="goal-row">
            <div className="min-w-48">
              <SelectField
                name={`goal_kind_${n}`}
                label={t('plan.goalKindN', { n: n + 1 })}
                placeholder={t('common.selectPlaceholder')}
                options={GOAL_KINDS.map((k) => ({ value: k, label: t(`goalKind.${k}`) }))}
                value={g.kind}
                onChange={(e) => setGoal(n, { ...g, kind: e.target.value })}
                errors={errorsFor(`goals[${n}].kind`)}
              />
            </div>
            <div className="min-w-72 grow">
              <TextField
                name={`goal_text_${n}`}
                label={t('plan.goalTextN', { n: n + 1 })}
                autoComplete="off"
                value={g.text}
                onChange={(e) => setGoal(n, { ...g, text: e.target.value })}
                errors={errorsFor(`goals[${n}].text`)}
              />
            </div>
            <div className="min-w-48">
              <DateField
                name={achievedOnField(n)}
                label={t('plan.goalAchievedOnN', { n: n + 1 })}
                hint={t('plan.goalAchievedOnHint')}
                value={g.achievedOn ?? ''}
                onChange={(v) => setGoal(n, { ...g, achievedOn: v })}
                errors={errorsFor(achievedOnField(n))}
              />
            </div>
            {value.goals.length > 1 && (
              <Button
                variant="text"
                size="sm"
                onClick={() => onChange({ ...value, goals: value.goals.filter((_, m) => m !== n) })}
              >
                {t('plan.removeGoal', { n: n + 1 })}
              </Button>
            )}
          </div>
        ))}
        <div>
          <Button variant="outline" size="sm" onClick={() => onChange({ ...value, goals: [...value.goals, EMPTY_GOAL] })}>
            {t('plan.addGoal')}
          </Button>
        </div>
      </fieldset>
    </>
  );
}
