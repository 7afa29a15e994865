import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  authenticatedFetch,
  refreshLeadMs,
  TokenSession,
  type EndReason,
  type RefreshOutcome,
  type TokenPair,
} from './session';

function pair(n: number, expiresIn = 900): TokenPair {
  return { access_token: `a${n}`, refresh_token: `r${n}`, token_type: 'Bearer', expires_in: expiresIn };
}

/** A refresh endpoint with rotation: each refresh token works once. */
function rotatingServer() {
  let issued = 1;
  const live = new Set(['r1']);
  const calls: string[] = [];
  const refreshCall = vi.fn((token: string | undefined): Promise<RefreshOutcome> => {
    if (token === undefined) return Promise.resolve({ kind: 'rejected' });
    calls.push(token);
    if (!live.has(token)) return Promise.resolve({ kind: 'rejected' });
    live.delete(token);
    issued += 1;
    live.add(`r${issued}`);
    return Promise.resolve({ kind: 'ok', tokens: pair(issued) });
  });
  return { refreshCall, calls, live };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(new Date('2026-01-05T00:00:00Z'));
});
afterEach(() => {
  vi.useRealTimers();
});

describe('TokenSession', () => {
  it('refreshes by rotation shortly before the access token expires', async () => {
    const server = rotatingServer();
    const session = new TokenSession(server.refreshCall);
    session.start(pair(1, 900));
    expect(session.accessToken()).toBe('a1');

    // 900 s lifetime, 60 s lead: nothing at 839 s, a refresh at 840 s.
    await vi.advanceTimersByTimeAsync(839_000);
    expect(server.refreshCall).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(server.calls).toEqual(['r1']);
    expect(session.accessToken()).toBe('a2');

    // ...and again for the next pair, with the new refresh token.
    await vi.advanceTimersByTimeAsync(840_000);
    expect(server.calls).toEqual(['r1', 'r2']);
    expect(session.accessToken()).toBe('a3');
  });

  it('resumes the session the refresh cookie holds after a reload, or stays signed out', async () => {
    const cookie = vi.fn((token: string | undefined): Promise<RefreshOutcome> =>
      Promise.resolve(
        token === undefined
          ? { kind: 'ok', tokens: { access_token: 'a9', token_type: 'Bearer', expires_in: 900 } }
          : { kind: 'rejected' },
      ),
    );
    const resumed = new TokenSession(cookie);
    expect(await resumed.resume()).toBe(true);
    expect(resumed.accessToken()).toBe('a9');
    // The next refresh goes by the cookie as well (no token held in the page).
    await vi.advanceTimersByTimeAsync(840_000);
    expect(cookie.mock.calls.map((c) => c[0])).toEqual([undefined, undefined]);

    const none = new TokenSession(() => Promise.resolve({ kind: 'rejected' }));
    expect(await none.resume()).toBe(false);
    expect(none.active).toBe(false);
    const away = new TokenSession(() => Promise.reject(new TypeError('Failed to fetch')));
    expect(await away.resume()).toBe(false);
  });

  it('uses a fifth of short lifetimes as the lead', () => {
    expect(refreshLeadMs(900_000)).toBe(60_000);
    expect(refreshLeadMs(60_000)).toBe(12_000);
  });

  it('shares one refresh between concurrent callers, so a rotated token is never spent twice', async () => {
    const server = rotatingServer();
    const session = new TokenSession(server.refreshCall);
    session.start(pair(1));
    const results = await Promise.all([session.refresh(), session.refresh(), session.recoverFrom401('a1')]);
    expect(results).toEqual([true, true, true]);
    expect(server.calls).toEqual(['r1']);
    expect(session.accessToken()).toBe('a2');
  });

  it('ends the session as expired when the refresh token is refused', async () => {
    const session = new TokenSession(() => Promise.resolve({ kind: 'rejected' }));
    const ended: EndReason[] = [];
    session.onEnd((r) => ended.push(r));
    session.start(pair(1));
    expect(await session.refresh()).toBe(false);
    expect(session.active).toBe(false);
    expect(session.accessToken()).toBeNull();
    expect(ended).toEqual(['expired']);
  });

  it('keeps the session and retries later when the server is unreachable', async () => {
    const refreshCall = vi
      .fn<(t: string | undefined) => Promise<RefreshOutcome>>()
      .mockRejectedValueOnce(new TypeError('Failed to fetch'))
      .mockResolvedValueOnce({ kind: 'ok', tokens: pair(2) });
    const session = new TokenSession(refreshCall);
    session.start(pair(1, 900));
    await vi.advanceTimersByTimeAsync(840_000);
    expect(refreshCall).toHaveBeenCalledTimes(1);
    expect(session.accessToken()).toBe('a1');
    await vi.advanceTimersByTimeAsync(15_000);
    expect(refreshCall).toHaveBeenCalledTimes(2);
    expect(session.accessToken()).toBe('a2');
  });

  it('ignores a refresh answer that arrives after sign-out', async () => {
    let answer: (o: RefreshOutcome) => void = () => undefined;
    const session = new TokenSession(
      () =>
        new Promise<RefreshOutcome>((resolve) => {
          answer = resolve;
        }),
    );
    const ended: EndReason[] = [];
    session.onEnd((r) => ended.push(r));
    session.start(pair(1));
    const pending = session.refresh();
    session.end('signed_out');
    answer({ kind: 'ok', tokens: pair(2) });
    expect(await pending).toBe(false);
    expect(session.accessToken()).toBeNull();
    expect(ended).toEqual(['signed_out']);
  });

  it('refreshes before use when the timer slept past expiry', async () => {
    const server = rotatingServer();
    const session = new TokenSession(server.refreshCall, {
      now: () => Date.now(),
      setTimer: () => 0, // timers never fire, as in a suspended laptop
      clearTimer: () => undefined,
    });
    session.start(pair(1, 900));
    vi.setSystemTime(Date.now() + 901_000);
    expect(await session.freshAccessToken()).toBe('a2');
  });

  it('tells listeners once, and not after unsubscribing', () => {
    const session = new TokenSession(() => Promise.resolve({ kind: 'rejected' }));
    const a = vi.fn();
    const b = vi.fn();
    session.onEnd(a);
    const offB = session.onEnd(b);
    offB();
    session.start(pair(1));
    session.end('idle');
    session.end('idle');
    expect(a).toHaveBeenCalledTimes(1);
    expect(a).toHaveBeenCalledWith('idle');
    expect(b).not.toHaveBeenCalled();
  });
});

describe('authenticatedFetch', () => {
  const base = 'http://tsunagu.test/api/v1';

  /** An API that accepts only the given access token. */
  function api(session: TokenSession, validToken: () => string) {
    const seen: { url: string; auth: string | null; body: string }[] = [];
    const fetchFn = vi.fn(async (req: Request) => {
      seen.push({ url: req.url, auth: req.headers.get('Authorization'), body: await req.text() });
      if (req.headers.get('Authorization') !== `Bearer ${validToken()}`) {
        return new Response(JSON.stringify({ status: 401, code: 'unauthorized' }), { status: 401 });
      }
      return new Response('{"ok":true}', { status: 200 });
    });
    return { fetch: authenticatedFetch(session, fetchFn), seen, fetchFn };
  }

  it('sends the bearer token', async () => {
    const session = new TokenSession(() => Promise.resolve({ kind: 'rejected' }));
    session.start(pair(1));
    const { fetch, seen } = api(session, () => 'a1');
    const res = await fetch(new Request(`${base}/me`));
    expect(res.status).toBe(200);
    expect(seen[0]?.auth).toBe('Bearer a1');
  });

  it('on a 401 refreshes once and replays the request with its body', async () => {
    const server = rotatingServer();
    const session = new TokenSession(server.refreshCall);
    session.start(pair(1));
    // The server already considers a1 dead (e.g. revoked after a restart of the clock).
    const { fetch, seen } = api(session, () => 'a2');
    const res = await fetch(
      new Request(`${base}/centers`, { method: 'POST', body: '{"code":"X"}', headers: { 'Content-Type': 'application/json' } }),
    );
    expect(res.status).toBe(200);
    expect(server.calls).toEqual(['r1']);
    expect(seen.map((s) => [s.auth, s.body])).toEqual([
      ['Bearer a1', '{"code":"X"}'],
      ['Bearer a2', '{"code":"X"}'],
    ]);
  });

  it('does not loop: a second 401 is returned as it is', async () => {
    const server = rotatingServer();
    const session = new TokenSession(server.refreshCall);
    session.start(pair(1));
    const { fetch, fetchFn } = api(session, () => 'never');
    const res = await fetch(new Request(`${base}/me`));
    expect(res.status).toBe(401);
    expect(fetchFn).toHaveBeenCalledTimes(2);
    expect(server.calls).toEqual(['r1']);
  });

  it('ends the session when the refresh after a 401 is refused', async () => {
    const session = new TokenSession(() => Promise.resolve({ kind: 'rejected' }));
    const ended = vi.fn();
    session.onEnd(ended);
    session.start(pair(1));
    const { fetch, fetchFn } = api(session, () => 'other');
    const res = await fetch(new Request(`${base}/me`));
    expect(res.status).toBe(401);
    expect(fetchFn).toHaveBeenCalledTimes(1);
    expect(ended).toHaveBeenCalledWith('expired');
  });

  it('keeps login and refresh free of tokens and of retries', async () => {
    const server = rotatingServer();
    const session = new TokenSession(server.refreshCall);
    session.start(pair(1));
    const { fetch, seen } = api(session, () => 'x');
    const res = await fetch(new Request(`${base}/auth/login`, { method: 'POST', body: '{}' }));
    expect(res.status).toBe(401);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.auth).toBeNull();
    expect(server.calls).toEqual([]);
  });
});
