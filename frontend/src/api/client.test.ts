import createClient from 'openapi-fetch';
import { describe, expect, it, vi } from 'vitest';
import { authenticatedFetch, TokenSession, type RefreshOutcome } from '../auth/session';
import { call, versioned } from './client';
import { ApiError } from './problem';
import type { paths } from './schema';

const BASE = 'http://tsunagu.test';

function json(status: number, body: unknown, headers: Record<string, string> = {}) {
  const type = status >= 400 ? 'application/problem+json' : 'application/json';
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type, ...headers } });
}

describe('call', () => {
  it('turns a problem+json answer into an ApiError with field errors', async () => {
    const client = createClient<paths>({
      baseUrl: BASE,
      fetch: () =>
        Promise.resolve(
          json(422, {
            type: 'urn:tsunagu:problem:validation_failed',
            title: 'The input is not valid',
            status: 422,
            code: 'validation_failed',
            errors: [{ field: 'name', code: 'required', message: 'must not be empty' }],
          }),
        ),
    });
    const err = await call(
      client.POST('/api/v1/centers', { body: { code: 'x', name: '', prefecture_code: '34', operating_type: 'other' } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).problem).toMatchObject({
      status: 422,
      code: 'validation_failed',
      errors: [{ field: 'name', code: 'required' }],
    });
  });

  it('reports an unreachable server as network_error', async () => {
    const client = createClient<paths>({ baseUrl: BASE, fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    const err = await call(client.GET('/api/v1/me')).catch((e: unknown) => e);
    expect((err as ApiError).problem).toMatchObject({ status: 0, code: 'network_error' });
  });

  it('keeps the ETag of a read', async () => {
    const client = createClient<paths>({
      baseUrl: BASE,
      fetch: () => Promise.resolve(json(200, { id: '1', name: 'A' }, { ETag: '"v3"' })),
    });
    const v = versioned(await call(client.GET('/api/v1/centers/{id}', { params: { path: { id: '1' } } })));
    expect(v.etag).toBe('"v3"');
  });
});

describe('openapi-fetch with the token session', () => {
  it('refreshes once on 401 and replays the POST with its body and new token', async () => {
    const refresh = vi.fn(
      (): Promise<RefreshOutcome> =>
        Promise.resolve({
          kind: 'ok',
          tokens: { access_token: 'fresh', refresh_token: 'r2', token_type: 'Bearer', expires_in: 600 },
        }),
    );
    const session = new TokenSession(refresh);
    session.start({ access_token: 'stale', refresh_token: 'r1', token_type: 'Bearer', expires_in: 600 });
    const seen: string[] = [];
    const server = async (req: Request) => {
      seen.push(`${req.headers.get('Authorization')} ${await req.text()}`);
      return req.headers.get('Authorization') === 'Bearer fresh'
        ? json(201, { id: 'a1', agency_type: 'hello_work', name: 'ハローワーク広島' })
        : json(401, { status: 401, code: 'invalid_token' });
    };
    const client = createClient<paths>({ baseUrl: BASE, fetch: authenticatedFetch(session, server) });
    const { data } = await call(client.POST('/api/v1/agencies', { body: { agency_type: 'hello_work', name: 'ハローワーク広島' } }));
    expect(data.name).toBe('ハローワーク広島');
    expect(refresh).toHaveBeenCalledTimes(1);
    expect(seen).toEqual([
      'Bearer stale {"agency_type":"hello_work","name":"ハローワーク広島"}',
      'Bearer fresh {"agency_type":"hello_work","name":"ハローワーク広島"}',
    ]);
  });
});
