/** Wire helpers for the txn tests: raw InitProducerId / Produce / Fetch with producer fields. */
import { encodeBatch, decodeBatches } from '../../src/records/record-batch.js';
import type { RawClient } from '../helpers/raw-client.js';

export interface ProducerSpec {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional?: boolean;
}

export function producerBatch(values: string[], p: ProducerSpec, timestampMs = Date.now()): Buffer {
  return encodeBatch({
    records: values.map((v) => ({ key: null, value: Buffer.from(v), timestampMs })),
    producerId: p.producerId,
    producerEpoch: p.producerEpoch,
    baseSequence: p.baseSequence,
    transactional: p.transactional ?? false,
  });
}

export async function initProducerId(client: RawClient, transactionalId: string | null = null, timeoutMs = 60_000, producerId = -1, producerEpoch = -1) {
  return client.request<{ errorCode: number; producerId: number; producerEpoch: number }>(22, 4, { transactionalId, transactionTimeoutMs: timeoutMs, producerId, producerEpoch });
}

export async function produce(client: RawClient, topic: string, records: Buffer, partition = 0, transactionalId: string | null = null) {
  const r = await client.request(0, 9, { transactionalId, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
  return r.responses[0].partitionResponses[0] as { errorCode: number; baseOffset: number; errorMessage: string | null };
}

export interface FetchedPartition {
  errorCode: number;
  highWatermark: number;
  lastStableOffset: number;
  abortedTransactions: { producerId: number; firstOffset: number }[] | null;
  values: string[];
  controlBatches: number;
}

export async function fetchAll(client: RawClient, topic: string, isolationLevel: 0 | 1 = 0, partition = 0, fetchOffset = 0): Promise<FetchedPartition> {
  const r = await client.request(1, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 10_000_000, isolationLevel, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset, logStartOffset: -1, partitionMaxBytes: 10_000_000 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const p = r.responses[0].partitions[0];
  const values: string[] = [];
  let controlBatches = 0;
  for (const batch of decodeBatches(p.records ?? Buffer.alloc(0))) {
    if (batch.isControl) {
      controlBatches++;
      continue;
    }
    for (const rec of batch.records) if (rec.offset >= fetchOffset) values.push(rec.value!.toString());
  }
  return { errorCode: p.errorCode, highWatermark: Number(p.highWatermark), lastStableOffset: Number(p.lastStableOffset), abortedTransactions: p.abortedTransactions, values, controlBatches };
}

export async function addPartitions(client: RawClient, transactionalId: string, producerId: number, producerEpoch: number, topic: string, partitions = [0]): Promise<number[]> {
  const r = await client.request(24, 3, { v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch, v3AndBelowTopics: [{ name: topic, partitions }] });
  return r.resultsByTopicV3AndBelow[0].resultsByPartition.map((p: { partitionErrorCode: number }) => p.partitionErrorCode);
}

export async function endTxn(client: RawClient, transactionalId: string, producerId: number, producerEpoch: number, committed: boolean): Promise<number> {
  return (await client.request(26, 3, { transactionalId, producerId, producerEpoch, committed })).errorCode;
}

export async function listOffset(client: RawClient, topic: string, timestamp: number, isolationLevel: 0 | 1, partition = 0): Promise<number> {
  const r = await client.request(2, 7, { replicaId: -1, isolationLevel, topics: [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] }] });
  return Number(r.topics[0].partitions[0].offset);
}

export async function createTopic(client: RawClient, name: string, numPartitions = 1): Promise<number> {
  const r = await client.request(19, 5, { topics: [{ name, numPartitions, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
  return r.topics[0].errorCode;
}
