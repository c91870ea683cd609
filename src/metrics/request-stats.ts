/**
 * Per-API-key request counters and latency histograms kept in preallocated typed arrays, so the
 * request path records a request with a few array writes and no allocation. prom-client's own
 * Histogram allocates label objects on every observe, so it is only used at scrape time, through
 * the snapshot metrics in registry.ts.
 */
import { apis } from '../protocol/generated/index.js';

/** Upper bounds in seconds, Prometheus convention; +Inf is implicit. */
export const LATENCY_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const BUCKETS_MS = LATENCY_BUCKETS_SECONDS.map((s) => s * 1000);
const BUCKET_COUNT = BUCKETS_MS.length;

export const MAX_API_KEY = Math.max(...Object.keys(apis).map(Number));

export class RequestStats {
  /** Requests answered (or failed), per API key. */
  readonly requests: Float64Array;
  /** Cumulative-by-bucket is computed at scrape; here each request lands in one bucket (last = +Inf). */
  private readonly buckets: Float64Array;
  private readonly latencySumMs: Float64Array;
  /** Errors keyed by apiKey * ERROR_SLOTS + slot; see errorSlot(). */
  private readonly errors = new Map<number, number>();

  constructor() {
    const keys = MAX_API_KEY + 1;
    this.requests = new Float64Array(keys);
    this.buckets = new Float64Array(keys * (BUCKET_COUNT + 1));
    this.latencySumMs = new Float64Array(keys);
  }

  observe(apiKey: number, latencyMs: number): void {
    if (apiKey < 0 || apiKey > MAX_API_KEY) return;
    this.requests[apiKey]!++;
    this.latencySumMs[apiKey]! += latencyMs;
    let b = 0;
    while (b < BUCKET_COUNT && latencyMs > BUCKETS_MS[b]!) b++;
    this.buckets[apiKey * (BUCKET_COUNT + 1) + b]!++;
  }

  /** One error answered for `apiKey` with Kafka `errorCode` (or a negative pseudo-code, see below). */
  error(apiKey: number, errorCode: number): void {
    // Numbers as map keys: no string is built on the request path.
    const key = apiKey * 1024 + (errorCode + 512);
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
  }

  /** Requests of one API key per bucket, cumulative (Prometheus `le` semantics), last is +Inf. */
  cumulativeBuckets(apiKey: number): number[] {
    const out: number[] = [];
    let running = 0;
    for (let b = 0; b <= BUCKET_COUNT; b++) {
      running += this.buckets[apiKey * (BUCKET_COUNT + 1) + b]!;
      out.push(running);
    }
    return out;
  }

  latencySumSeconds(apiKey: number): number {
    return this.latencySumMs[apiKey]! / 1000;
  }

  /** Every (apiKey, errorCode, count) seen so far. */
  *errorCounts(): Iterable<{ apiKey: number; errorCode: number; count: number }> {
    for (const [key, count] of this.errors) {
      yield { apiKey: Math.floor(key / 1024), errorCode: (key % 1024) - 512, count };
    }
  }
}

/** Pseudo error code for a handler that threw (the connection is closed, nothing is answered). */
export const HANDLER_EXCEPTION = -500;
