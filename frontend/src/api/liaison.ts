// 小慢 liaison (関係機関との連絡調整): contacts with schools, employers and agencies about a
// child, against a plan's action where there is one.
import { api, call, type Schemas } from './client';

export type LiaisonContact = Schemas['LiaisonContactDto'];
export type CreateLiaisonContact = Schemas['CreateLiaisonContact'];
export type LiaisonChannel = Schemas['LiaisonChannel'];

export interface LiaisonFilter {
  readonly patient_id?: string;
  readonly plan_id?: string;
}

export async function listLiaisonContacts(filter: LiaisonFilter, cursor?: string, limit = 50) {
  return (await call(api.GET('/api/v1/liaison-contacts', { params: { query: { ...filter, limit, cursor } } }))).data;
}

export async function createLiaisonContact(body: CreateLiaisonContact, idempotencyKey: string): Promise<LiaisonContact> {
  return (await call(api.POST('/api/v1/liaison-contacts', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}
