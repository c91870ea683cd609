/** Retries a call on retriable errors with exponential backoff (timers unref'd: a retry never holds the process). */
import { isRetriable } from './errors.js';

export interface RetryPolicy {
  retries: number;
  retryBackoffMs: number;
  retryBackoffMaxMs: number;
}

export function backoffMs(policy: RetryPolicy, attempt: number): number {
  return Math.min(policy.retryBackoffMaxMs, policy.retryBackoffMs * 2 ** attempt);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Calls fn until it succeeds, fails with a non-retriable error, or retries run out. onRetry runs before each retry (e.g. a metadata refresh). */
export async function withRetries<T>(policy: RetryPolicy, fn: (attempt: number) => Promise<T>, onRetry?: (err: unknown) => Promise<void> | void): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetriable(err) || attempt >= policy.retries) throw err;
      await sleep(backoffMs(policy, attempt));
      if (onRetry) await onRetry(err);
    }
  }
}
