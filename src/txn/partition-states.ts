/**
 * Owner of every partition's producer state (one PartitionTxnState per Partition object). State
 * is loaded on first use (snapshot + replay, see producer-state-loader.ts); while it loads, every
 * producer append to the partition waits, so replay and live appends never interleave.
 * A snapshot is written every `snapshotEveryChanges` producer batches or markers, once the
 * appends it covers have reached the OS.
 */
import type { Logger } from '../log/logger.js';
import type { Partition } from '../broker/partition.js';
import type { ProducerStateManager } from './producer-state.js';
import { loadProducerState } from './producer-state-loader.js';
import { decodeSnapshot, encodeSnapshot, SNAPSHOT_FILE } from './producer-snapshot.js';

export interface PartitionStatesOptions {
  snapshotEveryChanges: number;
  producerIdExpirationMs: number;
  clock: () => number;
  logger: Logger;
  /** Called when a loaded partition has open transactions (the coordinator must resolve them). */
  onOpenTransactions?: () => void;
}

export class PartitionTxnState {
  private loaded: ProducerStateManager | null = null;
  private loading: Promise<ProducerStateManager> | null = null;
  private lastWrite: Promise<unknown> = Promise.resolve();
  private changesSinceSnapshot = 0;
  private snapshotRunning: Promise<void> | null = null;

  constructor(
    readonly partition: Partition,
    private readonly options: PartitionStatesOptions,
  ) {}

  /** The state if already loaded (synchronous fast path), else null. */
  get now(): ProducerStateManager | null {
    return this.loaded;
  }

  /** The loaded state. */
  ready(): Promise<ProducerStateManager> {
    if (this.loaded) return Promise.resolve(this.loaded);
    this.loading ??= this.load().finally(() => (this.loading = null));
    return this.loading;
  }

  /**
   * Forgets the loaded state (cluster mode: the log was truncated, or this broker became leader
   * after appending as a follower, which does not track producers). A snapshot taken past
   * `validBelowOffset` described bytes that are gone: it is emptied, so the next load replays
   * the log instead. The next producer append reloads (snapshot + replay to the log end).
   */
  async invalidate(validBelowOffset: number): Promise<void> {
    if (this.loading) await this.loading.catch(() => undefined);
    await this.snapshotRunning?.catch(() => undefined);
    this.loaded = null;
    this.changesSinceSnapshot = 0;
    const log = this.partition.log;
    const bytes = log.readStateFile ? await log.readStateFile(SNAPSHOT_FILE).catch(() => null) : null;
    const snapshot = bytes ? decodeSnapshot(bytes) : null;
    if (bytes && (!snapshot || snapshot.offset > validBelowOffset)) await log.writeStateFile?.(SNAPSHOT_FILE, Buffer.alloc(0));
  }

  /** Call right after a producer append or marker was handed to the log (same tick). */
  noteWrite(written: Promise<unknown>): void {
    this.lastWrite = written;
    if (++this.changesSinceSnapshot >= this.options.snapshotEveryChanges) void this.snapshot().catch(() => undefined);
  }

  /** Writes a snapshot of the state as of the log end now. */
  snapshot(): Promise<void> {
    const state = this.loaded;
    const log = this.partition.log;
    if (!state || !log.writeStateFile) return Promise.resolve();
    if (this.snapshotRunning) return this.snapshotRunning;
    this.changesSinceSnapshot = 0;
    state.expireProducers(this.options.clock(), this.options.producerIdExpirationMs);
    const bytes = encodeSnapshot(state, log.logEndOffset);
    const written = this.lastWrite;
    this.snapshotRunning = (async () => {
      // The snapshot must not claim batches the OS does not have yet.
      await written.catch(() => undefined);
      await log.writeStateFile!(SNAPSHOT_FILE, bytes);
    })().finally(() => (this.snapshotRunning = null));
    return this.snapshotRunning;
  }

  private async load(): Promise<ProducerStateManager> {
    const partition = this.partition;
    const loaded = await loadProducerState(partition.log, () => partition.producerStateEndOffset);
    this.loaded = loaded.state;
    if (loaded.batchesReplayed > 0) {
      this.options.logger.debug(
        { topic: partition.topic, partition: partition.index, from: loaded.replayedFromOffset, batches: loaded.batchesReplayed },
        'producer state rebuilt from the log',
      );
    }
    if (loaded.state.ongoingCount > 0) this.options.onOpenTransactions?.();
    return loaded.state;
  }
}

export class PartitionStates {
  /** Keyed by the Partition object: a deleted topic's state goes with it. */
  private readonly states = new WeakMap<Partition, PartitionTxnState>();

  constructor(private readonly options: PartitionStatesOptions) {}

  for(partition: Partition): PartitionTxnState {
    let state = this.states.get(partition);
    if (!state) {
      state = new PartitionTxnState(partition, this.options);
      this.states.set(partition, state);
    }
    return state;
  }

  /** The loaded producer state of `partition`, without loading it (metrics read this). */
  peek(partition: Partition): ProducerStateManager | null {
    return this.states.get(partition)?.now ?? null;
  }

    /** Snapshots the loaded state of these partitions (clean shutdown). */
  async snapshotAll(partitions: Iterable<Partition>): Promise<void> {
    const work: Promise<void>[] = [];
    for (const p of partitions) {
      const state = this.states.get(p);
      if (state?.now) work.push(state.snapshot().catch(() => undefined));
    }
    await Promise.all(work);
  }
}
