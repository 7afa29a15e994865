// The supervisor's screens without React: reason badges, action labels, the order of the
// summary's rows and the notifications, and how rates and medians are written.
import { AGENCY_TYPES, QUEUE_REASONS, isQueueReason, type QueueReason } from '../../api/enums';
import type { I18n } from '../../i18n/I18nProvider';

// --- the audit queue --------------------------------------------------------------------

export type ReasonTone = 'urgent' | 'warning' | 'info';

/** How loudly a reason is shown: overdue work in red, corrections in amber, the rest plain. */
export function reasonTone(reason: QueueReason): ReasonTone {
  switch (reason) {
    case 'follow_up_escalated':
    case 'follow_up_overdue':
      return 'urgent';
    case 'follow_up_missing':
    case 'returned':
      return 'warning';
    case 'awaiting_review':
    case 'sample':
      return 'info';
  }
}

export function queueReasonLabel(i: Pick<I18n, 't'>, reason: string): string {
  return isQueueReason(reason) ? i.t(`queueReason.${reason}`) : reason;
}

/** The queue's counts per reason in order of urgency, reasons this version does not know and reasons with none left out. */
export function countByReason(byReason: readonly { reason: string; count: number }[]): { reason: QueueReason; count: number }[] {
  return QUEUE_REASONS.map((reason) => ({
    reason,
    count: byReason.find((c) => c.reason === reason)?.count ?? 0,
  })).filter((c) => c.count > 0);
}

// --- the audit trail ---------------------------------------------------------------------

/**
 * A day of the date inputs (YYYY-MM-DD, Tokyo) as the API's RFC 3339 bounds: `from` at the
 * start of the day, `to` at the start of the next one (the API's `to` is exclusive).
 */
export function dayBounds(from: string, to: string): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  if (/^\d{4}-\d{2}-\d{2}$/.test(from)) out.from = `${from}T00:00:00+09:00`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(to)) {
    const next = new Date(`${to}T00:00:00Z`);
    next.setUTCDate(next.getUTCDate() + 1);
    out.to = `${next.toISOString().slice(0, 10)}T00:00:00+09:00`;
  }
  return out;
}

// --- the summary -------------------------------------------------------------------------

/** 3.5 → "3.5"; whole numbers without decimals; null → null. */
export function formatDays(days: number | null | undefined): string | null {
  if (days === null || days === undefined || !Number.isFinite(days)) return null;
  return Number.isInteger(days) ? String(days) : days.toFixed(1);
}

/** Consultants' rows by name (Japanese collation), unknown ones last. */
export function sortByName<T>(rows: readonly T[], name: (row: T) => string | null): T[] {
  const collator = new Intl.Collator('ja');
  return [...rows].sort((a, b) => {
    const na = name(a);
    const nb = name(b);
    if (na === null || nb === null) return na === nb ? 0 : na === null ? 1 : -1;
    return collator.compare(na, nb);
  });
}

/** Agency types' rows in the survey's order, unknown types last. */
export function sortByAgencyType<T extends { agency_type?: string | null }>(rows: readonly T[]): T[] {
  const rank = (t: string | null | undefined) => {
    const i = (AGENCY_TYPES as readonly string[]).indexOf(t ?? '');
    return i === -1 ? AGENCY_TYPES.length : i;
  };
  return [...rows].sort((a, b) => rank(a.agency_type) - rank(b.agency_type));
}

// --- notifications -----------------------------------------------------------------------

/** Returned referrals first (they wait on the reader), then escalated follow-ups, most overdue first. */
export function sortNotifications<T extends { kind: string; days_overdue?: number | null }>(items: readonly T[]): T[] {
  const rank = (k: string) => (k === 'review_returned' ? 0 : k === 'follow_up_escalated' ? 1 : 2);
  return [...items].sort((a, b) => rank(a.kind) - rank(b.kind) || (b.days_overdue ?? 0) - (a.days_overdue ?? 0));
}
