/**
 * Per-API-key request counters, errors and the latency histograms of each phase of a request,
 * as Kafka's RequestMetrics splits it:
 *
 *   total = request queue + local + remote + (throttle) + response queue and send
 *
 * - request queue: frame received (socket read) → handler started
 * - local: the handler working (total handler time minus remote)
 * - remote: the handler waiting on others (Fetch long poll, JoinGroup/SyncGroup waiting for the
 *   rest of the group, acks=all waiting for followers once replication exists); handlers report
 *   it through `trackRemote()` (src/broker/remote-time.ts)
 * - response queue + send: response ready → written to the socket (behind earlier pipelined
 *   responses, then until the kernel took the bytes)
 * - throttle: the throttle time the response announced (no quotas yet: 0)
 */
import { ApiHistogram, MAX_API_KEY } from './api-histogram.js';

export { LATENCY_BUCKETS_SECONDS, MAX_API_KEY } from './api-histogram.js';

export class RequestStats {
  /** Requests answered (or failed), per API key. */
  readonly requests = new Float64Array(MAX_API_KEY + 1);
  readonly total = new ApiHistogram();
  readonly requestQueue = new ApiHistogram();
  readonly local = new ApiHistogram();
  readonly remote = new ApiHistogram();
  readonly responseSend = new ApiHistogram();
  readonly throttle = new ApiHistogram();
  /** Errors keyed by apiKey * 1024 + (errorCode + 512). */
  private readonly errors = new Map<number, number>();

  count(apiKey: number): void {
    if (apiKey >= 0 && apiKey <= MAX_API_KEY) this.requests[apiKey]!++;
  }

  /** One error answered for `apiKey` with Kafka `errorCode` (or a negative pseudo-code, see below). */
  error(apiKey: number, errorCode: number): void {
    // Numbers as map keys: no string is built on the request path.
    const key = apiKey * 1024 + (errorCode + 512);
    this.errors.set(key, (this.errors.get(key) ?? 0) + 1);
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
