/**
 * Timers for the coordinator, behind an interface so the state machine can run on a manual
 * clock in tests (test/group/manual-scheduler.ts) and on Node timers in the broker.
 */

export interface Timer {
  cancel(): void;
}

export interface Scheduler {
  /** Runs `fn` once after `delayMs` unless cancelled first. */
  schedule(delayMs: number, fn: () => void): Timer;
}

/** Node timers, unref'd so a pending session timeout never keeps the process alive. */
export const nodeScheduler: Scheduler = {
  schedule(delayMs, fn) {
    const handle = setTimeout(fn, Math.max(0, delayMs));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};
