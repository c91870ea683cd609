/**
 * The producer's identity (producer id and epoch) and, with a transactional id, its transaction
 * state machine (Java's TransactionManager):
 *
 *   uninitialized --initTransactions--> ready --beginTransaction--> in-transaction
 *   in-transaction --commit--> ready;  in-transaction | abortable-error --abort--> ready
 *   any --fenced / unrecoverable--> fatal-error (only close() is left)
 *
 * Requests and their retries: txn-requests.ts.
 *
 * An idempotent producer without a transactional id gets its id from any broker on first send;
 * when its sequence state is lost (UNKNOWN_PRODUCER_ID, a real sequence gap) it bumps its own
 * epoch and restarts sequences at 0, which brokers accept from a known producer id (KIP-360; Java
 * does the same, and takes a fresh id when the epoch would overflow). A transactional producer
 * asks its coordinator for the bump when it aborts (InitProducerId v3+ with the current id and
 * epoch); a coordinator without v3 makes the lost sequence state fatal, as in Java.
 */
import type { Cluster } from './cluster.js';
import { ErrorCode, FatalProducerError, isRetriable, KafkaError, ProducerFencedError, TransactionAbortableError } from './errors.js';
import { TxnRequests, type ConsumerGroupMetadata, type ProducerIdAndEpoch, type TxnOffset, type TxnRequestSettings } from './txn-requests.js';

export type { ConsumerGroupMetadata, TxnOffset } from './txn-requests.js';

export type TransactionState = 'uninitialized' | 'ready' | 'in-transaction' | 'committing' | 'aborting' | 'abortable-error' | 'fatal-error';

const tpKey = (topic: string, partition: number) => `${topic}\0${partition}`;

export class TransactionManager {
  producerId = -1;
  producerEpoch = -1;
  readonly transactionalId: string | null;
  private stateValue: TransactionState;
  private lastError: Error | null = null;
  private readonly requests: TxnRequests;
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
    cluster: Cluster,
    settings: TxnRequestSettings,
    /** Called when sending may resume or queued batches must fail (partitions added, state changed). */
    private readonly onReady: () => void,
  ) {
    this.requests = new TxnRequests(cluster, settings);
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
    this.onReady(); // queued resends fail now (nothing may be left to wake the sender)
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
      await this.fatalAware(this.requests.addOffsets(this.id, group.groupId));
      this.touched = true;
      await this.fatalAware(this.requests.txnOffsetCommit(this.id, group, offsets));
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
    if (code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) {
      // Not the oldest: fallout of an earlier batch's failure, which resolves first.
      if (!isOldest && !this.bumpNeeded) return { action: 'retry', error: err };
      // A gap already known (an earlier batch failed): the bump renumbers this one.
      if (this.bumpNeeded && !this.isTransactional) return { action: 'bump-retry', error: err };
    }
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
    queueMicrotask(this.onReady); // queued batches fail now rather than wait
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
    queueMicrotask(this.onReady);
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

  /** InitProducerId; `bump` carries the current id and epoch (KIP-360 recovery) instead of asking for a new one. */
  private async initProducerId(bump: boolean): Promise<void> {
    const res = await this.fatalAware(this.requests.initProducerId(bump ? this.id : null));
    this.producerId = res.producerId;
    this.producerEpoch = res.producerEpoch;
    if (this.isTransactional) this.coordinatorCanBump = res.canBump;
    // The producer renumbers owed batches when it sees the new epoch (sequences restart at 0).
    this.bumpNeeded = false;
  }

  private get id(): ProducerIdAndEpoch {
    return { producerId: this.producerId, producerEpoch: this.producerEpoch };
  }

  /** Fatal errors from the requests move the producer to fatal-error on their way to the caller. */
  private async fatalAware<T>(request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (err) {
      if (err instanceof FatalProducerError) this.toFatal(err);
      throw err;
    }
  }

  /** Partitions asked for while a request is out go in the next one. */
  private async addPartitions(): Promise<void> {
    try {
      while (this.toAdd.size > 0 && this.stateValue === 'in-transaction') {
        const batch = [...this.toAdd.values()];
        await this.fatalAware(this.requests.addPartitions(this.id, batch));
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
    await this.fatalAware(this.requests.endTxn(this.id, committed));
    this.touched = false;
    this.added.clear();
  }
}
