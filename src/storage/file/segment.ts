/**
 * One log segment: `<baseOffset>.log` plus its two indexes and its aborted transaction index
 * (`.txnindex`, format in ../txn-index.ts: always in memory, appended like the index tails).
 *
 * .log format (Kafka's FileRecords): v2 record batches back to back, nothing else — no file
 * header, no padding. Each batch is exactly the bytes a producer sent, with baseOffset (bytes 0..7)
 * rewritten by the broker (layout in src/records/batch-header.ts). A segment holds offsets
 * [baseOffset, nextOffset); positions are int32, so a segment is < 2 GiB.
 *
 * State ownership: the PartitionLog that owns the segment is the only writer. The active segment
 * keeps its indexes in memory and appends new entries to the index files as they are written;
 * sealed segments load their indexes (and open their .log fd) lazily for reads and may drop them
 * again (see releaseReadState) to bound memory and fds.
 */
import * as fs from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { LogConfig } from '../types.js';
import type { FileOps } from './fs-ops.js';
import { writevFully, writevFullySync } from './fs-ops.js';
import { OffsetIndex } from './offset-index.js';
import { NO_TIMESTAMP, TimeIndex } from './time-index.js';
import { segmentPaths, type SegmentPaths } from './segment-files.js';
import { TxnIndex } from '../txn-index.js';

/** Index entries not yet in their file: their bytes, where they go, and the entry count after them. */
interface IndexTail {
  bytes: Buffer;
  position: number;
  upTo: number;
}

/** Relative offsets are int32: a segment cannot span more offsets than this. */
export const MAX_RELATIVE_OFFSET = 0x7fff_ffff;

export class Segment {
  /** Renamed to `.deleted` names when the segment is retired (reads in flight keep working). */
  paths: SegmentPaths;
  logFd = -1;
  indexFd = -1;
  timeIndexFd = -1;
  txnIndexFd = -1;
  /** Bytes assigned to this segment, including appends still queued for writing. */
  sizeBytes = 0;
  /** Bytes handed to the OS: reads from disk never go past this. */
  writtenBytes = 0;
  /** Offset after the last batch assigned to this segment. */
  nextOffset: number;
  offsetIndex: OffsetIndex | null = null;
  timeIndex: TimeIndex | null = null;
  /** Aborted transactions whose marker is in this segment; kept in memory for the segment's life. */
  txnIndex = new TxnIndex();
  /** The .txnindex file was missing at open (its entries must be rebuilt from the log). */
  txnIndexMissing = false;
  /** .txnindex bytes written since the last fsync (it changes rarely: fsync it only then). */
  private txnIndexUnsynced = false;
  /** Position of the batch that got the last offset index entry (Kafka's bytesSinceLastIndexEntry). */
  lastIndexEntryPosition = 0;
  maxTimestampSoFar = NO_TIMESTAMP;
  offsetOfMaxTimestamp: number;
  /** Clock time the segment's age is measured from (segment.ms); NaN until its first batch. */
  rollBaseMs = NaN;
  active = false;
  /** Data or index bytes written since the last fsync. */
  unsynced = false;
  /** Reads, writes and fsyncs in progress; fds and indexes are only released when zero. */
  readers = 0;
  private loading: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    readonly baseOffset: number,
    private readonly config: LogConfig,
  ) {
    this.paths = segmentPaths(dir, baseOffset);
    this.nextOffset = baseOffset;
    this.offsetOfMaxTimestamp = baseOffset;
  }

  /** Fresh empty in-memory indexes (new segment or full rebuild). */
  resetIndexes(): void {
    this.offsetIndex = new OffsetIndex(this.baseOffset, this.config.segmentIndexBytes);
    this.timeIndex = new TimeIndex(this.baseOffset, this.config.segmentIndexBytes);
    this.lastIndexEntryPosition = 0;
    this.maxTimestampSoFar = NO_TIMESTAMP;
    this.offsetOfMaxTimestamp = this.baseOffset;
  }

  /** Whether offsets up to `lastOffset` still fit this segment's int32 relative offsets. */
  canHoldOffset(lastOffset: number): boolean {
    return lastOffset - this.baseOffset <= MAX_RELATIVE_OFFSET;
  }

  get indexesFull(): boolean {
    return (this.offsetIndex?.isFull ?? false) || (this.timeIndex?.isFull ?? false);
  }

  /**
   * Index bookkeeping for one batch at `position`, the same rule on append and in recovery (so a
   * rebuilt index equals the original): Kafka's LogSegment.append/recover, per batch.
   */
  indexBatch(position: number, lastOffset: number, maxTimestampMs: number): void {
    if (maxTimestampMs > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = maxTimestampMs;
      this.offsetOfMaxTimestamp = lastOffset;
    }
    if (position - this.lastIndexEntryPosition > this.config.indexIntervalBytes) {
      const offsetIndex = this.offsetIndex!;
      if (!offsetIndex.isFull) offsetIndex.append(lastOffset, position);
      this.timeIndex!.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestamp);
      this.lastIndexEntryPosition = position;
    }
  }

  /** Stops being the active segment: the closing time index entry, then trim index memory. */
  seal(): void {
    this.active = false;
    this.timeIndex!.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestamp, true);
    this.offsetIndex!.trim();
    this.timeIndex!.trim();
  }

  /**
   * Makes a sealed segment the active one again (follower truncation cut everything after it):
   * indexes loaded, the three files opened for writing.
   */
  async reactivate(ops: FileOps, nowMs: number): Promise<void> {
    this.readers++;
    try {
      await this.ensureReadState(ops);
      await this.closeAll(ops);
      this.logFd = await ops.open(this.paths.log, 'r+');
      this.indexFd = await ops.open(this.paths.index, 'r+');
      this.timeIndexFd = await ops.open(this.paths.timeIndex, 'r+');
    } finally {
      this.readers--;
    }
    this.active = true;
    this.rollBaseMs = this.sizeBytes > 0 ? nowMs : NaN;
  }

  /**
   * Opens the files of a new, empty active segment synchronously (a roll inside append()). The
   * cleaner's output keeps the old segment's .txnindex (withTxnIndex false).
   */
  createFilesSync(ops: FileOps, withTxnIndex = true): void {
    const fds: number[] = [];
    const paths = [this.paths.log, this.paths.index, this.paths.timeIndex];
    if (withTxnIndex) paths.push(this.paths.txnIndex);
    try {
      for (const p of paths) fds.push(ops.openSync(p, 'w+'));
    } catch (err) {
      for (const fd of fds) ops.close(fd).catch(() => undefined);
      throw err;
    }
    [this.logFd, this.indexFd, this.timeIndexFd] = fds as [number, number, number];
    this.txnIndexFd = fds[3] ?? -1;
    this.resetIndexes();
    this.active = true;
  }

  /** Writes index entries added since the last call to the index files. */
  async writeIndexTails(ops: FileOps): Promise<void> {
    const tails = this.indexTails();
    if (!tails) return;
    const [offsetTail, timeTail, txnTail] = tails;
    this.unsynced = true;
    await Promise.all([
      offsetTail && this.writeTail(ops, this.paths.index, this.indexFd, offsetTail),
      timeTail && this.writeTail(ops, this.paths.timeIndex, this.timeIndexFd, timeTail),
      // A segment of an older data dir gets its .txnindex with its first entry.
      txnTail && this.writeTail(ops, this.paths.txnIndex, this.txnIndexFd, txnTail, fs.constants.O_WRONLY | fs.constants.O_CREAT),
    ]);
    this.markTailsWritten(tails);
  }

  /**
   * writeIndexTails on the calling thread, when every file a tail goes to is open (the active
   * segment). Returns false, having written nothing, when one is not.
   */
  writeIndexTailsSync(ops: FileOps): boolean {
    const tails = this.indexTails();
    if (!tails) return true;
    const [offsetTail, timeTail, txnTail] = tails;
    if ((offsetTail && this.indexFd < 0) || (timeTail && this.timeIndexFd < 0) || (txnTail && this.txnIndexFd < 0)) return false;
    this.unsynced = true;
    if (offsetTail) writevFullySync(ops, this.indexFd, [offsetTail.bytes], offsetTail.position);
    if (timeTail) writevFullySync(ops, this.timeIndexFd, [timeTail.bytes], timeTail.position);
    if (txnTail) writevFullySync(ops, this.txnIndexFd, [txnTail.bytes], txnTail.position);
    this.markTailsWritten(tails);
    return true;
  }

  /** The unwritten entries of the offset, time and transaction indexes; null when there are none. */
  private indexTails(): [IndexTail | null, IndexTail | null, IndexTail | null] | null {
    const offsetTail = this.offsetIndex?.unwritten() ?? null;
    const timeTail = this.timeIndex?.unwritten() ?? null;
    const txnTail = this.txnIndex.unwritten();
    return offsetTail || timeTail || txnTail ? [offsetTail, timeTail, txnTail] : null;
  }

  private markTailsWritten([offsetTail, timeTail, txnTail]: [IndexTail | null, IndexTail | null, IndexTail | null]): void {
    if (offsetTail) this.offsetIndex!.markWritten(offsetTail.upTo);
    if (timeTail) this.timeIndex!.markWritten(timeTail.upTo);
    if (txnTail) {
      this.txnIndex.markWritten(txnTail.upTo);
      this.txnIndexUnsynced = true;
    }
  }

  private async writeTail(ops: FileOps, path: string, fd: number, tail: IndexTail, flags: string | number = 'r+'): Promise<void> {
    if (fd >= 0) return writevFully(ops, fd, [tail.bytes], tail.position);
    // Sealed segment: its index fds are closed, open briefly.
    const tmp = await ops.open(path, flags);
    try {
      await writevFully(ops, tmp, [tail.bytes], tail.position);
    } finally {
      await ops.close(tmp);
    }
  }

  /** fsyncs the log and index files (index files by path if their fds are closed). */
  async sync(ops: FileOps): Promise<void> {
    this.unsynced = false;
    const txnIndex = this.txnIndexUnsynced;
    this.txnIndexUnsynced = false;
    this.readers++; // pins the fds: LRU eviction must not close them under the fsync
    try {
      await Promise.all([
        this.syncFile(ops, this.logFd, this.paths.log),
        this.syncFile(ops, this.indexFd, this.paths.index),
        this.syncFile(ops, this.timeIndexFd, this.paths.timeIndex),
        txnIndex && this.syncFile(ops, this.txnIndexFd, this.paths.txnIndex),
      ]);
    } finally {
      this.readers--;
    }
  }

  private async syncFile(ops: FileOps, fd: number, path: string): Promise<void> {
    if (fd >= 0) return ops.fsync(fd);
    const tmp = await ops.open(path, 'r');
    try {
      await ops.fsync(tmp);
    } finally {
      await ops.close(tmp);
    }
  }

  /** Closes the index fds of a sealed segment (its .log fd stays for reads). */
  async closeIndexFds(ops: FileOps): Promise<void> {
    const fds = [this.indexFd, this.timeIndexFd, this.txnIndexFd].filter((fd) => fd >= 0);
    this.indexFd = -1;
    this.timeIndexFd = -1;
    this.txnIndexFd = -1;
    await Promise.all(fds.map((fd) => ops.close(fd)));
  }

  /** Ensures a sealed segment's .log fd and indexes are loaded. Call with readers > 0. */
  async ensureReadState(ops: FileOps): Promise<void> {
    if (this.logFd >= 0 && this.offsetIndex && this.timeIndex) return;
    if (!this.loading) {
      this.loading = this.loadReadState(ops).finally(() => {
        this.loading = null;
      });
    }
    return this.loading;
  }

  private async loadReadState(ops: FileOps): Promise<void> {
    if (this.logFd < 0) this.logFd = await ops.open(this.paths.log, 'r');
    if (!this.offsetIndex || !this.timeIndex) {
      const [indexBytes, timeBytes] = await Promise.all([
        readFile(this.paths.index).catch(() => Buffer.alloc(0)),
        readFile(this.paths.timeIndex).catch(() => Buffer.alloc(0)),
      ]);
      // A damaged index only loses its implausible tail: lookups then start earlier, still correct.
      this.offsetIndex = OffsetIndex.decode(this.baseOffset, this.config.segmentIndexBytes, indexBytes, this.sizeBytes).index;
      this.timeIndex = TimeIndex.decode(this.baseOffset, this.config.segmentIndexBytes, timeBytes).index;
    }
  }

  /** Drops a sealed segment's fd and indexes (LRU eviction). No-op while reads are running. */
  async releaseReadState(ops: FileOps): Promise<boolean> {
    if (this.active || this.readers > 0 || this.loading) return false;
    // Index entries not yet in the files (a seal still being written) must not be dropped.
    if (this.offsetIndex?.hasUnwritten || this.timeIndex?.hasUnwritten || this.txnIndex.hasUnwritten || this.indexFd >= 0) return false;
    const fd = this.logFd;
    this.logFd = -1;
    this.offsetIndex = null;
    this.timeIndex = null;
    if (fd >= 0) await ops.close(fd);
    return true;
  }

  async closeAll(ops: FileOps): Promise<void> {
    const fds = [this.logFd, this.indexFd, this.timeIndexFd, this.txnIndexFd].filter((fd) => fd >= 0);
    this.logFd = -1;
    this.indexFd = -1;
    this.timeIndexFd = -1;
    this.txnIndexFd = -1;
    await Promise.all(fds.map((fd) => ops.close(fd).catch(() => undefined)));
  }
}

