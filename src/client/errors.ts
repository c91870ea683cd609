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

/**
 * The producer cannot go on (Java's fatal errors): fenced by a newer instance with the same
 * transactional id, or its sequence state was lost on a broker that cannot bump the epoch
 * (no KIP-360). Every later call fails with it; close the producer.
 */
export class FatalProducerError extends KafkaError {
  readonly fatal = true;
  constructor(code: number, message?: string) {
    super(code, message);
    this.name = 'FatalProducerError';
  }
}

/** A newer producer with the same transactional id (a higher epoch) took over: this one is a zombie. */
export class ProducerFencedError extends FatalProducerError {
  constructor(message?: string) {
    super(ErrorCode.PRODUCER_FENCED, message);
    this.name = 'ProducerFencedError';
  }
}

/** The current transaction cannot commit; abortTransaction() makes the producer usable again. */
export class TransactionAbortableError extends KafkaError {
  readonly abortable = true;
  constructor(code: number, message?: string, options?: { cause?: unknown }) {
    super(code, message);
    this.name = 'TransactionAbortableError';
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}
