/**
 * The read-only view of broker state that scrapes read. Kept as an interface so the metrics code
 * does not depend on the Broker class, and tests can hand in plain objects.
 */

export interface PartitionView {
  readonly index: number;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly log: {
    readonly sizeBytes: number;
    /** File store: base offsets of the segments (read duck-typed; the memory store has none). */
    readonly segmentBaseOffsets?: readonly number[];
    readonly segmentCount?: number;
  };
}

export interface TopicView {
  readonly name: string;
  readonly partitions: readonly PartitionView[];
}

/**
 * One consumer group as the group coordinator sees it. The coordinator (src/group) hands an
 * object with `groups()` to `BrokerMetrics.groupSource`; lag is computed here from the
 * committed offsets and the partitions' high watermarks.
 */
export interface GroupSnapshot {
  readonly groupId: string;
  /** Kafka's state name: Stable, PreparingRebalance, CompletingRebalance, Empty, Dead. */
  readonly state: string;
  readonly members: number;
  /** Rebalances completed since the broker started, when the coordinator counts them. */
  readonly rebalances?: number;
  readonly offsets: Iterable<{ readonly topic: string; readonly partition: number; readonly committedOffset: number }>;
}

export interface GroupMetricsSource {
  groups(): Iterable<GroupSnapshot>;
}

/** Producer ids and transactions, read from src/txn at scrape time. */
export interface TransactionsView {
  /** Producer ids with state in the partitions of this broker (Kafka: ProducerIdCount, summed). */
  readonly producerIds: number;
  /** Transactions the coordinator has open (Ongoing, PrepareCommit, PrepareAbort). */
  readonly ongoing: number;
  readonly commits: number;
  readonly aborts: number;
}

/** Storage counters (src/storage/activity.ts); the memory store keeps none. */
export interface StorageView {
  readonly retentionSegmentsDeleted: number;
  readonly cleanerRuns: number;
  readonly cleanerBytesRead: number;
  readonly cleanerBytesWritten: number;
  readonly cleanerLastDurationMs: number;
}

export interface BrokerView {
  readonly nodeId: number;
  readonly clusterId: string;
  connectionCount(): number;
  topics(): Iterable<TopicView>;
  storage?(): StorageView | null;
  transactions?(): TransactionsView;
}
