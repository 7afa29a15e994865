// The signed-in session: the access token held in memory only (never in web storage),
// refreshed by rotation shortly before it expires, and once more when the API answers 401.
// The web app's refresh token is in an HttpOnly cookie the server sets (the page never sees
// it: `refresh_token` is then absent), so a reload or a second tab resumes the session.
//
// Refresh tokens are single use, so two refreshes must never race with the same token:
// every caller of a tab shares one refresh in flight, and tabs take turns (see client.ts).

export interface TokenPair {
  readonly access_token: string;
  /** Absent in the cookie form: the server keeps it in the HttpOnly cookie. */
  readonly refresh_token?: string | null;
  readonly token_type: string;
  /** Lifetime of the access token in seconds. */
  readonly expires_in: number;
}

/** What the refresh call reports: new tokens, a definite refusal, or no answer (network). */
export type RefreshOutcome =
  | { readonly kind: 'ok'; readonly tokens: TokenPair }
  | { readonly kind: 'rejected' }
  | { readonly kind: 'unavailable' };

export type EndReason = 'signed_out' | 'expired' | 'idle';

export interface SessionClock {
  now(): number;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

export const systemClock: SessionClock = {
  now: () => Date.now(),
  setTimer: (fn, ms) => setTimeout(fn, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

interface Held {
  readonly access: string;
  /** Undefined in the cookie form. */
  readonly refresh: string | undefined;
  /** Epoch ms at which the access token stops working. */
  readonly expiresAt: number;
}

/** Refresh this long before expiry: a fifth of the lifetime, at most a minute. */
export function refreshLeadMs(lifetimeMs: number): number {
  return Math.min(60_000, Math.floor(lifetimeMs / 5));
}

/** When the server cannot be reached, try the scheduled refresh again after this long. */
const RETRY_UNAVAILABLE_MS = 15_000;

export class TokenSession {
  private held: Held | null = null;
  private inflight: Promise<boolean> | null = null;
  private timer: unknown = null;
  /** Bumped whenever tokens are replaced or dropped, so late answers can be ignored. */
  private generation = 0;
  private readonly endListeners = new Set<(reason: EndReason) => void>();

  constructor(
    /** Called with the held refresh token, or none in the cookie form. */
    private readonly refreshCall: (refreshToken: string | undefined) => Promise<RefreshOutcome>,
    private readonly clock: SessionClock = systemClock,
  ) {}

  /** Hold a fresh pair (after sign-in) and schedule its refresh. */
  start(tokens: TokenPair): void {
    this.generation += 1;
    this.inflight = null;
    this.store(tokens);
  }

  /**
   * After a reload or in a new tab: take up the session the refresh cookie holds, if any.
   * True when a session is now held.
   */
  async resume(): Promise<boolean> {
    if (this.held) return true;
    const generation = this.generation;
    let outcome: RefreshOutcome;
    try {
      outcome = await this.refreshCall(undefined);
    } catch {
      return false;
    }
    // Signed in meanwhile (the sign-in form was quicker): that session stands.
    if (generation !== this.generation) return this.held !== null;
    if (outcome.kind !== 'ok') return false;
    this.start(outcome.tokens);
    return true;
  }

  get active(): boolean {
    return this.held !== null;
  }

  /** The current access token, possibly about to expire; null when signed out. */
  accessToken(): string | null {
    return this.held?.access ?? null;
  }

  /**
   * An access token good for the next few seconds: refreshes first when the held one is
   * (nearly) expired, e.g. after the machine slept through the scheduled refresh.
   */
  async freshAccessToken(): Promise<string | null> {
    const held = this.held;
    if (!held) return null;
    if (this.clock.now() < held.expiresAt - 5_000) return held.access;
    await this.refresh();
    return this.accessToken();
  }

  /**
   * Rotate the pair now. Concurrent callers share one request. Resolves true when a new
   * pair is held; false when there is no session, the server refused (the session then
   * ends as `expired`) or the server could not be reached.
   */
  refresh(): Promise<boolean> {
    if (this.inflight) return this.inflight;
    const held = this.held;
    if (!held) return Promise.resolve(false);
    const generation = this.generation;
    const run = (async () => {
      let outcome: RefreshOutcome;
      try {
        outcome = await this.refreshCall(held.refresh);
      } catch {
        outcome = { kind: 'unavailable' };
      }
      // Signed out or signed in anew while we waited: this answer is for a dead session.
      if (generation !== this.generation) return this.held !== null;
      switch (outcome.kind) {
        case 'ok':
          this.generation += 1;
          this.store(outcome.tokens);
          return true;
        case 'rejected':
          this.end('expired');
          return false;
        case 'unavailable':
          if (this.clock.now() >= held.expiresAt) {
            this.end('expired');
          } else {
            this.schedule(Math.min(RETRY_UNAVAILABLE_MS, held.expiresAt - this.clock.now()));
          }
          return false;
      }
    })();
    this.inflight = run;
    const clear = () => {
      if (this.inflight === run) this.inflight = null;
    };
    run.then(clear, clear);
    return run;
  }

  /**
   * The API refused `rejectedToken` with 401. If another request already rotated the pair,
   * use the new token; otherwise refresh once. True when the request is worth retrying.
   */
  async recoverFrom401(rejectedToken: string): Promise<boolean> {
    const current = this.accessToken();
    if (current === null) return false;
    if (current !== rejectedToken) return true;
    return this.refresh();
  }

  /** Drop the tokens and tell the listeners why. Safe to call when already ended. */
  end(reason: EndReason): void {
    const wasActive = this.held !== null;
    this.generation += 1;
    this.held = null;
    this.inflight = null;
    this.cancelTimer();
    if (wasActive) for (const l of [...this.endListeners]) l(reason);
  }

  /** Subscribe to the end of the session; returns the unsubscribe function. */
  onEnd(listener: (reason: EndReason) => void): () => void {
    this.endListeners.add(listener);
    return () => this.endListeners.delete(listener);
  }

  private store(tokens: TokenPair): void {
    const lifetimeMs = Math.max(0, tokens.expires_in) * 1000;
    this.held = {
      access: tokens.access_token,
      refresh: tokens.refresh_token ?? undefined,
      expiresAt: this.clock.now() + lifetimeMs,
    };
    this.schedule(Math.max(1_000, lifetimeMs - refreshLeadMs(lifetimeMs)));
  }

  private schedule(delayMs: number): void {
    this.cancelTimer();
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      void this.refresh();
    }, delayMs);
  }

  private cancelTimer(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
  }
}

/** Paths that must never carry the bearer token nor trigger a refresh. */
const PUBLIC_PATH = /\/auth\/(login|refresh)$/;

function withBearer(request: Request, token: string | null): Request {
  if (token === null) return request;
  const headers = new Headers(request.headers);
  headers.set('Authorization', `Bearer ${token}`);
  return new Request(request, { headers });
}

/**
 * A fetch that adds the bearer token, and on a 401 refreshes once and retries the request
 * once. The original request is cloned up front so its body can be sent again.
 */
export function authenticatedFetch(
  session: TokenSession,
  baseFetch: (request: Request) => Promise<Response> = (r) => fetch(r),
): (request: Request) => Promise<Response> {
  return async (request: Request) => {
    if (PUBLIC_PATH.test(new URL(request.url).pathname)) return baseFetch(request);
    const spare = request.clone();
    const token = await session.freshAccessToken();
    const response = await baseFetch(withBearer(request, token));
    if (response.status !== 401 || token === null) return response;
    if (!(await session.recoverFrom401(token))) return response;
    return baseFetch(withBearer(spare, session.accessToken()));
  };
}
