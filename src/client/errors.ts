/**
 * Errors a client call can fail with. Broker answers carry a Kafka code: those are KafkaError
 * (from the shared catalogue, with `code`, `errorName` and `retriable`). Failures that never
 * reached a broker answer are ConnectionError / RequestTimeoutError, both retriable, as in Kafka
 * (NetworkException, TimeoutException).
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export { KafkaError, ErrorCode };

export class ConnectionError extends Error {
  readonly retriable = true;
  readonly code = ErrorCode.NETWORK_EXCEPTION;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ConnectionError';
  }
}

export class RequestTimeoutError extends Error {
  readonly retriable = true;
  readonly code = ErrorCode.REQUEST_TIMED_OUT;
  constructor(message: string) {
    super(message);
    this.name = 'RequestTimeoutError';
  }
}

/** The client was closed while the call was pending. */
export class ClientClosedError extends Error {
  readonly retriable = false;
  constructor(what = 'client') {
    super(`${what} is closed`);
    this.name = 'ClientClosedError';
  }
}

/** Throws a KafkaError for a non-zero code; `context` names what failed (topic-partition, group). */
export function throwIfError(errorCode: number | undefined, context: string, message?: string | null): void {
  if (errorCode === undefined || errorCode === ErrorCode.NONE) return;
  const err = new KafkaError(errorCode);
  err.message = `${context}: ${message || err.message} (${err.errorName})`;
  throw err;
}

export function isRetriable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;
}
