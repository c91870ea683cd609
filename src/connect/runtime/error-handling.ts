/**
 * errors.* connector settings (Kafka's RetryWithToleranceOperator): retriable failures are
 * retried with doubling backoff for up to errors.retry.timeout ms; a failure that is still there
 * is tolerated (the record skipped, and reported to the log and dead letter queue) when
 * errors.tolerance=all, and fails the task when errors.tolerance=none.
 */
import { RetriableError } from '../api.js';

export type Stage = 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER' | 'TRANSFORMATION' | 'TASK_PUT' | 'TASK_POLL' | 'KAFKA_PRODUCE' | 'KAFKA_CONSUME';

export interface ErrorPolicy {
  tolerance: 'none' | 'all';
  retryTimeoutMs: number;
  retryDelayMaxMs: number;
  logEnable: boolean;
}

export function errorPolicy(config: Record<string, string>): ErrorPolicy {
  return {
    tolerance: (config['errors.tolerance'] ?? 'none').trim().toLowerCase() === 'all' ? 'all' : 'none',
    // -1 retries without end, as in Kafka.
    retryTimeoutMs: Number(config['errors.retry.timeout'] ?? 0) < 0 ? Infinity : Number(config['errors.retry.timeout'] ?? 0),
    retryDelayMaxMs: Number(config['errors.retry.delay.max.ms'] ?? 60_000),
    logEnable: (config['errors.log.enable'] ?? 'false').trim() === 'true',
  };
}

/** A failure that errors.tolerance=none turns into a task failure. */
export class ToleranceExceededError extends Error {
  override name = 'ConnectException';
  constructor(
    readonly stage: Stage,
    override readonly cause: Error,
  ) {
    super(`Tolerance exceeded in error handler (stage ${stage}): ${cause.message}`);
  }
}

export interface ErrorContext {
  stage: Stage;
  /** The class (transform, converter, task) that failed, for the error headers. */
  className: string;
  error: Error;
}

export type ErrorReporter = (ctx: ErrorContext) => Promise<void>;

const INITIAL_BACKOFF_MS = 300;

export class RetryWithTolerance {
  /** Counts failed (tolerated) records, for tests and status. */
  failedRecords = 0;
  constructor(
    private readonly policy: ErrorPolicy,
    private readonly report: ErrorReporter,
    private readonly clock: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /**
   * Runs op; on failure retries (retriable errors only), then reports and returns `skipped` when
   * tolerated, or throws ToleranceExceededError.
   */
  async execute<T>(op: () => T | Promise<T>, stage: Stage, className: string): Promise<{ ok: true; value: T } | { ok: false }> {
    const deadline = this.clock() + this.policy.retryTimeoutMs;
    let backoffMs = INITIAL_BACKOFF_MS;
    for (;;) {
      try {
        return { ok: true, value: await op() };
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        const left = deadline - this.clock();
        if (error instanceof RetriableError && left > 0) {
          await this.sleep(Math.min(backoffMs, left, this.policy.retryDelayMaxMs));
          backoffMs *= 2;
          continue;
        }
        if (this.policy.tolerance === 'none') throw new ToleranceExceededError(stage, error);
        this.failedRecords++;
        await this.report({ stage, className, error });
        return { ok: false };
      }
    }
  }
}
