/**
 * Everything exactly-once needs, owned by the Broker (`broker.txn`): producer state of every
 * partition, the producer id allocator and the transaction coordinator, plus the timer that
 * aborts timed-out transactions. Settings come from `broker.config.txn` (txnSettingsFromConfig).
 */
import type { Broker } from '../broker/broker.js';
import type { Partition } from '../broker/partition.js';
import type { TxnProducer } from '../group/group-log.js';
import { TransactionCoordinator } from './coordinator.js';
import { appendCoordinatorBatch, writeMarker, type Marker } from './markers.js';
import { PartitionStates } from './partition-states.js';
import { fileProducerIdStore, memoryProducerIdStore, PRODUCER_ID_BLOCK_FILE, ProducerIdManager } from './producer-ids.js';
import type { TxnSettings } from './settings.js';
import { TxnStateLog } from './txn-log.js';
import { OFFSETS_TOPIC_NAME } from './group-offsets.js';
import { TxnLeadership } from '../cluster/txn-leadership.js';

export class TxnServices {
  readonly settings: TxnSettings;
  readonly partitionStates: PartitionStates;
  readonly stateLog: TxnStateLog;
  readonly producerIds: ProducerIdManager;
  readonly coordinator: TransactionCoordinator;
  /** Cluster mode: which transactional ids this broker coordinates, and markers to other leaders. */
  private readonly leadership: TxnLeadership | null;
  private timer: NodeJS.Timeout | null = null;

  constructor(readonly broker: Broker, settings: TxnSettings) {
    this.settings = settings;
    const clock = broker.clock;
    const logger = broker.logger;
    this.partitionStates = new PartitionStates({
      snapshotEveryChanges: settings.snapshotEveryChanges,
      producerIdExpirationMs: settings.producerIdExpirationMs,
      clock,
      logger,
      // A partition with open transactions after a restart: load the coordinator so their
      // timeouts run (and Prepare* ones complete) even if no producer comes back.
      onOpenTransactions: () => void this.start().catch(() => undefined),
    });
    this.stateLog = new TxnStateLog({
      topics: broker.topics,
      numPartitions: settings.stateLogNumPartitions,
      segmentBytes: settings.stateLogSegmentBytes,
      clock,
      logger,
    });
    const dataDir = broker.topics.store.dataDir;
    // Cluster mode: producer id blocks are claimed in etcd, so no two brokers hand out the same id.
    const idStore = broker.cluster ?? (dataDir ? fileProducerIdStore(dataDir, () => this.stateLog.legacyStateFile(PRODUCER_ID_BLOCK_FILE)) : memoryProducerIdStore());
    this.producerIds = new ProducerIdManager(idStore, settings.producerIdBlockSize);
    this.leadership = broker.cluster ? new TxnLeadership(broker.cluster, logger, () => this.coordinator.reload()) : null;
    const leadership = this.leadership;
    const writeLocalMarker = async (tp: { topic: string; partition: number }, marker: Marker) => {
      const partition = broker.topics.get(tp.topic)?.partitions[tp.partition];
      if (partition) await this.writeMarker(partition, marker);
    };
    this.coordinator = new TransactionCoordinator({
      writeState: (id, value) => this.stateLog.append(id, value),
      loadState: (replay) => this.stateLog.load(replay),
      writeMarker: (tp, marker) => (leadership ? leadership.writeMarker(tp, marker, () => writeLocalMarker(tp, marker)) : writeLocalMarker(tp, marker)),
      ...(leadership ? { ownsTransactionalId: (id: string) => leadership.ownsTransactionalId(id) } : {}),
      allocateProducerId: () => this.producerIds.allocate(),
      settings,
      clock,
      logger,
    });
  }

  /**
   * Writes a COMMIT/ABORT marker to a partition (false: a newer epoch holds it). In a
   * __consumer_offsets partition the group coordinator then commits or drops the offsets the
   * transaction wrote there (Kafka's WriteTxnMarkers -> onTransactionCompleted).
   */
  async writeMarker(partition: Partition, marker: Marker): Promise<boolean> {
    const written = await writeMarker(this.partitionStates, partition, marker, this.broker.clock());
    if (written && partition.topic === OFFSETS_TOPIC_NAME) {
      this.broker.groups.coordinator.onTransactionCompleted(marker.producerId, partition.index, marker.commit);
    }
    return written;
  }

  /** The group coordinator's transactional batch (TxnOffsetCommit), through the partition's producer state. */
  appendCoordinatorBatch(partition: Partition, batch: Buffer, recordCount: number, txn: TxnProducer, timestampMs: number): Promise<void> {
    return appendCoordinatorBatch(this.partitionStates, partition, batch, recordCount, txn, timestampMs);
  }

  /** Whether this broker coordinates the transactional id (always on a single node). */
  coordinates(transactionalId: string): boolean {
    return this.leadership?.ownsTransactionalId(transactionalId) ?? true;
  }

  /** Loads the coordinator and starts the timeout timer (idempotent). */
  async start(): Promise<void> {
    if (!this.timer) {
      this.timer = setInterval(() => void this.coordinator.runTimeouts().catch(() => undefined), this.settings.abortTimedOutCheckIntervalMs);
      this.timer.unref();
    }
    await this.coordinator.ensureLoaded();
  }

  /**
   * Stops the timer and snapshots producer state, so the next start replays nothing. Call from
   * Broker.stop() before the store closes.
   */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.leadership?.close();
    await this.partitionStates.snapshotAll(this.broker.topics.list().flatMap((t) => t.partitions));
  }
}
