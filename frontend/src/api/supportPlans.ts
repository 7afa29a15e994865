// 小慢 self-reliance support plans (自立支援計画): the plans, their submitted versions, the
// supervisor's reviews and the actions followed up with the bodies that deliver them.
import { api, call, versioned, type Schemas, type Versioned } from './client';

export type SupportPlan = Schemas['SupportPlanDto'];
export type CreateSupportPlan = Schemas['CreateSupportPlan'];
export type UpdateSupportPlan = Schemas['UpdateSupportPlan'];
export type Goal = Schemas['GoalDto'];
export type GoalKind = Schemas['GoalKind'];
export type PlanState = Schemas['PlanState'];
export type PlanVersion = Schemas['PlanVersionDto'];
export type PlanReview = Schemas['PlanReviewDto'];
export type CreatePlanReview = Schemas['CreatePlanReview'];
export type PlanAction = Schemas['PlanActionDto'];
export type CreatePlanAction = Schemas['CreatePlanAction'];
export type UpdatePlanAction = Schemas['UpdatePlanAction'];
export type ActionState = Schemas['ActionState'];
export type BodyKind = Schemas['BodyKind'];

/** The list's filters, as the API takes them (empty ones left out). */
export interface PlanFilter {
  readonly patient_id?: string;
  readonly state?: PlanState;
  readonly review_due?: 'overdue' | 'scheduled';
  readonly action_overdue?: boolean;
}

export async function listSupportPlans(filter: PlanFilter, cursor?: string, limit = 50) {
  return (await call(api.GET('/api/v1/support-plans', { params: { query: { ...filter, limit, cursor } } }))).data;
}

export async function getSupportPlan(id: string): Promise<Versioned<SupportPlan>> {
  return versioned(await call(api.GET('/api/v1/support-plans/{id}', { params: { path: { id } } })));
}

export async function createSupportPlan(body: CreateSupportPlan, idempotencyKey: string): Promise<SupportPlan> {
  return (await call(api.POST('/api/v1/support-plans', { body, headers: { 'Idempotency-Key': idempotencyKey } }))).data;
}

/** Edits the plan, or submits it for review with `{ state: 'submitted' }`. */
export async function updateSupportPlan(id: string, body: UpdateSupportPlan, etag: string): Promise<Versioned<SupportPlan>> {
  return versioned(
    await call(api.PATCH('/api/v1/support-plans/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

export async function listPlanVersions(id: string): Promise<PlanVersion[]> {
  return (await call(api.GET('/api/v1/support-plans/{id}/versions', { params: { path: { id } } }))).data.items;
}

export async function listPlanReviews(id: string): Promise<PlanReview[]> {
  return (await call(api.GET('/api/v1/support-plans/{id}/reviews', { params: { path: { id } } }))).data.items;
}

export async function createPlanReview(id: string, body: CreatePlanReview): Promise<PlanReview> {
  return (await call(api.POST('/api/v1/support-plans/{id}/reviews', { params: { path: { id } }, body }))).data;
}

export async function listPlanActions(id: string): Promise<PlanAction[]> {
  return (await call(api.GET('/api/v1/support-plans/{id}/actions', { params: { path: { id } } }))).data.items;
}

export async function createPlanAction(id: string, body: CreatePlanAction, idempotencyKey: string): Promise<PlanAction> {
  return (
    await call(
      api.POST('/api/v1/support-plans/{id}/actions', { params: { path: { id } }, body, headers: { 'Idempotency-Key': idempotencyKey } }),
    )
  ).data;
}

/** An action's current version, for the If-Match of its update (the list carries no ETags). */
export async function getPlanAction(id: string, actionId: string): Promise<Versioned<PlanAction>> {
  return versioned(
    await call(api.GET('/api/v1/support-plans/{id}/actions/{action_id}', { params: { path: { id, action_id: actionId } } })),
  );
}

export async function updatePlanAction(
  id: string,
  actionId: string,
  body: UpdatePlanAction,
  etag: string,
): Promise<Versioned<PlanAction>> {
  return versioned(
    await call(
      api.PATCH('/api/v1/support-plans/{id}/actions/{action_id}', {
        params: { path: { id, action_id: actionId }, header: { 'If-Match': etag } },
        body,
      }),
    ),
  );
}
