/**
 * The storage contract. The broker only talks to partitions through these interfaces, so the
 * file store and the in-memory store are interchangeable and pass one conformance suite
 * (test/storage/conformance.ts).
 *
 * Ownership: a PartitionLog owns its segments, indexes and end offsets. Nobody else writes them.
 * Offsets are JS numbers: exact up to 2^53, far beyond any real log.
 */

import type { AbortedTxnEntry } from './txn-index.js';
import type { EpochEndOffset } from './leader-epoch-cache.js';
import type { WriteBacklog } from './write-backlog.js';

export type { AbortedTxnEntry } from './txn-index.js';

/** Per-partition settings, Kafka topic config names in camelCase with units last. */
export interface LogConfig {
  /** `segment.bytes`: roll the active segment when it would grow past this. */
  segmentBytes: number;
  /** `segment.ms`: roll the active segment when its first batch is older than this. */
  segmentMs: number;
  /** `index.interval.bytes`: bytes of log between two sparse index entries. */
  indexIntervalBytes: number;
  /** `segment.index.bytes`: maximum size of an offset/time index file. */
  segmentIndexBytes: number;
  /** `flush.messages`: fsync after this many records (Number.MAX_SAFE_INTEGER = never by count). */
  flushMessages: number;
  /** `flush.ms`: fsync when unflushed data is older than this (Number.MAX_SAFE_INTEGER = never). */
  flushMs: number;
  /** `cleanup.policy`: 'delete' (retention), 'compact' (keep the latest record per key), or both. */
  cleanupPolicy: readonly string[];
  /** `retention.ms`: delete segments whose newest record is older than this; -1 = no limit. */
  retentionMs: number;
  /** `retention.bytes`: delete oldest segments while the log stays at least this big; -1 = no limit. */
  retentionBytes: number;
  /** `file.delete.delay.ms`: a deleted segment's files are renamed `.deleted` and removed this much later. */
  fileDeleteDelayMs: number;
  /** `delete.retention.ms`: how long compaction keeps tombstones (and transaction markers). */
  deleteRetentionMs: number;
  /** `min.cleanable.dirty.ratio`: dirty / total bytes at which a compacted log is cleaned. */
  minCleanableDirtyRatio: number;
  /** `min.compaction.lag.ms`: records younger than this are never compacted. */
  minCompactionLagMs: number;
  /** `max.compaction.lag.ms`: a dirty record older than this makes the log cleanable whatever its ratio. */
  maxCompactionLagMs: number;
}

/** `cleanup.policy` includes delete: segments are removed by retention.ms / retention.bytes. */
export function deletesOldSegments(config: LogConfig): boolean {
  return config.cleanupPolicy.includes('delete');
}

/** `cleanup.policy` includes compact. */
export function isCompacted(config: LogConfig): boolean {
  return config.cleanupPolicy.includes('compact');
}

export const defaultLogConfig: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  indexIntervalBytes: 4096,
  segmentIndexBytes: 10 * 1024 * 1024,
  flushMessages: Number.MAX_SAFE_INTEGER,
  flushMs: Number.MAX_SAFE_INTEGER,
  cleanupPolicy: ['delete'],
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  fileDeleteDelayMs: 60_000,
  deleteRetentionMs: 24 * 60 * 60 * 1000,
  minCleanableDirtyRatio: 0.5,
  minCompactionLagMs: 0,
  maxCompactionLagMs: Number.MAX_SAFE_INTEGER,
};

export interface AppendInfo {
  /** Number of records in the batch (lastOffsetDelta + 1); the store rewrites only baseOffset. */
  recordCount: number;
  /** Max timestamp of the batch, as the store should index it (after LogAppendTime rewriting). */
  maxTimestampMs: number;
}

export interface AppendResult {
  /** Offset assigned to the first record of the first batch. */
  baseOffset: number;
  /** Offset of the last record appended. */
  lastOffset: number;
  logStartOffset: number;
}

export interface ReadOptions {
  /** Return at most this many bytes, except that one whole batch is returned if minOneBatch. */
  maxBytes: number;
  /** KIP-74: return the first batch even if it is larger than maxBytes. */
  minOneBatch: boolean;
  /** Do not return batches whose base offset is at or beyond this (high watermark / LSO). */
  maxOffset?: number;
  /**
   * The caller will call the result's release() once nothing uses its chunks any more (the
   * fetch path: after the socket write). The store may then read into a pooled Buffer.
   */
  leased?: boolean;
}

export interface ReadResult {
  /** Whole record batches, in offset order, starting with the batch that contains the offset. */
  chunks: Buffer[];
  bytes: number;
  /** Present when the chunks are views into a pooled Buffer (`leased` reads): call once, after use. */
  release?: () => void;
}

export interface TimestampLookup {
  offset: number;
  timestampMs: number;
}

/** A single partition's log. */
export interface PartitionLog {
  readonly topic: string;
  readonly partition: number;
  /** First offset still in the log. */
  readonly logStartOffset: number;
  /** Offset the next appended record will get. */
  readonly logEndOffset: number;
  /** Total bytes of all segments. */
  readonly sizeBytes: number;

  /**
   * Appends one or more v2 record batches held in `batches` (validated by the caller), assigning
   * offsets synchronously before this returns its promise: appends are ordered by call order.
   * The store writes the base offset into the bytes in place. The promise resolves once the bytes
   * have been handed to the OS (they survive a kill -9 of the process) and, when the flush policy
   * asks for it, fsynced. `infos` has one entry per batch, in order.
   */
  append(batches: Buffer, infos: AppendInfo[], leaderEpoch?: number): Promise<AppendResult>;
  // `leaderEpoch` (a replicated partition's leader): written into each batch's partitionLeaderEpoch
  // (bytes 12..15, outside the CRC) and recorded in the epoch cache. Without it the bytes keep
  // what the producer sent (single node: everything is leader epoch 0).

  /**
   * Follower path: appends batches that already carry the leader's offsets, keeping them. The first
   * batch must start at logEndOffset and each batch must follow the previous one, else the append
   * is refused (RangeError) and nothing changes. Each batch's partitionLeaderEpoch feeds the cache.
   */
  appendAsFollower(batches: Buffer, infos: AppendInfo[]): Promise<AppendResult>;

  /**
   * Follower truncation: removes every whole batch holding an offset >= `offset` (the log end
   * becomes the base offset of the batch containing `offset`, or `offset` on a batch boundary),
   * with their index entries, cached bytes and epoch cache entries; the recovery point moves back
   * with it. A no-op at or beyond the log end. Never goes below the log start: a cut there leaves
   * an empty log starting at logStartOffset. Callers must not append while it runs.
   */
  truncateTo(offset: number): Promise<void>;

  /** Records that `epoch` leads from `startOffset` on (a new leader, at its log end); persisted. */
  assignLeaderEpoch(epoch: number, startOffset: number): Promise<void>;

  /** Kafka's OffsetForLeaderEpoch answer from the epoch cache (see LeaderEpochCache.endOffsetFor). */
  endOffsetForEpoch(epoch: number): EpochEndOffset;

  /** The newest leader epoch that wrote to this log (-1 if none recorded). */
  readonly latestEpoch: number;

  /**
   * Applies changed topic configs (AlterConfigs) to the open log: retention, flush policy and
   * roll limits take effect on the next append or check; index sizes apply to new segments.
   */
  updateConfig(config: LogConfig): void;

  /**
   * DeleteRecords: advances logStartOffset to `offset` (no-op if it is already there) and
   * checkpoints it so it survives a restart; whole segments below it are deleted. Throws
   * OffsetOutOfRangeError if `offset` is beyond logEndOffset. Returns the new logStartOffset.
   */
  deleteRecordsBefore(offset: number): Promise<number>;

  /**
   * One retention pass now (the store runs these every `log.retention.check.interval.ms`):
   * whole segments past retention.ms / retention.bytes (cleanup.policy delete) or below the log
   * start offset are deleted and the log start offset advances. Returns the segments deleted.
   */
  enforceRetention(): Promise<number>;

  /** Reads whole batches from the one containing `offset`. Throws OffsetOutOfRangeError. */
  read(offset: number, options: ReadOptions): Promise<ReadResult>;

  /** First offset whose batch max timestamp is >= timestampMs, or null if none. */
  offsetForTimestamp(timestampMs: number): Promise<TimestampLookup | null>;

  /**
   * The batch with the largest max timestamp so far (ListOffsets MAX_TIMESTAMP): the last offset
   * of that batch and its timestamp, or null for an empty log.
   */
  maxTimestamp(): TimestampLookup | null;

  /**
   * Optional: small per-partition state files kept beside the log (the producer state snapshot
   * of src/txn). `name` is a plain file name; a write replaces the file atomically (temp, fsync,
   * rename); the files go with the partition when it is deleted. null if the file does not exist.
   */
  readStateFile?(name: string): Promise<Buffer | null>;
  writeStateFile?(name: string, data: Buffer): Promise<void>;

  /**
   * Optional: seals the active segment now (the cleaner never touches the active segment; tests
   * and tools use this to make everything appended so far cleanable).
   */
  rollNow?(): void;

  /**
   * Aborted transaction index (Kafka's `.txnindex`, format in txn-index.ts): records a transaction
   * whose ABORT marker is at `txn.lastOffset`. Called in the same tick as the marker's append, the
   * entry is durable with it; it lives in the segment holding the marker and goes with it. An entry
   * not after the last one of its segment is ignored (replaying markers is harmless).
   */
  addAbortedTxn(txn: AbortedTxnEntry): void;

  /**
   * Aborted transactions overlapping [fetchOffset, upperOffset) (lastOffset >= fetchOffset and
   * firstOffset < upperOffset), in marker order: Fetch's list for read_committed consumers.
   */
  abortedTxns(fetchOffset: number, upperOffset: number): Promise<AbortedTxnEntry[]>;

  /**
   * Base offset of the first segment whose aborted transaction index was missing at open (src/txn
   * rebuilds it by replaying the log's markers through addAbortedTxn), or null.
   */
  readonly txnIndexMissingFrom: number | null;

  /** Called once those markers were replayed: the rebuilt indexes are complete and kept. */
  txnIndexRebuilt(): Promise<void>;

  /** Forces everything appended so far to stable storage. */
  flush(): Promise<void>;

  /** Flushes and releases file handles. */
  close(): Promise<void>;
}

/** What the store persists about a topic so it comes back after a restart. */
export interface TopicRecord {
  name: string;
  /** Kafka's Uuid in its base64url string form. */
  topicId: string;
  partitionCount: number;
  /** Topic config overrides, Kafka names (`retention.ms`, ...). */
  configs: Record<string, string>;
}

/** What one cleaner pass did to one partition. */
export interface CleanStats {
  topic: string;
  partition: number;
  segmentsCleaned: number;
  segmentsDeleted: number;
  /** Segments that went into another one of their group (groupSegmentsBySize). */
  segmentsMerged: number;
  bytesRead: number;
  bytesWritten: number;
  recordsDropped: number;
  /** Keys in the offset map. */
  keysMapped: number;
  firstDirtyOffset: number;
  mapEndOffset: number;
}

/** The log cleaner's broker-level settings (Kafka's log.cleaner.*). */
export interface CleanerSettings {
  /** log.cleaner.backoff.ms: time between passes. */
  backoffMs: number;
  /** log.cleaner.dedupe.buffer.size: bounds the offset map of one pass. */
  dedupeBufferBytes: number;
  /** log.cleaner.io.buffer.size: bytes per read while cleaning. */
  ioBufferBytes: number;
}

/** A set of partition logs plus the durable topic catalogue. */
export interface LogStore {
  /** Opens (creating if missing) the log of one partition; recovers it if needed. */
  openPartition(topic: string, partition: number, config: LogConfig): Promise<PartitionLog>;
  /** Closes and deletes the partition's data. */
  deletePartition(topic: string, partition: number): Promise<void>;
  /** Reads the topic catalogue (empty on a new store). */
  loadTopics(): Promise<TopicRecord[]>;
  /** Durably replaces the topic catalogue (write temp, fsync, rename for files). */
  saveTopics(topics: TopicRecord[]): Promise<void>;
  /**
   * The cluster id kept with the data (Kafka's `meta.properties`): the stored one, or on a new
   * store the result of `generate()`, stored before it is returned.
   */
  clusterId(generate: () => string): Promise<string>;
  /** Runs one retention pass on every open partition now (also run periodically by the store). */
  enforceRetention(): Promise<void>;
  /**
   * Optional: one log cleaner pass now (also run every log.cleaner.backoff.ms): compacts the
   * dirtiest partition whose cleanup.policy includes compact and that is due. null when none is.
   */
  runCleaner?(): Promise<CleanStats | null>;
  /** Optional: new log.cleaner.* settings (dynamic broker configs), used from the next pass on. */
  reconfigureCleaner?(settings: CleanerSettings): void;
  /** Where the data lives (DescribeLogDirs), or null for a store without a directory. */
  readonly dataDir: string | null;
  /** Optional: appended bytes not yet handed to the OS (a store that writes in the background). */
  readonly writeBacklog?: WriteBacklog;
  /** Closes every open partition. */
  close(): Promise<void>;
}

/** Thrown by read() when the offset is below logStartOffset or above logEndOffset. */
export class OffsetOutOfRangeError extends Error {
  constructor(
    readonly offset: number,
    readonly logStartOffset: number,
    readonly logEndOffset: number,
  ) {
    super(`offset ${offset} is outside [${logStartOffset}, ${logEndOffset}]`);
    this.name = 'OffsetOutOfRangeError';
  }
}

/** Thrown when bytes on disk do not validate; recovery catches it and truncates. */
export class CorruptRecordError extends Error {
  override name = 'CorruptRecordError';
}

/**
 * The log hit an I/O error (or was closed) and accepts no more appends until it is reopened, when
 * recovery repairs it. The broker answers KAFKA_STORAGE_ERROR.
 */
export class StorageFailedError extends Error {
  override name = 'StorageFailedError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
