// One-time links for a referral's agency (機関への確認リンク): the staff's side and the
// agency's page, which needs no sign-in.
import createClient from 'openapi-fetch';
import { API_ORIGIN, api, call, type Schemas } from './client';
import type { paths } from './schema';

export type AgencyLink = Schemas['AgencyLinkDto'];
export type AgencyLinkCreated = Schemas['AgencyLinkCreated'];
export type AgencyPage = Schemas['AgencyPageDto'];
export type AgencyOutcome = Schemas['AgencyOutcome'];

/** The agency's page calls without any token: the link's token is its only key. */
const agencyClient = createClient<paths>({ baseUrl: API_ORIGIN });

export const agencyLinkKeys = {
  list: (referralId: string) => ['cases', 'referrals', referralId, 'agency-links'] as const,
  page: (token: string) => ['agency-page', token] as const,
};

export async function listAgencyLinks(referralId: string): Promise<AgencyLink[]> {
  return (await call(api.GET('/api/v1/referrals/{id}/agency-links', { params: { path: { id: referralId } } }))).data
    .items;
}

export async function createAgencyLink(
  referralId: string,
  body: Schemas['CreateAgencyLink'],
  idempotencyKey: string,
): Promise<AgencyLinkCreated> {
  return (
    await call(
      api.POST('/api/v1/referrals/{id}/agency-links', {
        params: { path: { id: referralId } },
        body,
        headers: { 'Idempotency-Key': idempotencyKey },
      }),
    )
  ).data;
}

export async function revokeAgencyLink(referralId: string, linkId: string): Promise<AgencyLink> {
  return (
    await call(
      api.POST('/api/v1/referrals/{id}/agency-links/{link_id}/revoke', {
        params: { path: { id: referralId, link_id: linkId } },
      }),
    )
  ).data;
}

export async function getAgencyPage(token: string): Promise<AgencyPage> {
  return (await call(agencyClient.GET('/api/v1/agency-links/{token}', { params: { path: { token } } }))).data;
}

export async function confirmAgencyLink(token: string, outcome: AgencyOutcome, note: string) {
  const body = note.trim() === '' ? { outcome } : { outcome, note: note.trim() };
  return (
    await call(agencyClient.POST('/api/v1/agency-links/{token}', { params: { path: { token } }, body }))
  ).data;
}
