/**
 * The producer's identity (producer id and epoch) and, with a transactional id, its transaction
 * state machine (Java's TransactionManager):
 *
 *   uninitialized --initTransactions--> ready --beginTransaction--> in-transaction
 *   in-transaction --commit--> ready;  in-transaction | abortable-error --abort--> ready
 *   any --fenced / unrecoverable--> fatal-error (only close() is left)
 *
 * Requests to the transaction coordinator (found with FindCoordinator key type 1) are retried on
 * NOT_COORDINATOR / COORDINATOR_NOT_AVAILABLE (coordinator looked up again), and on
 * COORDINATOR_LOAD_IN_PROGRESS / CONCURRENT_TRANSACTIONS (a previous transaction's markers still
 * being written), until `maxBlockMs`. Fencing (PRODUCER_FENCED, INVALID_PRODUCER_EPOCH) is fatal.
 *
 * An idempotent producer without a transactional id gets its id from any broker on first send;
 * when its sequence state is lost (UNKNOWN_PRODUCER_ID, a real sequence gap) it bumps its own
 * epoch and restarts sequences at 0, which brokers accept from a known producer id (KIP-360; Java
 * does the same, and takes a fresh id when the epoch would overflow). A transactional producer
 * asks its coordinator for the bump when it aborts (InitProducerId v3+ with the current id and
 * epoch); a coordinator without v3 makes the lost sequence state fatal, as in Java.
 */
import { Api } from './apis.js';
import type { Cluster } from './cluster.js';
import type { Connection } from './connection.js';
import { CoordinatorType, findCoordinator } from './coordinator.js';
import { ErrorCode, FatalProducerError, isRetriable, KafkaError, ProducerFencedError, TransactionAbortableError } from './errors.js';
import { backoffMs, sleep } from './retry.js';

export type TransactionState = 'uninitialized' | 'ready' | 'in-transaction' | 'committing' | 'aborting' | 'abortable-error' | 'fatal-error';

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

export interface TransactionSettings {
  transactionalId: string | null;
  transactionTimeoutMs: number;
  maxBlockMs: number;
}

/** First backoff for CONCURRENT_TRANSACTIONS and friends: the previous EndTxn is usually done within a few ms. */
const COORDINATOR_BACKOFF_MS = 20;

const tpKey = (topic: string, partition: number) => `${topic}\0${partition}`;

export class TransactionManager {
  producerId = -1;
  producerEpoch = -1;
  readonly transactionalId: string | null;
  private stateValue: TransactionState;
  private lastError: Error | null = null;
  private coordinator: Connection | null = null;
  /** Partitions of the open transaction the coordinator knows about. */
  private readonly added = new Set<string>();
  private readonly toAdd = new Map<string, { topic: string; partition: number }>();
  private adding: Promise<void> | null = null;
  /** Anything (partitions or offsets) became part of the open transaction: EndTxn is needed. */
  private touched = false;
  /** The broker lost our sequence state: the next abort (or, idempotent, the next send) bumps the epoch. */
  private bumpNeeded = false;
  private idPromise: Promise<void> | null = null;
  /** The transaction coordinator takes InitProducerId v3+ (KIP-360 epoch bumps). */
  private coordinatorCanBump = false;

  constructor(
    private readonly cluster: Cluster,
    private readonly settings: TransactionSettings,
    /** Called when sending may resume (partitions added, epoch bumped). */
    private readonly onReady: () => void,
  ) {
    this.transactionalId = settings.transactionalId;
    this.stateValue = this.transactionalId === null ? 'ready' : 'uninitialized';
  }

  get state(): TransactionState {
    return this.stateValue;
  }

  get isTransactional(): boolean {
    return this.transactionalId !== null;
  }

  /** True when batches may be given sequences and sent (an id is known, no epoch bump under way). */
  get canSend(): boolean {
    return this.producerId >= 0 && !this.bumpNeeded && this.stateValue !== 'fatal-error';
  }

  get needsEpochBump(): boolean {
    return this.bumpNeeded;
  }

  /** Throws unless send() may buffer records now. */
  checkSend(): void {
    if (this.stateValue === 'fatal-error' || this.stateValue === 'abortable-error') throw this.lastError!;
    if (this.isTransactional && this.stateValue !== 'in-transaction') {
      throw new KafkaError(ErrorCode.INVALID_TXN_STATE, `send() needs an open transaction (beginTransaction()); the producer is ${this.stateValue}`);
    }
  }

  /** Idempotent producer: the producer id, fetched once from any broker. */
  ensureProducerId(): Promise<void> {
    if (this.producerId >= 0 || this.isTransactional) return Promise.resolve();
    if (this.stateValue === 'fatal-error') return Promise.reject(this.lastError!);
    this.idPromise ??= this.initProducerId(false).finally(() => {
      this.idPromise = null;
    });
    return this.idPromise;
  }

  /** A batch of a transaction may go only once the coordinator has its partition; asks for it otherwise. */
  partitionReady(topic: string, partition: number): boolean {
    if (!this.isTransactional) return true;
    const k = tpKey(topic, partition);
    if (this.added.has(k)) return true;
    if (this.stateValue !== 'in-transaction') return false;
    if (!this.toAdd.has(k)) {
      this.toAdd.set(k, { topic, partition });
      if (!this.adding) this.adding = this.addPartitions();
    }
    return false;
  }

  async initTransactions(): Promise<void> {
    if (!this.isTransactional) throw new KafkaError(ErrorCode.INVALID_TXN_STATE, 'initTransactions() needs a transactionalId');
    this.require(['uninitialized'], 'initTransactions');
    await this.initProducerId(false);
    this.stateValue = 'ready';
  }

  beginTransaction(): void {
    this.require(['ready'], 'beginTransaction');
    this.added.clear();
    this.touched = false;
    this.stateValue = 'in-transaction';
  }

  /** EndTxn(commit) after `flush` has sent everything; an abortable error instead fails the commit. */
  async commit(flush: () => Promise<void>): Promise<void> {
    this.require(['in-transaction', 'abortable-error'], 'commitTransaction');
    await flush();
    if (this.adding) await this.adding.catch(() => {});
    if (this.stateValue === 'abortable-error' || this.stateValue === 'fatal-error') throw this.lastError!;
    this.stateValue = 'committing';
    try {
      await this.endTxn(true);
    } catch (err) {
      if (this.stateValue === 'committing') this.toAbortable(err as Error);
      throw err;
    }
    this.stateValue = 'ready';
  }

  /** Unsent records are dropped (`dropUnsent`), sent ones awaited, then EndTxn(abort); bumps the epoch when sequences were lost. */
  async abort(dropUnsent: (err: Error) => void, flush: () => Promise<void>): Promise<void> {
    this.require(['in-transaction', 'abortable-error'], 'abortTransaction');
    this.stateValue = 'aborting';
    dropUnsent(new KafkaError(ErrorCode.INVALID_TXN_STATE, 'the transaction was aborted before these records were sent'));
    await flush();
    if (this.adding) await this.adding.catch(() => {});
    try {
      this.checkNotFatal();
      await this.endTxn(false);
      if (this.bumpNeeded) await this.initProducerId(true);
    } catch (err) {
      // A timed-out abort may be called again; fencing stays fatal.
      if (this.stateValue === 'aborting') this.toAbortable(err as Error);
      throw err;
    }
    this.stateValue = 'ready';
  }

  /** AddOffsetsToTxn to the transaction coordinator, then TxnOffsetCommit to the group coordinator. */
  async sendOffsets(group: ConsumerGroupMetadata, offsets: TxnOffset[]): Promise<void> {
    this.require(['in-transaction'], 'sendOffsetsToTransaction');
    try {
      await this.coordinatorCall('AddOffsetsToTxn', async (conn) => {
        const res = await conn.send(Api.addOffsetsToTxn, { transactionalId: this.transactionalId!, producerId: this.producerId, producerEpoch: this.producerEpoch, groupId: group.groupId });
        return res.errorCode;
      });
      this.touched = true;
      await this.txnOffsetCommit(group, offsets);
    } catch (err) {
      this.toAbortable(err as Error);
      throw err;
    }
  }

  /**
   * Classifies a Produce error for a batch that carries a producer id. 'retry': resend as is;
   * 'bump-retry': resend after the epoch bump (renumbered); 'fail': the batch fails with `error`.
   */
  onProduceError(err: KafkaError, isOldest: boolean): { action: 'retry' | 'bump-retry' | 'fail'; error: Error } {
    const code = err.code;
    // Not the oldest: fallout of an earlier batch's failure. After a known gap: renumbered by the bump.
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && (!isOldest || this.bumpNeeded) && !this.isTransactional) return { action: this.bumpNeeded ? 'bump-retry' : 'retry', error: err };
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER && !isOldest && !this.bumpNeeded) return { action: 'retry', error: err };
    if (code === ErrorCode.INVALID_PRODUCER_EPOCH || code === ErrorCode.PRODUCER_FENCED) {
      const fenced = new ProducerFencedError(`${err.message}: another producer with the same id took over`);
      this.toFatal(fenced);
      return { action: 'fail', error: fenced };
    }
    if (code === ErrorCode.UNKNOWN_PRODUCER_ID || code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      if (this.isTransactional && !this.coordinatorCanBump) {
        const fatal = new FatalProducerError(code, `${err.message}; the transaction coordinator cannot bump the epoch (InitProducerId v3, KIP-360)`);
        this.toFatal(fatal);
        return { action: 'fail', error: fatal };
      }
      if (this.isTransactional) {
        const abortable = new TransactionAbortableError(code, err.message);
        this.bumpNeeded = true;
        this.toAbortable(abortable);
        return { action: 'fail', error: abortable };
      }
      this.bumpNeeded = true;
      // A record lost by the broker: the caller learns of it; unknown state: renumber and resend.
      return { action: code === ErrorCode.UNKNOWN_PRODUCER_ID ? 'bump-retry' : 'fail', error: err };
    }
    if (code === ErrorCode.TRANSACTION_ABORTABLE || code === ErrorCode.INVALID_TXN_STATE) {
      const abortable = new TransactionAbortableError(code, err.message);
      this.toAbortable(abortable);
      return { action: 'fail', error: abortable };
    }
    return { action: isRetriable(err) ? 'retry' : 'fail', error: err };
  }

  /** A batch of the open transaction failed for good: the transaction can only abort now. */
  onBatchFailed(err: Error, hadSequence: boolean): void {
    if (hadSequence) this.bumpNeeded = true;
    if (this.isTransactional && (this.stateValue === 'in-transaction' || this.stateValue === 'committing')) {
      this.toAbortable(err instanceof TransactionAbortableError || err instanceof FatalProducerError ? err : new TransactionAbortableError(ErrorCode.INVALID_TXN_STATE, `a record of the transaction could not be sent: ${err.message}`, { cause: err }));
    }
  }

  /** Idempotent producer, nothing on the wire: the epoch goes up by one (a fresh id when it would overflow). */
  async bumpIdempotentEpoch(): Promise<void> {
    if (this.producerEpoch >= 0x7fff) {
      this.producerId = -1;
      await this.initProducerId(false);
      return;
    }
    this.producerEpoch++;
    this.bumpNeeded = false;
  }

  /** Fatal error seen elsewhere (e.g. by the sender). */
  toFatal(err: Error): void {
    this.lastError = err;
    this.stateValue = 'fatal-error';
  }

  get error(): Error | null {
    return this.lastError;
  }

  private toAbortable(err: Error): void {
    if (err instanceof FatalProducerError || this.stateValue === 'fatal-error') {
      if (err instanceof FatalProducerError) this.toFatal(err);
      return;
    }
    if (!this.isTransactional) return;
    this.lastError = err;
    this.stateValue = 'abortable-error';
  }

  private checkNotFatal(): void {
    if (this.stateValue === 'fatal-error') throw this.lastError!;
  }

  private require(states: TransactionState[], op: string): void {
    this.checkNotFatal();
    if (!states.includes(this.stateValue)) {
      throw new KafkaError(ErrorCode.INVALID_TXN_STATE, `${op}() is not allowed while the producer is ${this.stateValue}`);
    }
  }

  /**
   * InitProducerId. `bump`: carry the current id and epoch so the broker bumps the epoch of the
   * same id (KIP-360), which needs v3+; otherwise a fresh id (or, transactional, the coordinator's
   * own bump that fences older instances).
   */
  private async initProducerId(bump: boolean): Promise<void> {
    const send = async (conn: Connection) => {
      if (this.isTransactional) this.coordinatorCanBump = conn.versionOf(Api.initProducerId) >= 3;
      const res = await conn.send(Api.initProducerId, {
        transactionalId: this.transactionalId,
        transactionTimeoutMs: this.settings.transactionTimeoutMs,
        producerId: bump ? this.producerId : -1,
        producerEpoch: bump ? this.producerEpoch : -1,
      });
      if (res.errorCode === ErrorCode.NONE) {
        this.producerId = res.producerId ?? -1;
        this.producerEpoch = res.producerEpoch;
      }
      return res.errorCode;
    };
    if (this.isTransactional) await this.coordinatorCall('InitProducerId', send);
    else await this.anyBrokerCall('InitProducerId', send);
    // The producer renumbers owed batches when it sees the new epoch (sequences restart at 0).
    this.bumpNeeded = false;
  }

  private async addPartitions(): Promise<void> {
    try {
      // Partitions asked for while a request is out go in the next one.
      while (this.toAdd.size > 0 && this.stateValue === 'in-transaction') {
        const batch = [...this.toAdd.values()];
        const byTopic = new Map<string, number[]>();
        for (const tp of batch) {
          let list = byTopic.get(tp.topic);
          if (!list) byTopic.set(tp.topic, (list = []));
          list.push(tp.partition);
        }
        await this.coordinatorCall('AddPartitionsToTxn', async (conn) => {
          const res = await conn.send(Api.addPartitionsToTxn, {
            v3AndBelowTransactionalId: this.transactionalId!,
            v3AndBelowProducerId: this.producerId,
            v3AndBelowProducerEpoch: this.producerEpoch,
            v3AndBelowTopics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
          });
          // Partition errors: the worst one decides (OPERATION_NOT_ATTEMPTED only says another failed).
          let code: number = ErrorCode.NONE;
          for (const t of res.resultsByTopicV3AndBelow ?? []) {
            for (const p of t.resultsByPartition) {
              if (p.partitionErrorCode !== ErrorCode.NONE && p.partitionErrorCode !== ErrorCode.OPERATION_NOT_ATTEMPTED) code = p.partitionErrorCode;
            }
          }
          return code;
        });
        for (const tp of batch) {
          const k = tpKey(tp.topic, tp.partition);
          this.toAdd.delete(k);
          this.added.add(k);
        }
        this.touched = true;
        this.onReady();
      }
    } catch (err) {
      this.toAbortable(err as Error);
      this.toAdd.clear();
      this.onReady();
    } finally {
      this.adding = null;
    }
  }

  private async endTxn(committed: boolean): Promise<void> {
    this.toAdd.clear();
    if (!this.touched) return; // nothing reached the coordinator: nothing to end
    await this.coordinatorCall('EndTxn', async (conn) => {
      const res = await conn.send(Api.endTxn, { transactionalId: this.transactionalId!, producerId: this.producerId, producerEpoch: this.producerEpoch, committed });
      return res.errorCode;
    });
    this.touched = false;
    this.added.clear();
  }

  private async txnOffsetCommit(group: ConsumerGroupMetadata, offsets: TxnOffset[]): Promise<void> {
    // One entry per partition, the last given winning (callers may pass every record's offset + 1).
    const last = new Map<string, TxnOffset>();
    for (const o of offsets) last.set(tpKey(o.topic, o.partition), o);
    const byTopic = new Map<string, TxnOffset[]>();
    for (const o of last.values()) {
      let list = byTopic.get(o.topic);
      if (!list) byTopic.set(o.topic, (list = []));
      list.push(o);
    }
    const deadline = this.cluster.options.clock() + this.settings.maxBlockMs;
    for (let attempt = 0; ; attempt++) {
      let code: number = ErrorCode.NONE;
      try {
        const conn = await findCoordinator(this.cluster, group.groupId, CoordinatorType.GROUP);
        const res = await conn.send(Api.txnOffsetCommit, {
          transactionalId: this.transactionalId!,
          groupId: group.groupId,
          producerId: this.producerId,
          producerEpoch: this.producerEpoch,
          generationId: group.generationId,
          memberId: group.memberId,
          groupInstanceId: group.groupInstanceId,
          topics: [...byTopic].map(([name, list]) => ({
            name,
            partitions: list.map((o) => ({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' })),
          })),
        });
        for (const t of res.topics) for (const p of t.partitions) if (p.errorCode !== ErrorCode.NONE) code = p.errorCode;
      } catch (err) {
        if (!isRetriable(err) || this.cluster.options.clock() >= deadline) throw err;
        code = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
      if (code === ErrorCode.NONE) return;
      this.throwUnlessRetriable('TxnOffsetCommit', code, deadline);
      await sleep(Math.min(backoffMs({ ...this.cluster.options, retryBackoffMs: COORDINATOR_BACKOFF_MS }, attempt), this.cluster.options.retryBackoffMaxMs));
    }
  }

  /** Sends to the transaction coordinator until NONE, re-finding it and backing off as the error says. */
  private async coordinatorCall(what: string, send: (conn: Connection) => Promise<number>): Promise<void> {
    const deadline = this.cluster.options.clock() + this.settings.maxBlockMs;
    for (let attempt = 0; ; attempt++) {
      let code: number;
      try {
        this.coordinator ??= await findCoordinator(this.cluster, this.transactionalId!, CoordinatorType.TRANSACTION);
        if (!this.coordinator.isOpen) {
          this.coordinator = null;
          continue;
        }
        code = await send(this.coordinator);
      } catch (err) {
        if (!isRetriable(err) || this.cluster.options.clock() >= deadline) throw err;
        this.coordinator = null;
        code = ErrorCode.COORDINATOR_NOT_AVAILABLE;
      }
      if (code === ErrorCode.NONE) return;
      if (code === ErrorCode.NOT_COORDINATOR || code === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.coordinator = null;
      this.throwUnlessRetriable(what, code, deadline);
      await sleep(Math.min(backoffMs({ ...this.cluster.options, retryBackoffMs: COORDINATOR_BACKOFF_MS }, attempt), this.cluster.options.retryBackoffMaxMs));
    }
  }

  private async anyBrokerCall(what: string, send: (conn: Connection) => Promise<number>): Promise<void> {
    const deadline = this.cluster.options.clock() + this.settings.maxBlockMs;
    for (let attempt = 0; ; attempt++) {
      let code: number;
      try {
        code = await send(await this.cluster.anyConnection());
      } catch (err) {
        // An unreachable cluster fails the first send after the usual retries, as without idempotence.
        if (!isRetriable(err) || attempt >= this.cluster.options.retries || this.cluster.options.clock() >= deadline) throw err;
        code = ErrorCode.NETWORK_EXCEPTION;
      }
      if (code === ErrorCode.NONE) return;
      this.throwUnlessRetriable(what, code, deadline);
      await sleep(backoffMs(this.cluster.options, attempt));
    }
  }

  /** Fencing is fatal; retriable codes (CONCURRENT_TRANSACTIONS included) pass until the deadline. */
  private throwUnlessRetriable(what: string, code: number, deadline: number): void {
    const err = new KafkaError(code);
    err.message = `${what} for ${this.transactionalId ?? `producer ${this.producerId}`}: ${err.message} (${err.errorName})`;
    if (code === ErrorCode.PRODUCER_FENCED || code === ErrorCode.INVALID_PRODUCER_EPOCH) {
      const fenced = new ProducerFencedError(err.message);
      this.toFatal(fenced);
      throw fenced;
    }
    if (code === ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED || code === ErrorCode.INVALID_PRODUCER_ID_MAPPING && what === 'EndTxn' || code === ErrorCode.UNSUPPORTED_VERSION) {
      const fatal = new FatalProducerError(code, err.message);
      this.toFatal(fatal);
      throw fatal;
    }
    const retriable = err.retriable || code === ErrorCode.CONCURRENT_TRANSACTIONS || code === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (!retriable || this.cluster.options.clock() >= deadline) {
      if (code === ErrorCode.INVALID_TXN_STATE && what !== 'EndTxn') throw new TransactionAbortableError(code, err.message);
      throw err;
    }
  }
}
