/**
 * Time for replication, injected: the broker uses real timers and Date.now; the deterministic
 * simulation (test/sim) uses a virtual clock that runs timers in order without sleeping.
 */
export interface Scheduler {
  now(): number;
  /** Runs `fn` once after `delayMs`; the handle cancels it. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export type TimerHandle = { readonly id: unknown };

export const realScheduler: Scheduler = {
  now: () => Date.now(),
  setTimeout(fn, delayMs) {
    const t = setTimeout(fn, Math.max(0, delayMs));
    t.unref?.();
    return { id: t };
  },
  clearTimeout(handle) {
    clearTimeout(handle.id as NodeJS.Timeout);
  },
};

/** Resolves after `delayMs` on the scheduler's clock (or at once when `signal.stopped` is set by then). */
export function sleep(scheduler: Scheduler, delayMs: number): Promise<void> {
  return new Promise((resolve) => scheduler.setTimeout(resolve, delayMs));
}
