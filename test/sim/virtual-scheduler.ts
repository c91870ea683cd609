/** A virtual clock for simulations: timers run in time order, nothing sleeps. */
import type { Scheduler, TimerHandle } from '../../src/cluster/replication/scheduler.js';

interface Timer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

export class VirtualScheduler implements Scheduler {
  private nowMs = 0;
  private seq = 0;
  private timers: Timer[] = [];

  now(): number {
    return this.nowMs;
  }

  setTimeout(fn: () => void, delayMs: number): TimerHandle {
    const t: Timer = { at: this.nowMs + Math.max(0, delayMs), seq: this.seq++, fn, cancelled: false };
    this.timers.push(t);
    return { id: t };
  }

  clearTimeout(handle: TimerHandle): void {
    (handle.id as Timer).cancelled = true;
  }

  /** Runs every timer due up to `untilMs`, in order, letting promise chains settle after each. */
  async runUntil(untilMs: number, afterEach?: () => void): Promise<void> {
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: Timer | null = null;
      for (const t of this.timers) if (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq)) next = t;
      if (!next || next.at > untilMs) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.nowMs = next.at;
      next.fn();
      await settle();
      afterEach?.();
    }
    this.nowMs = untilMs;
    await settle();
  }
}

/** Lets pending promise callbacks run (a few macrotask turns). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
}
