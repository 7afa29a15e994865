// What the 自立支援員's home shows of the support plans, without React: who sees it, which
// scheduled reviews count as "soon", and how a count reads when the list has more pages.
import type { Role } from '../../api/enums';
import { addDays } from '../../lib/datetime';

/** Reviews due within this many days are listed beside the overdue ones. */
export const REVIEW_SOON_DAYS = 30;
/** Rows read per list on the home page; a full page means "at least this many". */
export const HOME_PLAN_LIMIT = 50;

/**
 * Whether the home page shows the plans due: the 自立支援員 always (the server answers
 * `program_not_offered` if the center does not run 小慢), a supervisor where it does.
 */
export function showsPlansDue(role: Role | null, programs: readonly string[]): boolean {
  if (role === 'self_reliance_worker') return true;
  return role === 'supervisor' && programs.includes('shoman');
}

/** The scheduled plans whose review falls within `days` of today (inclusive). */
export function dueWithin<T extends { review_due_on?: string | null }>(plans: readonly T[], today: string, days: number): T[] {
  const last = addDays(today, days);
  return plans.filter((p) => p.review_due_on != null && p.review_due_on >= today && p.review_due_on <= last);
}

/** A count at a glance: "50+" when the API has more pages than the home page read. */
export function countText(count: number, more: boolean): string {
  return more ? `${count}+` : String(count);
}
