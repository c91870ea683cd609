/**
 * Punctuators (Kafka's ProcessorContext.schedule): callbacks a processor asks for every interval of
 * stream time (advanced only by record timestamps) or of wall-clock time (advanced by the runtime's
 * loop, or by TopologyTestDriver.advanceWallClockTime).
 *
 * As in Kafka, stream-time schedules are aligned to multiples of the interval from 0 and fire as
 * soon as there is data; a jump over several intervals fires once, not once per interval.
 */
export type PunctuationType = 'STREAM_TIME' | 'WALL_CLOCK_TIME';
export type Punctuator = (timestampMs: number) => void;

export interface Cancellable {
  cancel(): void;
}

interface Schedule {
  intervalMs: number;
  nextMs: number;
  /** Bound to its processor's context, so forward() reaches that node's children. */
  punctuator: Punctuator;
  cancelled: boolean;
}

export class PunctuationQueue {
  private readonly schedules: Schedule[] = [];

  schedule(intervalMs: number, firstMs: number, punctuator: Punctuator): Cancellable {
    if (!(intervalMs >= 1) || !Number.isFinite(intervalMs)) throw new RangeError(`punctuation interval must be at least 1 ms, got ${intervalMs}`);
    const s: Schedule = { intervalMs, nextMs: firstMs, punctuator, cancelled: false };
    this.schedules.push(s);
    return {
      cancel: () => {
        s.cancelled = true;
        this.schedules.splice(this.schedules.indexOf(s), 1);
      },
    };
  }

  /** Fires every schedule due at `nowMs`; returns how many fired. */
  mayPunctuate(nowMs: number): number {
    let fired = 0;
    for (const s of [...this.schedules]) {
      if (s.cancelled || nowMs < s.nextMs) continue;
      s.nextMs = nowMs - ((nowMs - s.nextMs) % s.intervalMs) + s.intervalMs;
      s.punctuator(nowMs);
      fired++;
    }
    return fired;
  }
}
