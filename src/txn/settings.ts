/**
 * The transaction coordinator's and producer state's settings: Kafka's broker configs of the
 * same names, plus Brook's own knobs (not Kafka configs) that tests shorten.
 */
import type { BrokerConfig } from '../config/broker-config.js';

export interface TxnSettings {
  /** `transaction.state.log.num.partitions` */
  stateLogNumPartitions: number;
  /** segment.bytes of __transaction_state (Kafka's `transaction.state.log.segment.bytes`). */
  stateLogSegmentBytes: number;
  /** `transaction.max.timeout.ms` */
  maxTimeoutMs: number;
  /** `transactional.id.expiration.ms` */
  transactionalIdExpirationMs: number;
  /** `transaction.abort.timed.out.transaction.cleanup.interval.ms` */
  abortTimedOutCheckIntervalMs: number;
  /** `producer.id.expiration.ms` */
  producerIdExpirationMs: number;
  /** Producer ids reserved (and persisted) at a time. */
  producerIdBlockSize: number;
  /** Producer state changes in a partition between two snapshots. */
  snapshotEveryChanges: number;
}

export const defaultTxnSettings: TxnSettings = {
  stateLogNumPartitions: 50,
  stateLogSegmentBytes: 100 * 1024 * 1024,
  maxTimeoutMs: 900_000,
  transactionalIdExpirationMs: 604_800_000,
  abortTimedOutCheckIntervalMs: 10_000,
  producerIdExpirationMs: 86_400_000,
  producerIdBlockSize: 1000,
  snapshotEveryChanges: 1000,
};

export function txnSettingsFromConfig(config: BrokerConfig, overrides: Partial<TxnSettings> = {}): TxnSettings {
  return {
    ...defaultTxnSettings,
    stateLogNumPartitions: config.transactionStateLogNumPartitions,
    maxTimeoutMs: config.transactionMaxTimeoutMs,
    transactionalIdExpirationMs: config.transactionalIdExpirationMs,
    abortTimedOutCheckIntervalMs: config.transactionAbortTimedOutTransactionCleanupIntervalMs,
    producerIdExpirationMs: config.producerIdExpirationMs,
    ...overrides,
  };
}
