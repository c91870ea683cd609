/**
 * What the Produce handler calls to append: batches with a producer id go through the
 * partition's producer state (idempotent-append.ts); transactional ones must also come with the
 * request's transactional id (else TRANSACTIONAL_ID_AUTHORIZATION_FAILED, as Kafka answers) and
 * be written to a partition of the producer's ongoing transaction (coordinator.verifyWrite).
 */
import type { Broker } from '../broker/broker.js';
import type { Partition } from '../broker/partition.js';
import { ErrorCode } from '../protocol/errors.js';
import type { BatchInfo } from '../records/validate.js';
import { appendWithProducerState, type GuardedAppend } from './idempotent-append.js';

export async function appendTransactionAware(broker: Broker, transactionalId: string | null, partition: Partition, records: Buffer, infos: BatchInfo[]): Promise<GuardedAppend> {
  const services = broker.txn;
  if (!infos.some((b) => b.transactional)) return appendWithProducerState(services.partitionStates, partition, records, infos);
  if (transactionalId === null) {
    return { kind: 'error', errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED, message: 'Transactional records need the transactional id in the Produce request' };
  }
  // Cluster mode: the transaction may be coordinated by another broker; without a cross-broker
  // check (KIP-890) the write is accepted as Kafka did before it, and its markers end it.
  if (!services.coordinates(transactionalId)) return appendWithProducerState(services.partitionStates, partition, records, infos);
  await services.start();
  const tp = { topic: partition.topic, partition: partition.index };
  return appendWithProducerState(services.partitionStates, partition, records, infos, (batch) =>
    services.coordinator.verifyWrite(transactionalId, batch.producerId, batch.producerEpoch, tp),
  );
}
