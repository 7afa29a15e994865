// Sign out after a period without keyboard or pointer input, warning shortly before so the
// user can stay (WCAG 2.2.1 Timing Adjustable).
import { systemClock, type SessionClock } from './session';

export interface IdleOptions {
  /** Inactivity that ends the session, in ms. */
  readonly timeoutMs: number;
  /** How long before the end to warn, in ms (clamped to the timeout). */
  readonly warnBeforeMs: number;
  readonly onWarn: (msLeft: number) => void;
  /** Input arrived while the warning was showing. */
  readonly onActive: () => void;
  readonly onIdle: () => void;
  readonly clock?: SessionClock;
}

export class IdleTimer {
  private last = 0;
  private warned = false;
  private timer: unknown = null;
  private running = false;
  private readonly clock: SessionClock;
  private readonly warnBeforeMs: number;

  constructor(private readonly options: IdleOptions) {
    this.clock = options.clock ?? systemClock;
    this.warnBeforeMs = Math.min(Math.max(0, options.warnBeforeMs), options.timeoutMs);
  }

  start(): void {
    this.running = true;
    this.warned = false;
    this.last = this.clock.now();
    this.arm(this.options.timeoutMs - this.warnBeforeMs);
  }

  stop(): void {
    this.running = false;
    this.disarm();
  }

  /** Record user input. Cheap: the timer notices the new time when it next fires. */
  activity(): void {
    if (!this.running) return;
    this.last = this.clock.now();
    if (this.warned) {
      this.warned = false;
      this.arm(this.options.timeoutMs - this.warnBeforeMs);
      this.options.onActive();
    }
  }

  private check(): void {
    if (!this.running) return;
    const idleFor = this.clock.now() - this.last;
    const { timeoutMs } = this.options;
    if (idleFor >= timeoutMs) {
      this.stop();
      this.options.onIdle();
      return;
    }
    const warnAt = timeoutMs - this.warnBeforeMs;
    if (idleFor >= warnAt) {
      if (!this.warned) {
        this.warned = true;
        this.options.onWarn(timeoutMs - idleFor);
      }
      this.arm(timeoutMs - idleFor);
      return;
    }
    this.arm(warnAt - idleFor);
  }

  private arm(ms: number): void {
    this.disarm();
    this.timer = this.clock.setTimer(() => {
      this.timer = null;
      this.check();
    }, Math.max(0, ms));
  }

  private disarm(): void {
    if (this.timer !== null) this.clock.clearTimer(this.timer);
    this.timer = null;
  }
}

/** Minutes of inactivity before sign-out, from VITE_IDLE_MINUTES (default 30). */
export function idleMinutesFrom(value: string | undefined): number {
  const n = Number(value);
  return value !== undefined && value.trim() !== '' && Number.isFinite(n) && n > 0 ? n : 30;
}
