/**
 * A client's byte budget against a rate quota, kept as one number: the time at which everything
 * it has sent would have been sent at exactly the quota rate (a virtual-scheduling token bucket,
 * GCRA). Sending ahead of that time is allowed by up to `burstMs` (Kafka measures rates over
 * `quota.window.num` windows of `quota.window.size.seconds`, at least `num - 1` of them: the
 * same span is the burst here); beyond it the client is throttled for the difference, which is
 * exactly how long it must stay idle to be back at the quota rate.
 *
 * Kafka's sampled windows give the same long-run rate but throttle in waves when old windows
 * drop out; the bucket keeps a throttled client at its quota to within one request.
 */
export interface RateWindow {
  samples: number;
  windowMs: number;
}

export class RateBudget {
  /** When everything recorded so far would have been sent at the quota rate. */
  private sentUpToMs: number;
  lastRecordMs: number;

  constructor(
    private readonly window: RateWindow,
    nowMs: number,
  ) {
    this.sentUpToMs = nowMs - this.burstMs;
    this.lastRecordMs = nowMs;
  }

  get burstMs(): number {
    return Math.max(1, this.window.samples - 1) * this.window.windowMs;
  }

  /** Records `bytes` against `boundPerSec`; returns how long the client must now wait (0: none). */
  record(bytes: number, boundPerSec: number, nowMs: number): number {
    this.lastRecordMs = nowMs;
    this.sentUpToMs = Math.max(this.sentUpToMs, nowMs - this.burstMs) + (bytes * 1000) / boundPerSec;
    const aheadMs = this.sentUpToMs - nowMs;
    if (aheadMs <= 0) return 0;
    // Kafka caps a throttle at the whole quota window; the rest is owed on later requests.
    return Math.min(Math.ceil(aheadMs), this.window.samples * this.window.windowMs);
  }

  /** Takes back `units` just recorded against `boundPerSec` (a refused connection is not counted). */
  unrecord(units: number, boundPerSec: number): void {
    this.sentUpToMs -= (units * 1000) / boundPerSec;
  }
}
