// The rules of the transition (移行期) list without React: the stages in words and how loudly
// each is shown, and the windows the list offers.
import type { TransitionStage } from '../../api/transition';
import type { MessageKey } from '../../i18n/translate';

export const TRANSITION_STAGES = ['approaching', 'extended', 'over_age'] as const satisfies readonly TransitionStage[];

export function isTransitionStage(v: string): v is TransitionStage {
  return (TRANSITION_STAGES as readonly string[]).includes(v);
}

// Literal keys (not built from the stage) so that the dictionary check sees them used.
const stageKeys: Record<TransitionStage, MessageKey> = {
  approaching: 'transitionStage.approaching',
  extended: 'transitionStage.extended',
  over_age: 'transitionStage.over_age',
};

/** The message key of a stage's label, or null for a stage this version does not know. */
export function stageKey(stage: string): MessageKey | null {
  return isTransitionStage(stage) ? stageKeys[stage] : null;
}

export type StageTone = 'info' | 'warning' | 'urgent';

/**
 * Over 20 and still 小慢 is past the program's age: the move to adult care is due now, so it
 * is shown loudest; 18–19 (extended while treatment continues) is a warning.
 */
export function stageTone(stage: TransitionStage): StageTone {
  switch (stage) {
    case 'approaching':
      return 'info';
    case 'extended':
      return 'warning';
    case 'over_age':
      return 'urgent';
  }
}

/** The windows offered (months until the 18th birthday); the API takes 1 to 60. */
export const WITHIN_MONTHS = [6, 12, 24, 36] as const;
export const DEFAULT_WITHIN_MONTHS = 24;

/** The window of the address's `?months=`: one of those offered, else the default. */
export function parseWithinMonths(value: string | null): number {
  const n = Number(value);
  return (WITHIN_MONTHS as readonly number[]).includes(n) ? n : DEFAULT_WITHIN_MONTHS;
}
