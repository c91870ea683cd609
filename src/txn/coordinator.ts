/**
 * The transaction coordinator (Kafka's TransactionCoordinator + TransactionStateManager): the
 * one owner of every transactional id's metadata. Each change is written to __transaction_state
 * before it is applied, so a restart replays to the same state (load()).
 *
 * State machine (Kafka's TransactionState):
 *   Empty / CompleteCommit / CompleteAbort --AddPartitions--> Ongoing
 *   Ongoing --EndTxn(commit)--> PrepareCommit --markers--> CompleteCommit
 *   Ongoing --EndTxn(abort) / timeout / InitProducerId fence--> PrepareAbort --markers--> CompleteAbort
 *   (PrepareEpochFence is the moment an Ongoing transaction's epoch is bumped before its abort;
 *    here it is never written, as in Kafka, and it is never observable between two calls.)
 * One operation at a time per transactional id: a call that finds one in progress gets
 * CONCURRENT_TRANSACTIONS, which clients retry (Kafka's pendingState).
 */
import { ErrorCode } from '../protocol/errors.js';
import type { TransactionLogValue } from '../protocol/generated/data/transaction-log-value.js';
import type { Logger } from '../log/logger.js';
import type { Marker } from './markers.js';
import type { TxnSettings } from './settings.js';

export type TxnState = 'Empty' | 'Ongoing' | 'PrepareCommit' | 'PrepareAbort' | 'CompleteCommit' | 'CompleteAbort' | 'Dead' | 'PrepareEpochFence';

/** Kafka's TransactionState ids, as stored in TransactionLogValue.transactionStatus. */
export const TXN_STATE_IDS: Record<TxnState, number> = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
};
const STATE_BY_ID = Object.fromEntries(Object.entries(TXN_STATE_IDS).map(([k, v]) => [v, k as TxnState])) as Record<number, TxnState>;

const NO_PRODUCER_ID = -1;
const NO_EPOCH = -1;
const MAX_EPOCH = 32767;
/** The epoch bump after this one would overflow: rotate to a new producer id (Kafka's isEpochExhausted). */
const isEpochExhausted = (epoch: number) => epoch >= MAX_EPOCH - 1;

export interface TxnMetadata {
  transactionalId: string;
  producerId: number;
  previousProducerId: number;
  producerEpoch: number;
  lastProducerEpoch: number;
  timeoutMs: number;
  state: TxnState;
  /** topic -> partition indexes in the transaction. */
  partitions: Map<string, Set<number>>;
  startTimestampMs: number;
  lastUpdateTimestampMs: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

/** What the coordinator needs from the broker (tests give fakes). */
export interface CoordinatorDeps {
  /** Durably writes a state record (null = tombstone). */
  writeState(transactionalId: string, value: TransactionLogValue | null): Promise<void>;
  /** Replays the state log. */
  loadState(replay: (transactionalId: string, value: TransactionLogValue | null) => void): Promise<void>;
  /** Writes one marker to one partition; resolves once written (missing partitions are skipped). */
  writeMarker(tp: TopicPartition, marker: Marker): Promise<void>;
  allocateProducerId(): Promise<number>;
  /**
   * Cluster mode: whether this broker coordinates the id now (it leads the id's __transaction_state
   * partition and has replayed it); other ids get NOT_COORDINATOR and are left alone by timeouts.
   */
  ownsTransactionalId?(transactionalId: string): boolean;
  settings: TxnSettings;
  clock: () => number;
  logger: Logger;
}

export interface InitProducerIdResult {
  errorCode: number;
  producerId: number;
  producerEpoch: number;
}

const COORDINATOR_EPOCH = 0;

export class TransactionCoordinator {
  private readonly txns = new Map<string, TxnMetadata>();
  /** Transactional ids with an operation in flight. */
  private readonly busy = new Set<string>();
  private loading: Promise<void> | null = null;
  private loadedFlag = false;
  /** Transactions completed (markers written, Complete* stored) since start; read by metrics. */
  readonly completed = { commits: 0, aborts: 0 };

  constructor(private readonly deps: CoordinatorDeps) {}

  /** Replays __transaction_state once, then finishes transactions caught in Prepare*. */
  ensureLoaded(): Promise<void> {
    if (this.loadedFlag) return Promise.resolve();
    this.loading ??= this.load();
    return this.loading;
  }

  get loaded(): boolean {
    return this.loadedFlag;
  }

  /** Cluster mode: replays the log again (this broker just became leader of a state partition). */
  async reload(): Promise<void> {
    if (this.loading) await this.loading.catch(() => undefined);
    this.loadedFlag = false;
    this.loading = this.load();
    await this.loading;
  }

  private owns(transactionalId: string): boolean {
    return this.deps.ownsTransactionalId?.(transactionalId) ?? true;
  }

  describe(transactionalId: string): TxnMetadata | undefined {
    return this.txns.get(transactionalId);
  }

  list(): TxnMetadata[] {
    return [...this.txns.values()];
  }

  async initProducerId(transactionalId: string | null, timeoutMs: number, expectedProducerId = NO_PRODUCER_ID, expectedEpoch = NO_EPOCH): Promise<InitProducerIdResult> {
    if (transactionalId === null) {
      return { errorCode: ErrorCode.NONE, producerId: await this.deps.allocateProducerId(), producerEpoch: 0 };
    }
    if (transactionalId === '') return failure(ErrorCode.INVALID_REQUEST);
    if (timeoutMs <= 0 || timeoutMs > this.deps.settings.maxTimeoutMs) return failure(ErrorCode.INVALID_TRANSACTION_TIMEOUT);
    if (!this.owns(transactionalId)) return failure(ErrorCode.NOT_COORDINATOR);
    await this.ensureLoaded();
    if (this.busy.has(transactionalId)) return failure(ErrorCode.CONCURRENT_TRANSACTIONS);
    this.busy.add(transactionalId);
    try {
      let meta = this.txns.get(transactionalId);
      if (!meta || meta.state === 'Dead') {
        meta = newMetadata(transactionalId, await this.deps.allocateProducerId(), timeoutMs, this.deps.clock());
      }
      if (expectedProducerId !== NO_PRODUCER_ID && !isValidProducerId(meta, expectedProducerId, expectedEpoch)) return failure(ErrorCode.PRODUCER_FENCED);
      switch (meta.state) {
        case 'PrepareCommit':
        case 'PrepareAbort':
        case 'PrepareEpochFence':
          return failure(ErrorCode.CONCURRENT_TRANSACTIONS);
        case 'Ongoing':
          // A new producer instance fences the old one: bump the epoch and abort its transaction.
          // The client retries (CONCURRENT_TRANSACTIONS) and then finds CompleteAbort.
          await this.fenceAndAbort(meta);
          return failure(ErrorCode.CONCURRENT_TRANSACTIONS);
        default:
          return await this.bumpEpoch(meta, timeoutMs, expectedProducerId === NO_PRODUCER_ID ? null : expectedEpoch);
      }
    } finally {
      this.busy.delete(transactionalId);
    }
  }

  /** Adds partitions to the transaction; the error applies to all of them. */
  async addPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartition[]): Promise<number> {
    await this.ensureLoaded();
    const meta = this.txns.get(transactionalId);
    const problem = this.checkProducer(meta, transactionalId, producerId, producerEpoch);
    if (problem !== ErrorCode.NONE) return problem;
    if (meta!.state === 'PrepareCommit' || meta!.state === 'PrepareAbort') return ErrorCode.CONCURRENT_TRANSACTIONS;
    if (meta!.state === 'Ongoing' && partitions.every((tp) => meta!.partitions.get(tp.topic)?.has(tp.partition))) return ErrorCode.NONE;
    this.busy.add(transactionalId);
    try {
      const now = this.deps.clock();
      const next = copyMetadata(meta!);
      if (next.state !== 'Ongoing') {
        next.startTimestampMs = now;
        next.partitions.clear();
      }
      next.state = 'Ongoing';
      for (const tp of partitions) {
        let set = next.partitions.get(tp.topic);
        if (!set) next.partitions.set(tp.topic, (set = new Set()));
        set.add(tp.partition);
      }
      next.lastUpdateTimestampMs = now;
      return await this.persist(next);
    } finally {
      this.busy.delete(transactionalId);
    }
  }

  /** Which partitions are in the open transaction (AddPartitionsToTxn v4+ verifyOnly). */
  verifyPartitions(transactionalId: string, producerId: number, producerEpoch: number, partitions: TopicPartition[]): number[] {
    const meta = this.txns.get(transactionalId);
    const ok = meta && meta.producerId === producerId && meta.producerEpoch === producerEpoch && meta.state === 'Ongoing';
    return partitions.map((tp) => (ok && meta!.partitions.get(tp.topic)?.has(tp.partition) ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE));
  }

  /**
   * Whether a transactional batch may be written to this partition (KIP-890 part 1, Kafka 3.6+
   * `transaction.partition.verification.enable`): only while the partition is in the producer's
   * ongoing transaction, so a late write can never open a transaction nobody will end.
   */
  verifyWrite(transactionalId: string, producerId: number, producerEpoch: number, tp: TopicPartition): number {
    const meta = this.txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (producerEpoch < meta.producerEpoch) return ErrorCode.INVALID_PRODUCER_EPOCH;
    if (producerEpoch !== meta.producerEpoch || meta.state !== 'Ongoing' || !meta.partitions.get(tp.topic)?.has(tp.partition)) return ErrorCode.INVALID_TXN_STATE;
    return ErrorCode.NONE;
  }

  /** Checks a TxnOffsetCommit's producer against the transaction (Kafka checks it in the group coordinator). */
  checkTxnProducer(transactionalId: string, producerId: number, producerEpoch: number): number {
    const meta = this.txns.get(transactionalId);
    if (!meta || meta.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (meta.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    return ErrorCode.NONE;
  }

  async endTxn(transactionalId: string, producerId: number, producerEpoch: number, commit: boolean): Promise<number> {
    await this.ensureLoaded();
    const meta = this.txns.get(transactionalId);
    const problem = this.checkProducer(meta, transactionalId, producerId, producerEpoch);
    if (problem !== ErrorCode.NONE) return problem;
    const m = meta!;
    switch (m.state) {
      case 'Ongoing':
        break;
      case 'CompleteCommit':
        return commit ? ErrorCode.NONE : ErrorCode.INVALID_TXN_STATE;
      case 'CompleteAbort':
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.NONE;
      case 'PrepareCommit':
        return commit ? ErrorCode.CONCURRENT_TRANSACTIONS : ErrorCode.INVALID_TXN_STATE;
      case 'PrepareAbort':
        return commit ? ErrorCode.INVALID_TXN_STATE : ErrorCode.CONCURRENT_TRANSACTIONS;
      default:
        return ErrorCode.INVALID_TXN_STATE;
    }
    this.busy.add(transactionalId);
    try {
      const prepared = copyMetadata(m);
      prepared.state = commit ? 'PrepareCommit' : 'PrepareAbort';
      prepared.lastUpdateTimestampMs = this.deps.clock();
      const error = await this.persist(prepared);
      if (error !== ErrorCode.NONE) return error;
      return await this.complete(this.txns.get(transactionalId)!);
    } finally {
      this.busy.delete(transactionalId);
    }
  }

  /**
   * Aborts transactions open longer than their timeout (bumping the epoch, so the old producer is
   * fenced), retries transactions stuck in Prepare*, and expires idle transactional ids. Run
   * every `abortTimedOutCheckIntervalMs`; tests call it with an injected clock.
   */
  async runTimeouts(): Promise<void> {
    if (!this.loadedFlag) return;
    const now = this.deps.clock();
    const work: Promise<unknown>[] = [];
    for (const meta of this.txns.values()) {
      const id = meta.transactionalId;
      if (this.busy.has(id) || !this.owns(id)) continue;
      if (meta.state === 'Ongoing' && meta.startTimestampMs + meta.timeoutMs <= now) {
        this.deps.logger.info({ transactionalId: id, producerId: meta.producerId, timeoutMs: meta.timeoutMs }, 'aborting a timed out transaction');
        work.push(this.exclusive(id, () => this.fenceAndAbort(meta)));
      } else if (meta.state === 'PrepareCommit' || meta.state === 'PrepareAbort') {
        work.push(this.exclusive(id, () => this.complete(meta)));
      } else if (isIdle(meta) && meta.lastUpdateTimestampMs + this.deps.settings.transactionalIdExpirationMs <= now) {
        work.push(this.exclusive(id, () => this.expire(meta)));
      }
    }
    await Promise.all(work.map((p) => p.catch((err) => this.deps.logger.warn({ err: String(err) }, 'transaction timeout handling failed'))));
  }

  private async exclusive<T>(id: string, fn: () => Promise<T>): Promise<T | undefined> {
    if (this.busy.has(id)) return undefined;
    this.busy.add(id);
    try {
      return await fn();
    } finally {
      this.busy.delete(id);
    }
  }

  private checkProducer(meta: TxnMetadata | undefined, transactionalId: string, producerId: number, producerEpoch: number): number {
    if (!this.owns(transactionalId)) return ErrorCode.NOT_COORDINATOR;
    if (!meta || meta.state === 'Dead') return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (meta.producerId !== producerId) return ErrorCode.INVALID_PRODUCER_ID_MAPPING;
    if (meta.producerEpoch !== producerEpoch) return ErrorCode.PRODUCER_FENCED;
    if (this.busy.has(transactionalId)) return ErrorCode.CONCURRENT_TRANSACTIONS;
    return ErrorCode.NONE;
  }

  /** Kafka's prepareIncrementProducerEpoch / prepareProducerIdRotation, then persist. */
  private async bumpEpoch(meta: TxnMetadata, timeoutMs: number, expectedEpoch: number | null): Promise<InitProducerIdResult> {
    const next = copyMetadata(meta);
    if (expectedEpoch !== null && meta.producerEpoch !== NO_EPOCH && expectedEpoch !== meta.producerEpoch) {
      // A retry of a bump whose answer was lost: hand back the current epoch unchanged.
      if (expectedEpoch === meta.lastProducerEpoch) return { errorCode: ErrorCode.NONE, producerId: meta.producerId, producerEpoch: meta.producerEpoch };
      return failure(ErrorCode.PRODUCER_FENCED);
    }
    if (isEpochExhausted(meta.producerEpoch)) {
      next.previousProducerId = meta.producerId;
      next.producerId = await this.deps.allocateProducerId();
      next.producerEpoch = 0;
      next.lastProducerEpoch = NO_EPOCH;
    } else {
      next.producerEpoch = meta.producerEpoch + 1;
      next.lastProducerEpoch = expectedEpoch === null ? NO_EPOCH : meta.producerEpoch;
    }
    const now = this.deps.clock();
    next.timeoutMs = timeoutMs;
    next.state = 'Empty';
    next.partitions = new Map();
    next.startTimestampMs = -1;
    next.lastUpdateTimestampMs = now;
    const error = await this.persist(next);
    if (error !== ErrorCode.NONE) return failure(error);
    return { errorCode: ErrorCode.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch };
  }

  /** Bumps the epoch of an Ongoing transaction and aborts it with the new epoch. */
  private async fenceAndAbort(meta: TxnMetadata): Promise<number> {
    const next = copyMetadata(meta);
    if (!isEpochExhausted(meta.producerEpoch)) {
      next.lastProducerEpoch = meta.producerEpoch;
      next.producerEpoch = meta.producerEpoch + 1;
    }
    next.state = 'PrepareAbort';
    next.lastUpdateTimestampMs = this.deps.clock();
    const error = await this.persist(next);
    if (error !== ErrorCode.NONE) return error;
    return this.complete(this.txns.get(meta.transactionalId)!);
  }

  /** Writes the markers of a Prepare* transaction, then its Complete* state. */
  private async complete(meta: TxnMetadata): Promise<number> {
    const commit = meta.state === 'PrepareCommit';
    const marker: Marker = { producerId: meta.producerId, producerEpoch: meta.producerEpoch, commit, coordinatorEpoch: COORDINATOR_EPOCH };
    const targets: TopicPartition[] = [];
    for (const [topic, set] of meta.partitions) for (const partition of set) targets.push({ topic, partition });
    try {
      await Promise.all(targets.map((tp) => this.deps.writeMarker(tp, marker)));
    } catch (err) {
      // Left in Prepare*: runTimeouts() retries. The client's EndTxn retry gets CONCURRENT_TRANSACTIONS.
      this.deps.logger.warn({ transactionalId: meta.transactionalId, err: String(err) }, 'writing transaction markers failed');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    const done = copyMetadata(meta);
    done.state = commit ? 'CompleteCommit' : 'CompleteAbort';
    done.partitions = new Map();
    done.lastUpdateTimestampMs = this.deps.clock();
    const error = await this.persist(done);
    if (error === ErrorCode.NONE) {
      if (commit) this.completed.commits++;
      else this.completed.aborts++;
    }
    return error;
  }

  private async expire(meta: TxnMetadata): Promise<void> {
    try {
      await this.deps.writeState(meta.transactionalId, null);
      this.txns.delete(meta.transactionalId);
    } catch (err) {
      this.deps.logger.warn({ transactionalId: meta.transactionalId, err: String(err) }, 'expiring a transactional id failed');
    }
  }

  /** Writes then applies; NOT_COORDINATOR when the log refuses (the client retries elsewhere, here). */
  private async persist(next: TxnMetadata): Promise<number> {
    try {
      await this.deps.writeState(next.transactionalId, toLogValue(next));
    } catch (err) {
      this.deps.logger.warn({ transactionalId: next.transactionalId, err: String(err) }, 'writing transaction state failed');
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    }
    this.txns.set(next.transactionalId, next);
    return ErrorCode.NONE;
  }

  private async load(): Promise<void> {
    await this.deps.loadState((id, value) => {
      if (value === null) this.txns.delete(id);
      else this.txns.set(id, fromLogValue(id, value));
    });
    this.loadedFlag = true;
    // Transactions caught between prepare and complete by a crash are finished now.
    await Promise.all(
      [...this.txns.values()]
        .filter((m) => (m.state === 'PrepareCommit' || m.state === 'PrepareAbort') && this.owns(m.transactionalId))
        .map((m) => this.exclusive(m.transactionalId, () => this.complete(m))),
    );
  }
}

function isValidProducerId(meta: TxnMetadata, producerId: number, epoch: number): boolean {
  return meta.producerEpoch === NO_EPOCH || producerId === meta.producerId || (producerId === meta.previousProducerId && isEpochExhausted(epoch));
}

function isIdle(meta: TxnMetadata): boolean {
  return meta.state === 'Empty' || meta.state === 'CompleteCommit' || meta.state === 'CompleteAbort';
}

function failure(errorCode: number): InitProducerIdResult {
  return { errorCode, producerId: NO_PRODUCER_ID, producerEpoch: NO_EPOCH };
}

function newMetadata(transactionalId: string, producerId: number, timeoutMs: number, nowMs: number): TxnMetadata {
  return {
    transactionalId,
    producerId,
    previousProducerId: NO_PRODUCER_ID,
    producerEpoch: NO_EPOCH,
    lastProducerEpoch: NO_EPOCH,
    timeoutMs,
    state: 'Empty',
    partitions: new Map(),
    startTimestampMs: -1,
    lastUpdateTimestampMs: nowMs,
  };
}

function copyMetadata(m: TxnMetadata): TxnMetadata {
  return { ...m, partitions: new Map([...m.partitions].map(([t, s]) => [t, new Set(s)])) };
}

export function toLogValue(m: TxnMetadata): TransactionLogValue {
  return {
    producerId: m.producerId,
    previousProducerId: m.previousProducerId,
    producerEpoch: m.producerEpoch,
    transactionTimeoutMs: m.timeoutMs,
    transactionStatus: TXN_STATE_IDS[m.state],
    transactionPartitions: m.partitions.size === 0 ? null : [...m.partitions].map(([topic, set]) => ({ topic, partitionIds: [...set] })),
    transactionLastUpdateTimestampMs: m.lastUpdateTimestampMs,
    transactionStartTimestampMs: m.startTimestampMs,
  };
}

export function fromLogValue(transactionalId: string, v: TransactionLogValue): TxnMetadata {
  return {
    transactionalId,
    producerId: v.producerId,
    previousProducerId: v.previousProducerId ?? NO_PRODUCER_ID,
    producerEpoch: v.producerEpoch,
    lastProducerEpoch: NO_EPOCH,
    timeoutMs: v.transactionTimeoutMs,
    state: STATE_BY_ID[v.transactionStatus] ?? 'Dead',
    partitions: new Map((v.transactionPartitions ?? []).map((p) => [p.topic, new Set(p.partitionIds)])),
    startTimestampMs: v.transactionStartTimestampMs,
    lastUpdateTimestampMs: v.transactionLastUpdateTimestampMs,
  };
}
