// Third-party integration (center administrator): API clients that get tokens with the
// client-credentials grant, and webhook subscriptions with their delivery log.
//
// The answers that carry a secret (a new client, a rotation, a new webhook) are sent
// without an Idempotency-Key on purpose: the server keeps a keyed answer for a day to
// replay it, and a secret must exist nowhere but in that one answer.
import { api, call, versioned, type Schemas, type Versioned } from './client';
import { ApiError, networkProblem, toProblem } from './problem';

export type ApiClient = Schemas['ApiClientDto'];
export type ApiClientWithSecret = Schemas['ApiClientWithSecret'];
export type CreateApiClient = Schemas['CreateApiClient'];
export type UpdateApiClient = Schemas['UpdateApiClient'];
export type Webhook = Schemas['WebhookDto'];
export type WebhookWithSecret = Schemas['WebhookWithSecret'];
export type CreateWebhook = Schemas['CreateWebhook'];
export type UpdateWebhook = Schemas['UpdateWebhook'];
export type Delivery = Schemas['DeliveryDto'];
export type DeliveryAttempt = Schemas['DeliveryAttemptDto'];

const PAGE = 50;

// --- API clients ---------------------------------------------------------------------

export async function listApiClients(cursor?: string) {
  return (await call(api.GET('/api/v1/api-clients', { params: { query: { limit: PAGE, cursor } } }))).data;
}

export async function getApiClient(id: string): Promise<Versioned<ApiClient>> {
  return versioned(await call(api.GET('/api/v1/api-clients/{id}', { params: { path: { id } } })));
}

/** Registers a client; the answer holds its secret, the only time it is ever shown. */
export async function createApiClient(body: CreateApiClient): Promise<ApiClientWithSecret> {
  return (await call(api.POST('/api/v1/api-clients', { body }))).data;
}

export async function updateApiClient(id: string, body: UpdateApiClient, etag: string): Promise<Versioned<ApiClient>> {
  return versioned(
    await call(api.PATCH('/api/v1/api-clients/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

/** A new secret (shown once); the old one keeps working for `overlapSeconds`. */
export async function rotateApiClientSecret(
  id: string,
  overlapSeconds: number,
): Promise<{ client: Versioned<ApiClient>; secret: string }> {
  const answer = await call(
    api.POST('/api/v1/api-clients/{id}/rotate-secret', {
      params: { path: { id } },
      body: { overlap_seconds: overlapSeconds },
    }),
  );
  const { client_secret: secret, ...client } = answer.data;
  return { client: versioned({ data: client, response: answer.response }), secret };
}

export async function revokeApiClient(id: string): Promise<Versioned<ApiClient>> {
  return versioned(await call(api.POST('/api/v1/api-clients/{id}/revoke', { params: { path: { id } } })));
}

// --- webhooks ------------------------------------------------------------------------

export async function listWebhooks(cursor?: string) {
  return (await call(api.GET('/api/v1/webhooks', { params: { query: { limit: PAGE, cursor } } }))).data;
}

export async function getWebhook(id: string): Promise<Versioned<Webhook>> {
  return versioned(await call(api.GET('/api/v1/webhooks/{id}', { params: { path: { id } } })));
}

/** Subscribes a URL; the answer holds the signing secret, the only time it is ever shown. */
export async function createWebhook(body: CreateWebhook): Promise<WebhookWithSecret> {
  return (await call(api.POST('/api/v1/webhooks', { body }))).data;
}

export async function updateWebhook(id: string, body: UpdateWebhook, etag: string): Promise<Versioned<Webhook>> {
  return versioned(
    await call(api.PATCH('/api/v1/webhooks/{id}', { params: { path: { id }, header: { 'If-Match': etag } }, body })),
  );
}

/** Removes a subscription with its pending deliveries and its log (204, no body). */
export async function deleteWebhook(id: string): Promise<void> {
  const result = await api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } }).catch((e: unknown) => {
    throw new ApiError(networkProblem(e));
  });
  const { error, response } = result;
  if (!response.ok) throw new ApiError(toProblem(response.status, error ?? null, response.headers));
}

/** The delivery log, newest first. */
export async function listDeliveries(id: string, cursor?: string) {
  return (
    await call(api.GET('/api/v1/webhooks/{id}/deliveries', { params: { path: { id }, query: { limit: PAGE, cursor } } }))
  ).data;
}
