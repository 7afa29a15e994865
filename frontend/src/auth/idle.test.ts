import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleTimer, idleMinutesFrom } from './idle';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function timer() {
  const events: string[] = [];
  const t = new IdleTimer({
    timeoutMs: 30 * 60_000,
    warnBeforeMs: 60_000,
    onWarn: (left) => events.push(`warn:${left}`),
    onActive: () => events.push('active'),
    onIdle: () => events.push('idle'),
  });
  return { t, events };
}

describe('IdleTimer', () => {
  it('warns a minute before and signs out after 30 idle minutes', () => {
    const { t, events } = timer();
    t.start();
    vi.advanceTimersByTime(29 * 60_000 - 1);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(events).toEqual(['warn:60000']);
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual(['warn:60000', 'idle']);
  });

  it('counts from the last input', () => {
    const { t, events } = timer();
    t.start();
    vi.advanceTimersByTime(20 * 60_000);
    t.activity();
    vi.advanceTimersByTime(20 * 60_000);
    expect(events).toEqual([]);
    vi.advanceTimersByTime(9 * 60_000);
    expect(events).toEqual(['warn:60000']);
  });

  it('input during the warning keeps the session', () => {
    const { t, events } = timer();
    t.start();
    vi.advanceTimersByTime(29 * 60_000 + 30_000);
    t.activity();
    vi.advanceTimersByTime(60_000);
    expect(events).toEqual(['warn:60000', 'active']);
    vi.advanceTimersByTime(30 * 60_000);
    expect(events).toEqual(['warn:60000', 'active', 'warn:60000', 'idle']);
  });

  it('does nothing once stopped', () => {
    const { t, events } = timer();
    t.start();
    t.stop();
    t.activity();
    vi.advanceTimersByTime(60 * 60_000);
    expect(events).toEqual([]);
  });

  it('reads VITE_IDLE_MINUTES with a default of 30', () => {
    expect(idleMinutesFrom(undefined)).toBe(30);
    expect(idleMinutesFrom('')).toBe(30);
    expect(idleMinutesFrom('abc')).toBe(30);
    expect(idleMinutesFrom('-5')).toBe(30);
    expect(idleMinutesFrom('15')).toBe(15);
    expect(idleMinutesFrom('0.5')).toBe(0.5);
  });
});
