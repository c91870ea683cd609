/**
 * One latency histogram per API key in preallocated typed arrays: observing a request is a few
 * array writes, no allocation (prom-client's own Histogram builds label objects per observe, so
 * it is only used at scrape time, through snapshot metrics in registry.ts).
 */
import { apis } from '../protocol/generated/index.js';

/** Upper bounds in seconds, Prometheus convention; +Inf is implicit. */
export const LATENCY_BUCKETS_SECONDS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const BUCKETS_MS = LATENCY_BUCKETS_SECONDS.map((s) => s * 1000);
const BUCKET_COUNT = BUCKETS_MS.length;

export const MAX_API_KEY = Math.max(...Object.keys(apis).map(Number));

export class ApiHistogram {
  /** Observations per API key. */
  readonly counts: Float64Array;
  /** Each observation lands in one bucket (last = +Inf); cumulative sums are built at scrape. */
  private readonly buckets: Float64Array;
  private readonly sumMs: Float64Array;

  /** `keys`: how many series (API keys 0..MAX_API_KEY by default; 1 for an unlabelled histogram). */
  constructor(keys = MAX_API_KEY + 1) {
    this.counts = new Float64Array(keys);
    this.buckets = new Float64Array(keys * (BUCKET_COUNT + 1));
    this.sumMs = new Float64Array(keys);
  }

  observe(apiKey: number, durationMs: number): void {
    if (!(apiKey >= 0 && apiKey < this.counts.length)) return;
    // Clock steps and rounding can make a difference of two readings slightly negative.
    if (!(durationMs > 0)) durationMs = 0;
    this.counts[apiKey]!++;
    this.sumMs[apiKey]! += durationMs;
    let b = 0;
    while (b < BUCKET_COUNT && durationMs > BUCKETS_MS[b]!) b++;
    this.buckets[apiKey * (BUCKET_COUNT + 1) + b]!++;
  }

  /** Observations of one API key per bucket, cumulative (Prometheus `le` semantics), last is +Inf. */
  cumulativeBuckets(apiKey: number): number[] {
    const out: number[] = [];
    let running = 0;
    for (let b = 0; b <= BUCKET_COUNT; b++) {
      running += this.buckets[apiKey * (BUCKET_COUNT + 1) + b]!;
      out.push(running);
    }
    return out;
  }

  sumSeconds(apiKey: number): number {
    return this.sumMs[apiKey]! / 1000;
  }
}
