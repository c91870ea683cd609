/**
 * FileLogStore: partitions as Kafka-layout directories under one data dir.
 *
 * Data dir contents:
 *   .lock                              holder pid (lock.ts)
 *   meta.properties                    identity (meta-files.ts)
 *   brook-topics.json                  topic catalogue (catalog.ts)
 *   recovery-point-offset-checkpoint   per-partition fsynced offsets (checkpoint.ts)
 *   log-start-offset-checkpoint        per-partition log start offsets moved by DeleteRecords/retention
 *   cleaner-offset-checkpoint          per compacted partition: offsets below were cleaned (src/storage/cleaner)
 *   .kafka_cleanshutdown               present only after a clean close: `{"version":0,"brokerEpoch":-1}`
 *   <topic>-<partition>/               segments (segment-files.ts), leader-epoch-checkpoint
 *                                      (file/leader-epoch-checkpoint.ts)
 *   <topic>-<partition>.<hex>-delete/  a partition being deleted (removed on the next open)
 *
 * Recovery: the clean-shutdown marker is consumed (deleted) on open. A partition opened after a
 * clean shutdown trusts all its data; otherwise it trusts what is below its checkpointed recovery
 * point and validates the rest. The checkpoint is rewritten after fsyncs (coalesced, at most once
 * per recoveryCheckpointIntervalMs unless flush()/close() ask for it) and at close.
 *
 * Retention: every retentionCheckIntervalMs (Kafka's log.retention.check.interval.ms) each open
 * partition runs a retention pass (partition-log.ts, retention.ts); deleted segments are renamed
 * `.deleted` and removed file.delete.delay.ms later (segment-deleter.ts). The log start offset
 * is checkpointed whenever it moves, before DeleteRecords is acknowledged.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { Logger } from '../../log/logger.js';
import type { CleanerSettings, LogConfig, LogStore, TopicRecord } from '../types.js';
import { WriteBacklog } from '../write-backlog.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import { readCatalog, writeCatalog } from './catalog.js';
import {
  LOG_START_OFFSET_CHECKPOINT_FILE,
  OffsetCheckpoint,
  partitionKey,
  readRecoveryCheckpoint,
  writeRecoveryCheckpoint,
  type CheckpointEntries,
} from './checkpoint.js';
import { SegmentDeleter } from './segment-deleter.js';
import { LogCleaner, type CleanStats } from '../cleaner/log-cleaner.js';
import { StorageActivity } from '../activity.js';
import { performance } from 'node:perf_hooks';
import type { CleanStep } from '../cleaner/segment-cleaner.js';
import { fsyncDir, nodeFileOps, type FileOps } from './fs-ops.js';
import { DataDirLock } from './lock.js';
import { loadPartition, type RecoveryReport } from './log-loader.js';
import { readMetaProperties, writeMetaProperties, writePartitionMetadata } from './meta-files.js';
import { FilePartitionLog } from './partition-log.js';
import { LeaderEpochCheckpointWriter, readLeaderEpochCheckpoint } from './leader-epoch-checkpoint.js';
import { LeaderEpochCache } from '../leader-epoch-cache.js';
import { partitionDirName } from './segment-files.js';
import { ReadBufferPool } from './read-buffer-pool.js';
import { TailCache, TailCacheBudget } from './tail-cache.js';

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';
const DELETE_SUFFIX = '-delete';
const NEVER = Number.MAX_SAFE_INTEGER;
const MIB = 1024 * 1024;
const LEGAL_TOPIC = /^[a-zA-Z0-9._-]+$/;

export interface FileLogStoreOptions {
  dataDir: string;
  /** Milliseconds clock for segment.ms and flush.ms (default Date.now). */
  clock?: () => number;
  /** Tail cache bound per partition (default 16 MiB). */
  tailCacheBytes?: number;
  /** Tail cache bound for the whole store (default 256 MiB). */
  tailCacheTotalBytes?: number;
  /** Idle read buffers kept for reuse by catch-up reads (read-buffer-pool.ts). Default 16 MiB. */
  readPoolIdleBytes?: number;
  /** Sealed segments per partition that keep an open fd and loaded indexes (default 4). */
  maxOpenSegmentsPerPartition?: number;
  /** Minimum time between checkpoint rewrites caused by policy fsyncs (default 1000). */
  recoveryCheckpointIntervalMs?: number;
  /** Longest period of the flush.ms check (default 1000; shorter if a flushMs is shorter). */
  flushCheckIntervalMs?: number;
  /** File operations (tests inject counting or failing ones). */
  fileOps?: FileOps;
  /** Called with each partition's recovery report as it opens. */
  onRecovery?: (report: RecoveryReport) => void;
  /** node.id for meta.properties when it is first created (default 1). */
  nodeId?: number;
  /** Where recovery reports are logged (warn when something was truncated or rebuilt). */
  logger?: Logger;
  /** Period of the retention pass, Kafka's log.retention.check.interval.ms (default 300000). */
  retentionCheckIntervalMs?: number;
  /** The log cleaner for compacted topics (Kafka's log.cleaner.* configs). */
  cleaner?: {
    /** log.cleaner.enable (default true): run passes on a timer. runCleaner() works either way. */
    enabled?: boolean;
    /** log.cleaner.backoff.ms: time between passes (default 15000). */
    backoffMs?: number;
    /** log.cleaner.dedupe.buffer.size (default 128 MiB). */
    dedupeBufferBytes?: number;
    /** log.cleaner.io.buffer.size (default 512 KiB). */
    ioBufferBytes?: number;
    /** Test hook: throwing from it simulates a crash at that step of a segment rewrite. */
    onStep?: (step: CleanStep, baseOffset: number) => void | Promise<void>;
  };
}

export interface FileLogStoreStats {
  partitionsOpened: number;
  segmentsRecovered: number;
  bytesWalked: number;
  bytesValidated: number;
  bytesTruncated: number;
  checkpointsWritten: number;
}

export class FileLogStore implements LogStore {
  readonly dataDir: string;
  private readonly ops: FileOps;
  private readonly clock: () => number;
  private readonly budget: TailCacheBudget;
  /** Appended bytes not yet written, over every partition (the broker pauses reading on it). */
  readonly writeBacklog = new WriteBacklog();
  private lock: DataDirLock | null = null;
  private state: 'new' | 'open' | 'closed' = 'new';
  /** Whether the previous run closed cleanly (known after open()). */
  cleanShutdown = false;
  /** meta.properties key/values (after open()). */
  meta: Record<string, string> = {};
  readonly recoveryReports: RecoveryReport[] = [];
  /** fsync latency, retention and cleaner counters, read by the metrics endpoint. */
  readonly activity = new StorageActivity();
  readonly stats: FileLogStoreStats = {
    partitionsOpened: 0,
    segmentsRecovered: 0,
    bytesWalked: 0,
    bytesValidated: 0,
    bytesTruncated: 0,
    checkpointsWritten: 0,
  };
  private recoveryPoints: CheckpointEntries = new Map();
  private readonly opening = new Map<string, Promise<FilePartitionLog>>();
  private readonly logs = new Map<string, FilePartitionLog>();
  private topics: TopicRecord[] | null = null;
  private checkpointRunning: Promise<void> | null = null;
  private checkpointAgain: Promise<void> | null = null;
  private checkpointTimer: NodeJS.Timeout | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private flushTimerMs = Infinity;
  private retentionTimer: NodeJS.Timeout | null = null;
  private closing: Promise<void> | null = null;
  /** Log start offsets moved past their first segment (log-start-offset-checkpoint). */
  private readonly logStarts: OffsetCheckpoint;
  /** Retired segments waiting for file.delete.delay.ms. */
  readonly deleter: SegmentDeleter;
  readonly cleaner: LogCleaner;
  /** Buffers of segment reads for fetches; its counters show what catch-up reads hold. */
  readonly readPool: ReadBufferPool;
  /** Per compacted partition: the offset below which the log was cleaned. */
  private readonly cleanerOffsets: OffsetCheckpoint;
  private cleanerTimer: NodeJS.Timeout | null = null;
  private cleanerRunning: Promise<CleanStats | null> | null = null;

  constructor(private readonly options: FileLogStoreOptions) {
    this.dataDir = path.resolve(options.dataDir);
    this.ops = options.fileOps ?? nodeFileOps;
    this.clock = options.clock ?? Date.now;
    this.budget = new TailCacheBudget(options.tailCacheTotalBytes ?? 256 * MIB);
    this.readPool = new ReadBufferPool(options.readPoolIdleBytes ?? 16 * MIB);
    this.logStarts = new OffsetCheckpoint(this.ops, this.dataDir, LOG_START_OFFSET_CHECKPOINT_FILE);
    this.deleter = new SegmentDeleter(this.ops, this.clock);
    this.cleanerOffsets = new OffsetCheckpoint(this.ops, this.dataDir, 'cleaner-offset-checkpoint');
    const c = options.cleaner ?? {};
    this.cleaner = new LogCleaner({
      ops: this.ops,
      clock: this.clock,
      ...(c.dedupeBufferBytes !== undefined ? { dedupeBufferBytes: c.dedupeBufferBytes } : {}),
      ...(c.ioBufferBytes !== undefined ? { ioBufferBytes: c.ioBufferBytes } : {}),
      ...(c.onStep ? { onStep: c.onStep } : {}),
      onCleaned: async (log, firstDirtyOffset) => {
        const key = partitionKey(log.topic, log.partition);
        if (this.state !== 'open' || this.logs.get(key) !== log) return;
        this.cleanerOffsets.entries.set(key, firstDirtyOffset);
        await this.cleanerOffsets.write();
      },
    });
  }

  static async open(options: FileLogStoreOptions): Promise<FileLogStore> {
    const store = new FileLogStore(options);
    await store.open();
    return store;
  }

  /** Takes the data dir lock, reads the recovery state, removes half-deleted partitions. */
  async open(): Promise<void> {
    if (this.state !== 'new') throw new Error(`FileLogStore(${this.dataDir}) already opened`);
    await mkdir(this.dataDir, { recursive: true });
    this.lock = await DataDirLock.acquire(this.dataDir);
    try {
      const marker = path.join(this.dataDir, CLEAN_SHUTDOWN_FILE);
      this.cleanShutdown = (await readTextIfExists(marker)) !== null;
      this.recoveryPoints = await readRecoveryCheckpoint(this.dataDir);
      await this.logStarts.load();
      await this.cleanerOffsets.load();
      if (this.cleanShutdown) {
        // From now on the data can change: the marker must not outlive this moment.
        await unlink(marker);
        await fsyncDir(this.ops, this.dataDir);
      }
      await this.removeDeletedPartitions();
      this.meta = (await readMetaProperties(this.dataDir)) ?? {};
      this.state = 'open';
      this.startRetentionTimer();
      this.startCleanerTimer();
    } catch (err) {
      await this.lock.release();
      throw err;
    }
  }

  openPartition(topic: string, partition: number, config: LogConfig): Promise<FilePartitionLog> {
    if (this.state !== 'open') return Promise.reject(this.notOpenError());
    if (!LEGAL_TOPIC.test(topic) || topic === '.' || topic === '..' || !Number.isInteger(partition) || partition < 0) {
      return Promise.reject(new Error(`illegal partition name ${topic}-${partition}`));
    }
    const key = partitionKey(topic, partition);
    let pending = this.opening.get(key);
    if (!pending) {
      pending = this.loadLog(topic, partition, config);
      this.opening.set(key, pending);
      pending.catch(() => this.opening.delete(key));
    }
    return pending;
  }

  async deletePartition(topic: string, partition: number): Promise<void> {
    this.checkOpen();
    const key = partitionKey(topic, partition);
    const pending = this.opening.get(key);
    this.opening.delete(key);
    this.logs.delete(key);
    if (pending) {
      const log = await pending.catch(() => null);
      await log?.closeForDelete();
    }
    this.recoveryPoints.delete(key);
    if (this.logStarts.entries.delete(key)) await this.logStarts.write();
    if (this.cleanerOffsets.entries.delete(key)) await this.cleanerOffsets.write();
    const dir = path.join(this.dataDir, partitionDirName(topic, partition));
    if (await exists(dir)) {
      // Rename first (atomic), so a crash mid-delete never leaves a half-deleted live partition.
      const doomed = `${dir}.${randomBytes(8).toString('hex')}${DELETE_SUFFIX}`;
      await rename(dir, doomed);
      await fsyncDir(this.ops, this.dataDir);
      await rm(doomed, { recursive: true, force: true });
    }
    // A stale recovery point must not outlive the partition (a new one would trust it).
    await this.writeCheckpointNow();
  }

  async loadTopics(): Promise<TopicRecord[]> {
    this.checkOpen();
    this.topics = await readCatalog(this.dataDir);
    return this.topics.map(copyTopic);
  }

  async saveTopics(topics: TopicRecord[]): Promise<void> {
    this.checkOpen();
    const copy = topics.map(copyTopic);
    await writeCatalog(this.ops, this.dataDir, copy);
    this.topics = copy;
  }

  /** The cluster id in meta.properties; on a new data dir, generate()'s, written first. */
  async clusterId(generate: () => string): Promise<string> {
    this.checkOpen();
    const existing = this.meta['cluster.id'];
    if (existing) return existing;
    this.meta = await writeMetaProperties(this.ops, this.dataDir, this.options.nodeId ?? 1, generate(), this.clock());
    return this.meta['cluster.id']!;
  }

  /** Closes every partition (flushing), writes the checkpoint and the clean-shutdown marker. */
  close(): Promise<void> {
    if (this.state === 'new') this.state = 'closed';
    this.closing ??= this.shutDown();
    return this.closing;
  }

  private async shutDown(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closed';
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.checkpointTimer) clearTimeout(this.checkpointTimer);
    if (this.retentionTimer) clearInterval(this.retentionTimer);
    if (this.cleanerTimer) clearInterval(this.cleanerTimer);
    let clean = true;
    try {
      this.cleaner.stop();
      await this.cleanerRunning?.catch(() => null);
      const logs = await Promise.all([...this.opening.values()].map((p) => p.catch(() => null)));
      await Promise.all(logs.map((log) => log?.close().catch(() => (clean = false))));
      if (logs.some((log) => log?.failed)) clean = false;
      await this.writeCheckpointNow();
      await this.deleter.runAll().catch(() => undefined);
      if (clean) {
        await writeFileAtomic(this.ops, path.join(this.dataDir, CLEAN_SHUTDOWN_FILE), '{"version":0,"brokerEpoch":-1}');
      }
    } finally {
      this.opening.clear();
      this.logs.clear();
      await this.lock?.release();
    }
  }

  /** Runs the flush.ms check on every open partition now (also run by a timer). */
  async runFlushChecks(): Promise<void> {
    await Promise.all([...this.logs.values()].map((log) => log.checkFlushDue()));
  }

  /**
   * One retention pass on every open partition, then removes retired segment files whose
   * file.delete.delay.ms has passed (also run by a timer every retentionCheckIntervalMs).
   */
  async enforceRetention(): Promise<void> {
    if (this.state !== 'open') return;
    const deleted = await Promise.all([...this.logs.values()].map((log) =>
      log.enforceRetention().catch((err: unknown) => {
        this.options.logger?.error({ topic: log.topic, partition: log.partition, err: String(err) }, 'retention pass failed');
        return 0;
      }),
    ));
    for (const n of deleted) this.activity.retentionSegmentsDeleted += n;
    await this.deleter.runDue();
  }

  /**
   * One cleaner pass: cleans the filthiest compacted partition that is due (also run every
   * cleaner.backoffMs). Passes never overlap. Returns what was done, or null if nothing was due.
   */
  runCleaner(): Promise<CleanStats | null> {
    if (this.state !== 'open') return Promise.resolve(null);
    const startMs = performance.now();
    this.cleanerRunning ??= this.cleaner.cleanFilthiest([...this.logs.values()]).then((stats) => {
      if (stats) countCleanerPass(this.activity, stats, performance.now() - startMs);
      return stats;
    }).finally(() => {
      this.cleanerRunning = null;
    });
    return this.cleanerRunning;
  }

  /** log.cleaner.* changed at runtime: buffer sizes from the next pass, the period at once. */
  reconfigureCleaner(settings: CleanerSettings): void {
    this.cleaner.reconfigure(settings);
    const c = this.options.cleaner ?? {};
    if (settings.backoffMs === (this.cleanerBackoffMs ?? c.backoffMs ?? 15_000)) return;
    this.cleanerBackoffMs = settings.backoffMs;
    if (this.cleanerTimer) clearInterval(this.cleanerTimer);
    this.cleanerTimer = null;
    if (this.state === 'open') this.startCleanerTimer();
  }

  private cleanerBackoffMs: number | null = null;

  private startCleanerTimer(): void {
    const c = this.options.cleaner ?? {};
    if (c.enabled === false) return;
    const periodMs = this.cleanerBackoffMs ?? c.backoffMs ?? 15_000;
    if (!(periodMs > 0)) return;
    this.cleanerTimer = setInterval(() => {
      void this.runCleaner().catch((err: unknown) => this.options.logger?.error({ err: String(err) }, 'log cleaner pass failed'));
    }, periodMs);
    this.cleanerTimer.unref();
  }

  /** The log start offsets checkpoint, as last written or about to be (tests). */
  get logStartOffsetCheckpoint(): ReadonlyMap<string, number> {
    return this.logStarts.entries;
  }

  private startRetentionTimer(): void {
    const periodMs = this.options.retentionCheckIntervalMs ?? 300_000;
    if (!(periodMs > 0) || periodMs >= NEVER) return;
    this.retentionTimer = setInterval(() => void this.enforceRetention().catch(() => undefined), periodMs);
    this.retentionTimer.unref();
  }

  private async onLogStartOffsetChanged(key: string, log: FilePartitionLog, offset: number): Promise<void> {
    if (this.state !== 'open' || this.logs.get(key) !== log) return;
    this.logStarts.entries.set(key, offset);
    await this.logStarts.write();
  }

  /** Writes the recovery point checkpoint now (coalesced with one already being written). */
  writeCheckpointNow(): Promise<void> {
    if (this.checkpointRunning) {
      this.checkpointAgain ??= this.checkpointRunning.then(() => {
        this.checkpointAgain = null;
        return this.writeCheckpointNow();
      });
      return this.checkpointAgain;
    }
    const entries = new Map(this.recoveryPoints);
    this.checkpointRunning = writeRecoveryCheckpoint(this.ops, this.dataDir, entries)
      .then(() => {
        this.stats.checkpointsWritten++;
      })
      .finally(() => {
        this.checkpointRunning = null;
      });
    return this.checkpointRunning;
  }

  private checkOpen(): void {
    if (this.state !== 'open') throw this.notOpenError();
  }

  private notOpenError(): Error {
    return new Error(`FileLogStore(${this.dataDir}) is ${this.state === 'new' ? 'not open' : 'closed'}`);
  }

  private async loadLog(topic: string, partition: number, config: LogConfig): Promise<FilePartitionLog> {
    const key = partitionKey(topic, partition);
    const dir = path.join(this.dataDir, partitionDirName(topic, partition));
    const isNew = !(await exists(dir));
    const recoveryPointOffset = isNew ? 0 : this.recoveryPoints.get(key) ?? (this.cleanShutdown ? Infinity : 0);
    // One config object per partition, shared by its segments (see FilePartitionLog.updateConfig).
    config = { ...config };
    const { segments, report } = await loadPartition({
      topic,
      partition,
      dir,
      config,
      ops: this.ops,
      clock: this.clock,
      recoveryPointOffset,
      cleanShutdown: this.cleanShutdown,
    });
    if (isNew) await this.writeTopicId(topic, dir);
    const epochs = new LeaderEpochCache(isNew ? [] : await readLeaderEpochCheckpoint(dir));
    const log: FilePartitionLog = new FilePartitionLog(topic, partition, dir, config, segments, {
      ops: this.ops,
      clock: this.clock,
      tailCache: new TailCache(this.options.tailCacheBytes ?? 16 * MIB, this.budget),
      writeBacklog: this.writeBacklog,
      maxOpenSegments: this.options.maxOpenSegmentsPerPartition ?? 4,
      onFlushed: (offset, wait) => this.onFlushed(key, offset, wait),
      activity: this.activity,
      onClosed: () => this.forget(key, log),
      initialLogStartOffset: isNew ? 0 : this.logStarts.entries.get(key) ?? 0,
      onLogStartOffsetChanged: (offset): Promise<void> => this.onLogStartOffsetChanged(key, log, offset),
      deleter: this.deleter,
      readPool: this.readPool,
      epochs,
      epochCheckpoint: new LeaderEpochCheckpointWriter(this.ops, dir),
      onConfigChanged: (c) => {
        if (c.flushMs < NEVER) this.ensureFlushTimer(c.flushMs);
      },
    }, report);
    log.cleanerState.firstDirtyOffset = isNew ? 0 : this.cleanerOffsets.entries.get(key) ?? 0;
    // Recovery leaves everything it kept fsynced: the recovery point is now the log end.
    this.recoveryPoints.set(key, log.logEndOffset);
    this.logs.set(key, log);
    this.recordRecovery(report);
    if (config.flushMs < NEVER) this.ensureFlushTimer(config.flushMs);
    return log;
  }

  /** Drops a log closed on its own from the maps (not while the store itself is closing). */
  private forget(key: string, log: FilePartitionLog): void {
    if (this.state !== 'open' || this.logs.get(key) !== log) return;
    this.logs.delete(key);
    this.opening.delete(key);
  }

  private async writeTopicId(topic: string, dir: string): Promise<void> {
    this.topics ??= await readCatalog(this.dataDir).catch(() => []);
    const record = this.topics.find((t) => t.name === topic);
    if (record) await writePartitionMetadata(this.ops, dir, record.topicId);
  }

  private recordRecovery(report: RecoveryReport): void {
    this.recoveryReports.push(report);
    this.stats.partitionsOpened++;
    this.stats.segmentsRecovered += report.segmentsRecovered;
    this.stats.bytesWalked += report.bytesWalked;
    this.stats.bytesValidated += report.bytesValidated;
    for (const t of report.truncations) this.stats.bytesTruncated += t.truncatedBytes;
    this.options.onRecovery?.(report);
    const logger = this.options.logger;
    if (!logger) return;
    const fields = {
      topic: report.topic,
      partition: report.partition,
      logStartOffset: report.logStartOffset,
      logEndOffset: report.logEndOffset,
      segments: report.segmentCount,
      segmentsRecovered: report.segmentsRecovered,
      bytesValidated: report.bytesValidated,
    };
    for (const t of report.truncations) {
      logger.warn({ ...fields, file: t.file, validBytes: t.validBytes, truncatedBytes: t.truncatedBytes, reason: t.reason },
        'recovery truncated a damaged log tail');
    }
    if (report.deletedSegments.length > 0) logger.warn({ ...fields, deletedSegments: report.deletedSegments }, 'recovery deleted unreachable segments');
    if (report.rebuiltIndexes.length > 0) logger.warn({ ...fields, rebuiltIndexes: report.rebuiltIndexes }, 'recovery rebuilt missing or damaged indexes');
    logger.debug(fields, 'partition log opened');
  }

  private onFlushed(key: string, offset: number, wait: boolean): Promise<void> {
    if (this.state !== 'open' && !wait) return Promise.resolve();
    if (this.opening.has(key)) this.recoveryPoints.set(key, offset);
    if (wait) return this.writeCheckpointNow();
    if (!this.checkpointTimer) {
      this.checkpointTimer = setTimeout(() => {
        this.checkpointTimer = null;
        if (this.state === 'open') this.writeCheckpointNow().catch(() => undefined);
      }, this.options.recoveryCheckpointIntervalMs ?? 1000);
      this.checkpointTimer.unref();
    }
    return Promise.resolve();
  }

  private ensureFlushTimer(flushMs: number): void {
    const periodMs = Math.max(10, Math.min(flushMs, this.options.flushCheckIntervalMs ?? 1000));
    if (this.flushTimer && this.flushTimerMs <= periodMs) return;
    if (this.flushTimer) clearInterval(this.flushTimer);
    this.flushTimerMs = periodMs;
    this.flushTimer = setInterval(() => void this.runFlushChecks(), periodMs);
    this.flushTimer.unref();
  }

  private async removeDeletedPartitions(): Promise<void> {
    for (const name of await readdir(this.dataDir)) {
      if (name.endsWith(DELETE_SUFFIX)) await rm(path.join(this.dataDir, name), { recursive: true, force: true });
    }
  }
}

function copyTopic(t: TopicRecord): TopicRecord {
  return { name: t.name, topicId: t.topicId, partitionCount: t.partitionCount, configs: { ...t.configs } };
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

function countCleanerPass(activity: StorageActivity, stats: CleanStats, durationMs: number): void {
  activity.cleanerRuns++;
  activity.cleanerBytesRead += stats.bytesRead;
  activity.cleanerBytesWritten += stats.bytesWritten;
  activity.cleanerLastDurationMs = durationMs;
}
