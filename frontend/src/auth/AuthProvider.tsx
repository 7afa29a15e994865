import { useQueryClient } from '@tanstack/react-query';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { fetchMe, loginCall, logoutCall, session, type Me } from '../api/client';
import { isRole, type Role } from '../api/enums';
import { IdleTimer, idleMinutesFrom } from './idle';
import type { EndReason } from './session';

export interface Auth {
  /** The signed-in user, or null. */
  readonly me: Me | null;
  /** The narrowed role of `me` (null when signed out or unknown to this version). */
  readonly role: Role | null;
  /** Why the last session ended, for the sign-in screen to explain. */
  readonly ended: EndReason | null;
  /** True while a reloaded or new tab takes up the session its refresh cookie holds. */
  readonly restoring: boolean;
  /** Seconds left when the idle warning is showing, else null. */
  readonly idleWarning: number | null;
  /**
   * Throws ApiError on refusal (wrong password, too many attempts; `totp_required` when the
   * account signs in with two factors and `totp` was not given, `invalid_totp` when wrong).
   */
  readonly signIn: (login: string, password: string, totp?: string) => Promise<void>;
  /** Read the signed-in user again (after enrolling in two-factor sign-in). */
  readonly reloadMe: () => Promise<void>;
  readonly signOut: () => Promise<void>;
  /** Dismiss the idle warning and keep working. */
  readonly stayActive: () => void;
}

const AuthContext = createContext<Auth | null>(null);

const IDLE_MS = idleMinutesFrom(import.meta.env.VITE_IDLE_MINUTES) * 60_000;
const WARN_MS = Math.min(60_000, Math.floor(IDLE_MS / 4));
const ACTIVITY_EVENTS = ['keydown', 'pointerdown', 'wheel', 'touchstart'] as const;

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [me, setMe] = useState<Me | null>(null);
  const [ended, setEnded] = useState<EndReason | null>(null);
  const [idleWarning, setIdleWarning] = useState<number | null>(null);
  const [restoring, setRestoring] = useState(true);
  const idleRef = useRef<IdleTimer | null>(null);

  // A reload (F5) or a second tab: the session lives on in the HttpOnly refresh cookie, so
  // the user stays signed in (and is not asked for a second factor again).
  useEffect(() => {
    let live = true;
    void (async () => {
      try {
        if (await session.resume()) {
          const who = await fetchMe();
          if (live) {
            setEnded(null);
            setMe(who);
          }
        }
      } catch {
        // Nothing to resume, or the server is away: the sign-in page.
      } finally {
        if (live) setRestoring(false);
      }
    })();
    return () => {
      live = false;
    };
  }, []);

  // However the session ends (sign-out, refused refresh, idle), forget the user and every
  // cached record at once.
  useEffect(
    () =>
      session.onEnd((reason) => {
        setMe(null);
        setEnded(reason);
        setIdleWarning(null);
        queryClient.clear();
      }),
    [queryClient],
  );

  const signIn = useCallback(async (login: string, password: string, totp?: string) => {
    const tokens = await loginCall(login, password, totp);
    session.start(tokens);
    try {
      const who = await fetchMe();
      setEnded(null);
      setMe(who);
    } catch (e) {
      session.end('signed_out');
      throw e;
    }
  }, []);

  const reloadMe = useCallback(async () => {
    const who = await fetchMe();
    // Screens refused before enrolment (403 totp_enrollment_required) read again.
    queryClient.clear();
    setMe(who);
  }, [queryClient]);

  const endWith = useCallback(async (reason: EndReason) => {
    if (!session.active) return;
    // Revoke on the server first; whatever it answers, the tokens are dropped here.
    await logoutCall().catch(() => undefined);
    session.end(reason);
  }, []);

  const signOut = useCallback(() => endWith('signed_out'), [endWith]);

  useEffect(() => {
    if (!me) return;
    const timer = new IdleTimer({
      timeoutMs: IDLE_MS,
      warnBeforeMs: WARN_MS,
      onWarn: (msLeft) => setIdleWarning(Math.round(msLeft / 1000)),
      onActive: () => setIdleWarning(null),
      onIdle: () => void endWith('idle'),
    });
    idleRef.current = timer;
    const onActivity = () => timer.activity();
    for (const ev of ACTIVITY_EVENTS) document.addEventListener(ev, onActivity, { capture: true, passive: true });
    timer.start();
    return () => {
      timer.stop();
      idleRef.current = null;
      for (const ev of ACTIVITY_EVENTS) document.removeEventListener(ev, onActivity, { capture: true });
    };
  }, [me, endWith]);

  const stayActive = useCallback(() => idleRef.current?.activity(), []);

  const value = useMemo<Auth>(
    () => ({
      me,
      role: me && isRole(me.role) ? me.role : null,
      ended,
      restoring,
      idleWarning,
      signIn,
      reloadMe,
      signOut,
      stayActive,
    }),
    [me, ended, restoring, idleWarning, signIn, reloadMe, signOut, stayActive],
  );

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user; for screens behind RequireAuth only. */
export function useMe(): Me & { readonly roleKnown: Role | null } {
  const { me, role } = useAuth();
  if (!me) throw new Error('useMe without a signed-in user');
  return { ...me, roleKnown: role };
}
