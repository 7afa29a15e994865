// Supervision (管理責任者): the audit queue, reviews of referrals, notifications, the
// follow-up summary and the audit trail with its CSV export and hash-chain check.
import type { Client } from 'openapi-fetch';
import { api, call, type Schemas } from './client';
import { asFile, FILE_TYPES, type DownloadedFile } from './reports';
import type { paths } from './schema';

export type AuditQueue = Schemas['AuditQueueDto'];
export type QueueItem = Schemas['QueueItemDto'];
export type Review = Schemas['ReviewDto'];
export type Notification = Schemas['NotificationDto'];
export type SupervisionSummary = Schemas['SupervisionSummaryDto'];
export type SummaryRow = Schemas['SummaryRowDto'];
export type AuditEvent = Schemas['AuditEventDto'];
export type AuditVerification = Schemas['AuditVerification'];

const JSON_ONLY = { Accept: 'application/json' } as const;

/** The supervisor's filters of the audit queue; empty strings are "any". */
export interface QueueFilters {
  readonly reason?: string;
  readonly level?: string;
  readonly consultant_id?: string;
  readonly agency_type?: string;
  readonly from?: string;
  readonly to?: string;
}

/**
 * A page of the audit queue; `total` counts the whole queue as filtered, `by_reason` every
 * filter but the reason (so each count is what choosing that reason shows).
 */
export async function getAuditQueue(filters: QueueFilters = {}, cursor?: string): Promise<AuditQueue> {
  const query = Object.fromEntries(Object.entries({ ...filters, cursor }).filter(([, v]) => v !== undefined && v !== ''));
  return (await call(api.GET('/api/v1/audit-queue', { params: { query } }))).data;
}

export async function listReviews(referralId: string): Promise<Review[]> {
  return (await call(api.GET('/api/v1/referrals/{id}/reviews', { params: { path: { id: referralId } } }))).data.items;
}

export async function createReview(
  referralId: string,
  body: { decision: 'approved' | 'returned'; comment: string | null },
): Promise<Review> {
  return (await call(api.POST('/api/v1/referrals/{id}/reviews', { params: { path: { id: referralId } }, body }))).data;
}

export async function listNotifications(): Promise<Notification[]> {
  return (await call(api.GET('/api/v1/notifications'))).data.items;
}

/** The summary for a fiscal year (`fiscal_year`) or a range (`from`, `to`). */
export interface SummaryQuery {
  readonly fiscal_year?: string;
  readonly from?: string;
  readonly to?: string;
}

export async function getSupervisionSummary(query: SummaryQuery): Promise<SupervisionSummary> {
  return (await call(api.GET('/api/v1/supervision/summary', { params: { query } }))).data;
}

/** Filters of the audit trail, as the API takes them (empty ones left out). */
export interface AuditFilter {
  readonly patient_id?: string;
  readonly actor_id?: string;
  readonly action?: string;
  /** RFC 3339, inclusive. */
  readonly from?: string;
  /** RFC 3339, exclusive. */
  readonly to?: string;
}

export async function listAuditEvents(filter: AuditFilter, cursor?: string, limit = 50) {
  const data = (
    await call(api.GET('/api/v1/audit-events', { params: { query: { ...filter, limit, cursor } }, headers: JSON_ONLY }))
  ).data;
  // The spec lists JSON and CSV for the same 200; this call asks for JSON.
  return data as Schemas['ListOf_AuditEventDto'];
}

/** Every event the filter matches as CSV (UTF-8 with a byte-order mark), fetched with the bearer token. */
export function downloadAuditEvents(filter: AuditFilter, client: Client<paths> = api): Promise<DownloadedFile> {
  return asFile(
    client.GET('/api/v1/audit-events', {
      params: { query: filter },
      headers: { Accept: FILE_TYPES.csv },
      parseAs: 'blob',
    }),
    'audit-events.csv',
  );
}

export async function verifyAuditEvents(): Promise<AuditVerification> {
  return (await call(api.GET('/api/v1/audit-events/verify'))).data;
}
