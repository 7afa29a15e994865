// The rules of the support-plan screens, without React: what each state allows, which
// filter asks what of the API, how a goal list is cleaned before it is sent, and which
// actions stand out as overdue. The server decides for real; this only keeps people from
// being offered what they cannot do.
import type { ActionState, BodyKind, Goal, GoalKind, PlanAction, PlanFilter, PlanState, SupportPlan } from '../../api/supportPlans';

export const PLAN_STATES = ['draft', 'submitted', 'approved', 'returned'] as const satisfies readonly PlanState[];
export const GOAL_KINDS = ['independence', 'employment', 'schooling', 'medical_care', 'transition'] as const satisfies readonly GoalKind[];
export const ACTION_STATES = ['open', 'done', 'not_done', 'changed'] as const satisfies readonly ActionState[];
/** The states an action is followed up with (open is where it starts). */
export const FOLLOW_UP_STATES = ['done', 'not_done', 'changed'] as const satisfies readonly ActionState[];
export const BODY_KINDS = [
  'school',
  'employer',
  'hospital',
  'welfare_office',
  'hello_work',
  'other_center',
  'optional_project',
  'other',
] as const satisfies readonly BodyKind[];

export function isPlanState(v: string): v is PlanState {
  return (PLAN_STATES as readonly string[]).includes(v);
}
export function isGoalKind(v: string): v is GoalKind {
  return (GOAL_KINDS as readonly string[]).includes(v);
}
export function isActionState(v: string): v is ActionState {
  return (ACTION_STATES as readonly string[]).includes(v);
}
export function isBodyKind(v: string): v is BodyKind {
  return (BODY_KINDS as readonly string[]).includes(v);
}

/** The list's quick filters. */
export const PLAN_VIEWS = ['all', 'review_overdue', 'review_scheduled', 'action_overdue'] as const;
export type PlanView = (typeof PLAN_VIEWS)[number];

export function isPlanView(v: string): v is PlanView {
  return (PLAN_VIEWS as readonly string[]).includes(v);
}

/** The API's query for a view and a state ('' for any). */
export function planFilter(view: string, state: string): PlanFilter {
  const base: PlanFilter = isPlanState(state) ? { state } : {};
  if (view === 'review_overdue') return { ...base, review_due: 'overdue' };
  if (view === 'review_scheduled') return { ...base, review_due: 'scheduled' };
  if (view === 'action_overdue') return { ...base, action_overdue: true };
  return base;
}

export interface PlanAllows {
  /** Change the situation, wishes and goals (a returned or approved plan starts its next revision). */
  readonly edit: boolean;
  /** Submit for review (the author's draft). */
  readonly submit: boolean;
  /** Approve or return (a supervisor on a colleague's plan; the server also refuses the submitter). */
  readonly review: boolean;
  /** The viewer is a supervisor who wrote it: four eyes, someone else reviews. */
  readonly ownPlan: boolean;
}

/**
 * What the viewer may do with a plan in its state. `supervisor` and `meId` come from the
 * signed-in user; four eyes keeps the author and the submitter from reviewing.
 */
export function planAllows(plan: Pick<SupportPlan, 'state' | 'author_id'>, meId: string, supervisor: boolean): PlanAllows {
  const submitted = plan.state === 'submitted';
  return {
    edit: !submitted,
    submit: plan.state === 'draft',
    review: submitted && supervisor && plan.author_id !== meId,
    ownPlan: submitted && supervisor && plan.author_id === meId,
  };
}

/** Whether a submission has what the server asks for: the situation or the wishes, and a goal. */
export function readyToSubmit(plan: Pick<SupportPlan, 'situation' | 'wishes' | 'goals'>): boolean {
  const said = (plan.situation ?? '').trim() !== '' || (plan.wishes ?? '').trim() !== '';
  return said && plan.goals.some((g) => g.text.trim() !== '');
}

/** A goal row being edited: the kind may still be unchosen; `achievedOn` is '' until reached. */
export interface GoalDraft {
  readonly kind: string;
  readonly text: string;
  readonly achievedOn?: string;
}

/**
 * The goals to send: rows left wholly empty are dropped; a row with text but no kind is kept
 * with its raw kind so that the server names the mistake. A goal's achieved day goes as
 * entered (the server refuses one in the future, naming `goals[i].achieved_on`).
 */
export function toGoals(rows: readonly GoalDraft[]): Goal[] {
  return rows
    .filter((r) => r.kind !== '' || r.text.trim() !== '' || (r.achievedOn ?? '') !== '')
    .map((r) => {
      const goal: Goal = { kind: r.kind as GoalKind, text: r.text.trim() };
      return r.achievedOn ? { ...goal, achieved_on: r.achievedOn } : goal;
    });
}

/** A plan's goal as an editable row. */
export function toGoalDraft(goal: Goal): GoalDraft {
  return { kind: goal.kind, text: goal.text, achievedOn: goal.achieved_on ?? '' };
}

/** Empty text is "not said" (null) for the API. */
export function orNull(text: string): string | null {
  const trimmed = text.trim();
  return trimmed === '' ? null : trimmed;
}

/** Overdue actions first (then by due day), so that what is late is seen first. */
export function sortActions(actions: readonly PlanAction[]): PlanAction[] {
  return [...actions].sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.due_on.localeCompare(b.due_on));
}

/** Whether a follow-up needs the outcome (every follow-up does: done, not done or changed). */
export function needsOutcome(state: string): boolean {
  return (FOLLOW_UP_STATES as readonly string[]).includes(state);
}

/** The badge tone of a plan's state. */
export function stateTone(state: PlanState): 'neutral' | 'pending' | 'ok' | 'attention' {
  switch (state) {
    case 'draft':
      return 'neutral';
    case 'submitted':
      return 'pending';
    case 'approved':
      return 'ok';
    case 'returned':
      return 'attention';
  }
}

/** The latest returned review's comment, what the author is asked to revise. */
export function latestReturnComment(reviews: readonly { decision: string; comment?: string | null }[]): string | null {
  const returned = [...reviews].reverse().find((r) => r.decision === 'returned');
  return returned ? (returned.comment ?? null) : null;
}
