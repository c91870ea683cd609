/**
 * The producer-id and transaction requests, each retried as Kafka's client does: against the
 * transaction coordinator (FindCoordinator key type 1, looked up again on NOT_COORDINATOR /
 * COORDINATOR_NOT_AVAILABLE or a dropped connection), with a short backoff on
 * COORDINATOR_LOAD_IN_PROGRESS and CONCURRENT_TRANSACTIONS (a previous transaction's markers still
 * being written), until `maxBlockMs`. Codes not retried become typed errors: fencing is a
 * ProducerFencedError, other unrecoverable codes a FatalProducerError. No transaction state here:
 * transactions.ts owns it.
 */
import { Api } from './apis.js';
import type { Cluster } from './cluster.js';
import type { Connection } from './connection.js';
import { CoordinatorType, findCoordinator } from './coordinator.js';
import { ErrorCode, FatalProducerError, isRetriable, KafkaError, ProducerFencedError, TransactionAbortableError } from './errors.js';
import { backoffMs, sleep } from './retry.js';

export interface ProducerIdAndEpoch {
  producerId: number;
  producerEpoch: number;
}

/** What sendOffsetsToTransaction needs of the consumer's group membership (Consumer.groupMetadata()). */
export interface ConsumerGroupMetadata {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface TxnOffset {
  topic: string;
  partition: number;
  /** The next offset to consume (Kafka's commit semantics). */
  offset: number;
  metadata?: string | null;
}

export interface TxnRequestSettings {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  maxBlockMs: number;
}

/** First backoff for CONCURRENT_TRANSACTIONS and friends: the previous EndTxn is usually done within a few ms. */
const COORDINATOR_BACKOFF_MS = 20;

const NO_ID: ProducerIdAndEpoch = { producerId: -1, producerEpoch: -1 };

export class TxnRequests {
  private coordinator: Connection | null = null;

  constructor(
    private readonly cluster: Cluster,
    private readonly settings: TxnRequestSettings,
  ) {}

  /**
   * InitProducerId: from the coordinator with a transactional id (which bumps the epoch, fencing
   * older instances), else from any broker (a fresh id). `current`: KIP-360 recovery of this id
   * and epoch. `canBump` says whether the coordinator takes that (v3+).
   */
  async initProducerId(current: ProducerIdAndEpoch | null): Promise<ProducerIdAndEpoch & { canBump: boolean }> {
    const id = current ?? NO_ID;
    let out = { ...NO_ID, canBump: false };
    const send = async (conn: Connection) => {
      const res = await conn.send(Api.initProducerId, {
        transactionalId: this.settings.transactionalId,
        transactionTimeoutMs: this.settings.transactionTimeoutMs,
        producerId: id.producerId,
        producerEpoch: id.producerEpoch,
      });
      out = { producerId: res.producerId ?? -1, producerEpoch: res.producerEpoch, canBump: conn.versionOf(Api.initProducerId) >= 3 };
      return res.errorCode;
    };
    if (this.settings.transactionalId !== null) await this.coordinatorCall('InitProducerId', send);
    else await this.anyBrokerCall('InitProducerId', send);
    return out;
  }

  async addPartitions(id: ProducerIdAndEpoch, partitions: ReadonlyArray<{ topic: string; partition: number }>): Promise<void> {
    const byTopic = groupBy(partitions, (tp) => tp.topic);
    await this.coordinatorCall('AddPartitionsToTxn', async (conn) => {
      const res = await conn.send(Api.addPartitionsToTxn, {
        v3AndBelowTransactionalId: this.settings.transactionalId!,
        v3AndBelowProducerId: id.producerId,
        v3AndBelowProducerEpoch: id.producerEpoch,
        v3AndBelowTopics: [...byTopic].map(([name, list]) => ({ name, partitions: list.map((tp) => tp.partition) })),
      });
      // OPERATION_NOT_ATTEMPTED only says another partition failed: that one's code decides.
      let code: number = ErrorCode.NONE;
      for (const t of res.resultsByTopicV3AndBelow ?? []) {
        for (const p of t.resultsByPartition) {
          if (p.partitionErrorCode !== ErrorCode.NONE && p.partitionErrorCode !== ErrorCode.OPERATION_NOT_ATTEMPTED) code = p.partitionErrorCode;
        }
      }
      return code;
    });
  }

  async addOffsets(id: ProducerIdAndEpoch, groupId: string): Promise<void> {
    await this.coordinatorCall('AddOffsetsToTxn', async (conn) => {
      const res = await conn.send(Api.addOffsetsToTxn, { transactionalId: this.settings.transactionalId!, producerId: id.producerId, producerEpoch: id.producerEpoch, groupId });
      return res.errorCode;
    });
  }

  async endTxn(id: ProducerIdAndEpoch, committed: boolean): Promise<void> {
    await this.coordinatorCall('EndTxn', async (conn) => {
      const res = await conn.send(Api.endTxn, { transactionalId: this.settings.transactionalId!, producerId: id.producerId, producerEpoch: id.producerEpoch, committed });
      return res.errorCode;
    });
  }

  /** TxnOffsetCommit to the group's coordinator; one offset per partition, the last given winning. */
  async txnOffsetCommit(id: ProducerIdAndEpoch, group: ConsumerGroupMetadata, offsets: readonly TxnOffset[]): Promise<void> {
    const last = new Map<string, TxnOffset>();
    for (const o of offsets) last.set(`${o.topic}\0${o.partition}`, o);
    const byTopic = groupBy([...last.values()], (o) => o.topic);
    const request = {
      transactionalId: this.settings.transactionalId!,
      groupId: group.groupId,
      producerId: id.producerId,
      producerEpoch: id.producerEpoch,
      generationId: group.generationId,
      memberId: group.memberId,
      groupInstanceId: group.groupInstanceId,
      topics: [...byTopic].map(([name, list]) => ({
        name,
        partitions: list.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' })),
      })),
    };
    await this.retryLoop('TxnOffsetCommit', async () => {
      const conn = await findCoordinator(this.cluster, group.groupId, CoordinatorType.GROUP);
      const res = await conn.send(Api.txnOffsetCommit, request);
      let code: number = ErrorCode.NONE;
      for (const t of res.topics) for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) code = p.errorCode;
      return code;
    });
  }

  /** Sends to the transaction coordinator until NONE, finding it again when it moved or its connection dropped. */
  private coordinatorCall(what: string, send: (conn: Connection) => Promise<number>): Promise<void> {
    return this.retryLoop(what, async () => {
      if (this.coordinator && !this.coordinator.isOpen) this.coordinator = null;
      this.coordinator ??= await findCoordinator(this.cluster, this.settings.transactionalId!, CoordinatorType.TRANSACTION);
      let code: number;
      try {
        code = await send(this.coordinator);
      } catch (err) {
        this.coordinator = null;
        throw err;
      }
      if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.coordinator = null;
      return code;
    });
  }

  /** Idempotent producer's InitProducerId: an unreachable cluster fails after the usual retries, as a send without idempotence would. */
  private anyBrokerCall(what: string, send: (conn: Connection) => Promise<number>): Promise<void> {
    return this.retryLoop(what, async () => send(await this.cluster.anyConnection()), this.cluster.options.retries);
  }

  /** Runs `attempt` until it answers NONE; retriable codes and connection failures back off and go again until maxBlockMs. */
  private async retryLoop(what: string, attempt: () => Promise<number>, maxNetworkRetries = Infinity): Promise<void> {
    const { clock } = this.cluster.options;
    const deadline = clock() + this.settings.maxBlockMs;
    for (let n = 0; ; n++) {
      let code: number;
      try {
        code = await attempt();
      } catch (err) {
        if (!isRetriable(err) || n >= maxNetworkRetries || clock() >= deadline) throw err;
        code = ErrorCode.NETWORK_EXCEPTION;
      }
      if (code === ErrorCode.NONE) return;
      throwUnlessRetriable(`${what} for ${this.settings.transactionalId ?? 'an idempotent producer'}`, code, clock() >= deadline);
      await sleep(backoffMs({ ...this.cluster.options, retryBackoffMs: COORDINATOR_BACKOFF_MS }, n));
    }
  }
}

/**
 * Kafka's treatment of an error code from a transaction request: fencing is fatal
 * (ProducerFencedError), so are a refused transactional id and a lost producer-id mapping; codes
 * that clear up by themselves (CONCURRENT_TRANSACTIONS among them) are retried until `expired`.
 */
export function throwUnlessRetriable(what: string, code: number, expired: boolean): void {
  const err = new KafkaError(code);
  err.message = `${what}: ${err.message} (${err.errorName})`;
  if (code === ErrorCode.PRODUCER_FENCED || code === ErrorCode.INVALID_PRODUCER_EPOCH) throw new ProducerFencedError(err.message);
  if (code === ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED || code === ErrorCode.INVALID_PRODUCER_ID_MAPPING || code === ErrorCode.UNSUPPORTED_VERSION) {
    throw new FatalProducerError(code, err.message);
  }
  const retriable = err.retriable || code === ErrorCode.CONCURRENT_TRANSACTIONS || code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
  if (retriable && !expired) return;
  if (code === ErrorCode.TRANSACTION_ABORTABLE) throw new TransactionAbortableError(code, err.message);
  throw err;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(item);
  }
  return out;
}
