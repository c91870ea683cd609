/**
 * A byte-rate limit for reassignment catch-up (Kafka's `leader.replication.throttled.rate` and
 * `follower.replication.throttled.rate`): a token bucket holding at most one second of bytes.
 * A read may overdraw it (a whole batch is always sent); the debt is paid by waiting.
 */
export class ByteRateLimiter {
  private tokens: number;
  private lastMs: number;

  constructor(private readonly bytesPerSec: number, nowMs: number) {
    this.tokens = bytesPerSec;
    this.lastMs = nowMs;
  }

  /** Bytes that may be read now (0 while in debt). */
  available(nowMs: number): number {
    this.refill(nowMs);
    return Math.max(0, Math.floor(this.tokens));
  }

  consume(bytes: number, nowMs: number): void {
    this.refill(nowMs);
    this.tokens -= bytes;
  }

  /** How long until at least one byte is available again. */
  waitMs(nowMs: number): number {
    this.refill(nowMs);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.bytesPerSec);
  }

  private refill(nowMs: number): void {
    const elapsedMs = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.tokens = Math.min(this.bytesPerSec, this.tokens + (elapsedMs * this.bytesPerSec) / 1000);
  }
}

/** A limiter for a configured rate; null when unlimited (Kafka's default, Long.MAX_VALUE). */
export function limiterFor(bytesPerSec: number, nowMs: number): ByteRateLimiter | null {
  return bytesPerSec > 0 && bytesPerSec < Number.MAX_SAFE_INTEGER ? new ByteRateLimiter(bytesPerSec, nowMs) : null;
}
