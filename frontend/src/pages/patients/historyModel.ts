// The patient page's summary and history (pure, unit-tested): the history newest first,
// filtered by kind and period and shown a page at a time, so that a patient with hundreds
// of records opens at once; the summary says what is open now.
import type { Consent, TimelineEntry } from '../../api/client';
import type { TimelineKind } from '../../api/enums';
import { consentInForce } from '../../lib/cases';

/** How many history entries show at first, and how many more each "show more" adds. */
export const HISTORY_PAGE = 20;

/** The kinds a user filters by; a kind groups the entries that belong to it. */
export const HISTORY_KINDS = ['consultation', 'referral', 'follow_up', 'consent'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

const GROUPS: Readonly<Record<HistoryKind, readonly TimelineKind[]>> = {
  consultation: ['consultation'],
  // A referral's level changes and the data handed over with it are part of the referral.
  referral: ['referral', 'level_change', 'provision'],
  follow_up: ['follow_up'],
  consent: ['consent'],
};

export function isHistoryKind(v: string): v is HistoryKind {
  return (HISTORY_KINDS as readonly string[]).includes(v);
}

export interface HistoryFilter {
  /** '' for every kind. */
  readonly kind: string;
  /** YYYY-MM-DD or '' (open). */
  readonly from: string;
  readonly to: string;
}

const ISO = /^\d{4}-\d{2}-\d{2}$/;

/** Newest first: by day, then by the moment it was recorded. */
export function newestFirst(items: readonly TimelineEntry[]): TimelineEntry[] {
  return [...items].sort((a, b) => (a.date !== b.date ? (a.date < b.date ? 1 : -1) : a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}

/** The entries of the chosen kind within the period (both ends included; a bound not yet a full date is ignored). */
export function filterHistory(items: readonly TimelineEntry[], f: HistoryFilter): TimelineEntry[] {
  const kinds = isHistoryKind(f.kind) ? GROUPS[f.kind] : null;
  return items.filter(
    (e) =>
      (kinds === null || kinds.includes(e.kind)) &&
      (!ISO.test(f.from) || e.date >= f.from) &&
      (!ISO.test(f.to) || e.date <= f.to),
  );
}

export interface OpenReferral {
  readonly id: string;
  readonly agencyId: string;
  readonly level: string;
  readonly referredOn: string;
  /** The earliest open follow-up's due date, or null (none scheduled). */
  readonly nextDue: string | null;
  readonly overdue: boolean;
}

export interface PatientSummary {
  readonly openReferrals: readonly OpenReferral[];
  /** The latest consent in force today, if any. */
  readonly consent: Consent | null;
  /** The last day someone was in touch: a consultation or a follow-up done, up to today. */
  readonly lastContact: { readonly date: string; readonly kind: 'consultation' | 'follow_up' } | null;
}

export function patientSummary(items: readonly TimelineEntry[], consents: readonly Consent[], today: string): PatientSummary {
  const openFollowUps = items.flatMap((e) =>
    e.follow_up && (e.follow_up.state === 'due' || e.follow_up.state === 'overdue') ? [e.follow_up] : [],
  );
  const openReferrals = items
    .flatMap((e) => (e.referral && e.referral.status === 'open' ? [e.referral] : []))
    .map((r) => {
      const due = openFollowUps.filter((f) => f.referral_id === r.id).sort((a, b) => (a.due_on < b.due_on ? -1 : 1))[0];
      return {
        id: r.id,
        agencyId: r.agency_id,
        level: r.level,
        referredOn: r.referred_on,
        nextDue: due?.due_on ?? null,
        overdue: due?.state === 'overdue',
      };
    })
    .sort((a, b) => (a.referredOn < b.referredOn ? 1 : a.referredOn > b.referredOn ? -1 : 0));
  const consent =
    [...consents].filter((c) => consentInForce(c, today)).sort((a, b) => (a.given_on < b.given_on ? 1 : -1))[0] ?? null;
  let lastContact: PatientSummary['lastContact'] = null;
  for (const e of items) {
    const day =
      e.kind === 'consultation' ? e.date : e.kind === 'follow_up' && e.follow_up?.done_on ? e.follow_up.done_on : null;
    if (day === null || day > today) continue;
    if (lastContact === null || day > lastContact.date) {
      lastContact = { date: day, kind: e.kind === 'consultation' ? 'consultation' : 'follow_up' };
    }
  }
  return { openReferrals, consent, lastContact };
}
