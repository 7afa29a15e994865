import { describe, expect, it } from 'vitest';
import type { PlanAction } from '../../api/supportPlans';
import { latestReturnComment, needsOutcome, planAllows, planFilter, readyToSubmit, sortActions, stateTone, toGoalDraft, toGoals } from './supportPlanModel';

describe('planFilter', () => {
  it('asks for every plan by default', () => {
    expect(planFilter('all', '')).toEqual({});
  });
  it('asks for overdue reviews and overdue actions', () => {
    expect(planFilter('review_overdue', '')).toEqual({ review_due: 'overdue' });
    expect(planFilter('review_scheduled', '')).toEqual({ review_due: 'scheduled' });
    expect(planFilter('action_overdue', 'approved')).toEqual({ state: 'approved', action_overdue: true });
  });
  it('ignores a state the API does not know', () => {
    expect(planFilter('all', 'closed')).toEqual({});
  });
});

describe('planAllows', () => {
  const plan = { author_id: 'a' } as const;
  it('lets the author edit and submit a draft, not review it', () => {
    expect(planAllows({ ...plan, state: 'draft' }, 'a', false)).toEqual({ edit: true, submit: true, review: false, ownPlan: false });
  });
  it('freezes a submitted plan and offers the review to a supervisor who did not write it', () => {
    expect(planAllows({ ...plan, state: 'submitted' }, 's', true)).toEqual({
      edit: false,
      submit: false,
      review: true,
      ownPlan: false,
    });
    expect(planAllows({ ...plan, state: 'submitted' }, 's', false).review).toBe(false);
  });
  it('keeps four eyes: a supervisor does not review their own plan', () => {
    expect(planAllows({ author_id: 's', state: 'submitted' }, 's', true)).toMatchObject({ review: false, ownPlan: true });
  });
  it('lets a returned or approved plan be edited into its next revision, not submitted as is', () => {
    expect(planAllows({ ...plan, state: 'returned' }, 'a', false)).toMatchObject({ edit: true, submit: false, review: false });
    expect(planAllows({ ...plan, state: 'approved' }, 'a', false)).toMatchObject({ edit: true, submit: false, review: false });
  });
});

describe('readyToSubmit', () => {
  it('needs the situation or wishes and a goal', () => {
    expect(readyToSubmit({ situation: '通学中', wishes: null, goals: [{ kind: 'schooling', text: '進学' }] })).toBe(true);
    expect(readyToSubmit({ situation: ' ', wishes: null, goals: [{ kind: 'schooling', text: '進学' }] })).toBe(false);
    expect(readyToSubmit({ situation: null, wishes: '就職したい', goals: [] })).toBe(false);
  });
});

describe('toGoals', () => {
  it('drops empty rows and trims the text', () => {
    expect(
      toGoals([
        { kind: 'employment', text: ' 職場体験 ' },
        { kind: '', text: '  ' },
      ]),
    ).toEqual([{ kind: 'employment', text: '職場体験' }]);
  });
  it('keeps a row with text and no kind for the server to name', () => {
    expect(toGoals([{ kind: '', text: '通院' }])).toHaveLength(1);
  });
  it('sends the achieved day of a reached goal, and none for the others', () => {
    expect(
      toGoals([
        { kind: 'transition', text: '成人の診療科に移る', achievedOn: '2026-05-01' },
        { kind: 'employment', text: '職場体験', achievedOn: '' },
      ]),
    ).toStrictEqual([
      { kind: 'transition', text: '成人の診療科に移る', achieved_on: '2026-05-01' },
      { kind: 'employment', text: '職場体験' },
    ]);
  });
  it('keeps a row with only an achieved day for the server to name', () => {
    expect(toGoals([{ kind: '', text: ' ', achievedOn: '2026-05-01' }])).toHaveLength(1);
  });
  it('turns a plan\'s goal into a row and back', () => {
    const goal = { kind: 'schooling' as const, text: '高校に進学する', achieved_on: '2026-04-08' };
    expect(toGoalDraft(goal)).toEqual({ kind: 'schooling', text: '高校に進学する', achievedOn: '2026-04-08' });
    expect(toGoals([toGoalDraft(goal)])).toStrictEqual([goal]);
    expect(toGoalDraft({ kind: 'schooling', text: 'x', achieved_on: null }).achievedOn).toBe('');
  });
});

describe('sortActions', () => {
  const action = (id: string, due_on: string, overdue: boolean) => ({ id, due_on, overdue }) as PlanAction;
  it('puts overdue actions first, then by due day', () => {
    const sorted = sortActions([action('a', '2026-05-01', false), action('b', '2026-06-01', true), action('c', '2026-04-01', false)]);
    expect(sorted.map((a) => a.id)).toEqual(['b', 'c', 'a']);
  });
});

describe('labels and tones', () => {
  it('needs an outcome for every follow-up state, not for open', () => {
    expect(needsOutcome('done')).toBe(true);
    expect(needsOutcome('changed')).toBe(true);
    expect(needsOutcome('open')).toBe(false);
  });
  it('gives each state its tone', () => {
    expect(stateTone('returned')).toBe('attention');
    expect(stateTone('approved')).toBe('ok');
  });
  it('finds the latest return comment', () => {
    expect(
      latestReturnComment([
        { decision: 'returned', comment: '一回目' },
        { decision: 'approved', comment: null },
        { decision: 'returned', comment: '二回目' },
      ]),
    ).toBe('二回目');
    expect(latestReturnComment([])).toBeNull();
  });
});
