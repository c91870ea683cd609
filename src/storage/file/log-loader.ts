/**
 * Opens a partition directory: finds its segments, recovers what may be damaged (see recovery.ts)
 * and returns the segments in offset order, the last one active, plus a report for the broker's log.
 *
 * Segments wholly below the recovery point are trusted and not read at all (only stat'ed): open
 * time is proportional to the unflushed tail, not to the size of the log. After a clean shutdown
 * the recovery point is the end of the log, so only the last segment's headers after its last
 * index entry are walked (to restore the append state).
 */
import { mkdir, readFile, readdir, stat, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import type { LogConfig } from '../types.js';
import { BATCH_HEADER_SIZE, batchMaxTimestamp, readInt64 } from '../../records/batch-header.js';
import { fsyncDir, readFully, type FileOps } from './fs-ops.js';
import { OFFSET_INDEX_ENTRY_BYTES } from './offset-index.js';
import { TIME_INDEX_ENTRY_BYTES } from './time-index.js';
import { recoverSegment, type SegmentTruncation } from './recovery.js';
import { Segment } from './segment.js';
import { parseSegmentFileName, segmentPaths } from './segment-files.js';
import { completeSwaps } from '../cleaner/segment-cleaner.js';
import { TxnIndex } from '../txn-index.js';

export interface RecoveryReport {
  topic: string;
  partition: number;
  dir: string;
  /** True when the data dir was shut down cleanly (everything trusted). */
  cleanShutdown: boolean;
  /** Offset below which data was trusted (Infinity after a clean shutdown with no checkpoint entry). */
  recoveryPointOffset: number;
  segmentCount: number;
  /** Segments opened through recovery (the last one always, plus any after the recovery point). */
  segmentsRecovered: number;
  /** Bytes whose batch headers were walked without CRC checks. */
  bytesWalked: number;
  /** Bytes validated with CRC32C. */
  bytesValidated: number;
  truncations: SegmentTruncation[];
  /** Segments deleted because an earlier segment was cut short (their offsets no longer follow). */
  deletedSegments: number[];
  /** Segments whose index files were missing or malformed and were rebuilt. */
  rebuiltIndexes: number[];
  /** Segments without a .txnindex file (src/txn rebuilds it from the log's markers). */
  missingTxnIndexes: number[];
  logStartOffset: number;
  logEndOffset: number;
}

export interface LoadOptions {
  topic: string;
  partition: number;
  dir: string;
  config: LogConfig;
  ops: FileOps;
  clock: () => number;
  recoveryPointOffset: number;
  cleanShutdown: boolean;
}

const STRAY_SUFFIXES = ['.deleted', '.cleaned', '.swap', '.tmp'];

export async function loadPartition(opts: LoadOptions): Promise<{ segments: Segment[]; report: RecoveryReport }> {
  const { dir, config, ops } = opts;
  await mkdir(dir, { recursive: true });
  const bases = await listSegments(dir);
  const report: RecoveryReport = {
    topic: opts.topic,
    partition: opts.partition,
    dir,
    cleanShutdown: opts.cleanShutdown,
    recoveryPointOffset: opts.recoveryPointOffset,
    segmentCount: 0,
    segmentsRecovered: 0,
    bytesWalked: 0,
    bytesValidated: 0,
    truncations: [],
    deletedSegments: [],
    rebuiltIndexes: [],
    missingTxnIndexes: [],
    logStartOffset: 0,
    logEndOffset: 0,
  };

  const segments: Segment[] = [];
  if (bases.length === 0) {
    const seg = new Segment(dir, 0, config);
    seg.createFilesSync(ops);
    await fsyncDir(ops, dir);
    segments.push(seg);
  }
  const toSync: Segment[] = [];
  for (let i = 0; i < bases.length; i++) {
    const seg = new Segment(dir, bases[i]!, config);
    const isLast = i === bases.length - 1;
    const nextBase = isLast ? Infinity : bases[i + 1]!;
    const indexesOk = await indexFilesLookSane(seg);
    if (!isLast && indexesOk && nextBase <= opts.recoveryPointOffset) {
      await openTrusted(seg, ops, nextBase);
      segments.push(seg);
      continue;
    }
    const result = await recoverSegment(seg, ops, config, opts.recoveryPointOffset, !indexesOk);
    report.segmentsRecovered++;
    report.bytesWalked += result.walkedBytes;
    report.bytesValidated += result.validatedBytes;
    if (result.rebuiltIndexes) report.rebuiltIndexes.push(seg.baseOffset);
    if (result.truncation) report.truncations.push(result.truncation);
    if (result.validatedBytes > 0 || result.rebuiltIndexes) toSync.push(seg);
    segments.push(seg);
    // A cut-short segment (or one overlapping the next) makes every later segment unreachable.
    if (!isLast && (result.truncation || seg.nextOffset > nextBase)) {
      for (const later of bases.slice(i + 1)) {
        await deleteSegmentFiles(dir, later);
        report.deletedSegments.push(later);
      }
      break;
    }
    if (!isLast) {
      seg.seal();
      await seg.writeIndexTails(ops);
      await seg.closeIndexFds(ops);
      await seg.releaseReadState(ops);
    }
  }

  for (const seg of segments) {
    if (bases.length > 0 && !(await loadTxnIndex(seg, ops))) report.missingTxnIndexes.push(seg.baseOffset);
  }
  const active = segments[segments.length - 1]!;
  active.active = true;
  active.rollBaseMs = await firstBatchTimeMs(active, ops, opts.clock());
  for (const seg of toSync) await seg.sync(ops);
  if (toSync.length > 0 || report.deletedSegments.length > 0) await fsyncDir(ops, dir);

  report.segmentCount = segments.length;
  report.logStartOffset = segments[0]!.baseOffset;
  report.logEndOffset = active.nextOffset;
  return { segments, report };
}

/** Base offsets of the segments in `dir`, sorted; removes orphan index files and stray temp files. */
async function listSegments(dir: string): Promise<number[]> {
  let names = await readdir(dir);
  // A clean interrupted by a crash is finished or rolled back before anything else looks.
  if (await completeSwaps(dir, names)) names = await readdir(dir);
  const logs = new Set<number>();
  const others: Array<{ name: string; baseOffset: number }> = [];
  for (const name of names) {
    if (STRAY_SUFFIXES.some((s) => name.endsWith(s))) {
      await unlink(path.join(dir, name)).catch(() => undefined);
      continue;
    }
    const parsed = parseSegmentFileName(name);
    if (!parsed) continue;
    if (parsed.kind === 'log') logs.add(parsed.baseOffset);
    else others.push({ name, baseOffset: parsed.baseOffset });
  }
  for (const o of others) {
    if (!logs.has(o.baseOffset)) await unlink(path.join(dir, o.name)).catch(() => undefined);
  }
  return [...logs].sort((a, b) => a - b);
}

/** Cheap sanity check (Kafka's sanityCheck): both index files exist with whole entries. */
async function indexFilesLookSane(seg: Segment): Promise<boolean> {
  try {
    const [idx, tidx] = await Promise.all([stat(seg.paths.index), stat(seg.paths.timeIndex)]);
    return idx.size % OFFSET_INDEX_ENTRY_BYTES === 0 && tidx.size % TIME_INDEX_ENTRY_BYTES === 0;
  } catch {
    return false;
  }
}

/**
 * A sealed segment below the recovery point: size from stat, max timestamp from the time index's
 * last entry (a sealed segment's closing entry); fd and indexes are loaded on first read.
 */
async function openTrusted(seg: Segment, ops: FileOps, nextBase: number): Promise<void> {
  const st = await stat(seg.paths.log);
  seg.sizeBytes = seg.writtenBytes = st.size;
  seg.nextOffset = nextBase;
  const fd = await ops.open(seg.paths.timeIndex, 'r');
  try {
    const size = await ops.sizeOf(fd);
    if (size < TIME_INDEX_ENTRY_BYTES) return;
    const entry = Buffer.allocUnsafe(TIME_INDEX_ENTRY_BYTES);
    await readFully(ops, fd, entry, TIME_INDEX_ENTRY_BYTES, size - TIME_INDEX_ENTRY_BYTES);
    seg.maxTimestampSoFar = readInt64(entry, 0);
    seg.offsetOfMaxTimestamp = seg.baseOffset + entry.readInt32BE(8);
  } finally {
    await ops.close(fd);
  }
}

async function deleteSegmentFiles(dir: string, baseOffset: number): Promise<void> {
  const p = segmentPaths(dir, baseOffset);
  await Promise.all([p.log, p.index, p.timeIndex, p.txnIndex].map((f) => unlink(f).catch(() => undefined)));
}

/**
 * Loads a segment's aborted transaction index, dropping a partial trailing entry and entries whose
 * marker recovery cut off (the file is cut to match). False if the file is missing: the segment
 * is then marked for a rebuild and the file is written once that is done.
 */
async function loadTxnIndex(seg: Segment, ops: FileOps): Promise<boolean> {
  let bytes: Buffer;
  try {
    bytes = await readFile(seg.paths.txnIndex);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    seg.txnIndexMissing = true;
    return false;
  }
  const { index, intact } = TxnIndex.decode(bytes);
  const cut = index.truncateFrom(seg.nextOffset);
  seg.txnIndex = index;
  if (!intact || cut) {
    const fd = await ops.open(seg.paths.txnIndex, 'r+');
    try {
      await ops.ftruncate(fd, index.sizeBytes);
      await ops.fsync(fd);
    } finally {
      await ops.close(fd);
    }
  }
  return true;
}

/**
 * segment.ms age of a reopened active segment: its first batch's max timestamp when that looks
 * like a time in the past (Kafka's rollingBasedTimestamp), else now.
 */
async function firstBatchTimeMs(seg: Segment, ops: FileOps, nowMs: number): Promise<number> {
  if (seg.writtenBytes < BATCH_HEADER_SIZE) return NaN;
  const header = Buffer.allocUnsafe(BATCH_HEADER_SIZE);
  const n = await readFully(ops, seg.logFd, header, BATCH_HEADER_SIZE, 0);
  if (n < BATCH_HEADER_SIZE) return nowMs;
  const ts = batchMaxTimestamp(header, 0);
  return ts >= 0 && ts <= nowMs ? ts : nowMs;
}
