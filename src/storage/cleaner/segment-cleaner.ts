/**
 * Rewrites a group of adjacent sealed segments (segment-groups.ts) into one segment with the
 * first one's base offset, keeping only the batches the filter keeps, atomically (Kafka's
 * `.cleaned` / `.swap` protocol; `end` is the group's next offset, 20 digits like the base):
 *
 *   1. write `<base>.log.cleaned`, `.index.cleaned`, `.timeindex.cleaned`, fsync all three
 *   2. rename `<base>.log.cleaned` -> `<base>.log.<end>.swap`, fsync the dir   (the commit point)
 *   3. a merge only: the group's other segments are retired (renamed `.deleted`), fsync the dir
 *   4. rename `<base>.log.<end>.swap` -> `<base>.log` (atomically replaces the old data)
 *   5. rename the two `.cleaned` indexes over the old ones, fsync the dir
 *
 * A crash before 2 leaves the old segments (the loader deletes `.cleaned` leftovers); from 2 on
 * the loader finishes the swap (completeSwaps below): it deletes any segment left with a base
 * offset in (base, end), then renames the swap in place: the new segment, never neither, and
 * never both. Reads in flight keep the old files' fds, which stay valid after the renames.
 */
import { open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { LOG_OVERHEAD, batchLastOffset, batchMaxTimestamp, batchSize } from '../../records/batch-header.js';
import type { LogConfig } from '../types.js';
import { BlockReader } from '../file/block-reader.js';
import { fsyncDir, writevFully, type FileOps } from '../file/fs-ops.js';
import { Segment } from '../file/segment.js';
import { segmentPaths } from '../file/segment-files.js';
import { filterBatch, type FilterContext } from './batch-filter.js';

export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';

/** The points a crash test can stop a clean at (after each durable step). */
export type CleanStep = 'cleaned-written' | 'log-swapped' | 'merged-retired' | 'log-committed' | 'indexes-committed';

export interface SegmentCleanDeps {
  ops: FileOps;
  /** The partition's live config object (the new segment shares it, as the others do). */
  config: LogConfig;
  /** Bytes read from the old segment per I/O (log.cleaner.io.buffer.size). */
  ioBufferBytes: number;
  /** Retires the group's other segments (renamed `.deleted`, dir fsynced) during a merge. */
  retire: (segments: Segment[]) => Promise<void>;
  /** Test hook: called after each durable step; throwing simulates a crash there. */
  onStep?: (step: CleanStep, baseOffset: number) => void | Promise<void>;
}

export interface SegmentCleanResult {
  /** The cleaned segment (sealed, read state loaded), or null when nothing was kept. */
  replacement: Segment | null;
  bytesRead: number;
  bytesWritten: number;
  recordsDropped: number;
  /** Earliest delete horizon among kept batches, or null. */
  deleteHorizonMs: number | null;
}

/** Flushes the cleaned output in writes of about this size (bounds memory per segment). */
const WRITE_CHUNK_BYTES = 1024 * 1024;
/**
 * Decoding and filtering are synchronous and the cleaner shares the event loop with appends and
 * fetches: it gives them a turn once it has worked this long (a byte count would make the pause
 * depend on record sizes; 4 ms keeps produce p99 near its idle value in bench:cleaner C3).
 */
export const CLEANER_SLICE_MS = 4;
let sliceStartMs = performance.now();

/** A promise to await when the current slice of cleaner work is used up, else null. */
export function yieldIfDue(): Promise<void> | null {
  if (performance.now() - sliceStartMs < CLEANER_SLICE_MS) return null;
  return new Promise((resolve) =>
    setImmediate(() => {
      sliceStartMs = performance.now();
      resolve();
    }),
  );
}

/**
 * Cleans `segs` (adjacent, oldest first; their read state loaded and pinned by the caller) into
 * one segment at the first one's base offset.
 */
export async function cleanSegments(segs: readonly Segment[], ctx: FilterContext, deps: SegmentCleanDeps): Promise<SegmentCleanResult> {
  const { ops } = deps;
  const first = segs[0]!;
  const last = segs[segs.length - 1]!;
  const finalPaths = segmentPaths(first.dir, first.baseOffset);
  const out = new Segment(first.dir, first.baseOffset, deps.config);
  out.paths = {
    log: finalPaths.log + CLEANED_SUFFIX,
    index: finalPaths.index + CLEANED_SUFFIX,
    timeIndex: finalPaths.timeIndex + CLEANED_SUFFIX,
    // Aborted transactions stay indexed (the consumer still needs them for kept batches): the
    // cleaned segment keeps the first segment's .txnindex file, and a merge appends the others'
    // entries to it before the commit point. A crash before then leaves entries whose markers
    // are still in later segments too; readers skip such repeats (collectAbortedTxns).
    txnIndex: finalPaths.txnIndex,
  };
  out.createFilesSync(ops, false);
  out.txnIndex = first.txnIndex;
  for (const seg of segs.slice(1)) for (const e of seg.txnIndex.entries) out.txnIndex.append(e);
  let done = false;
  try {
    const result = { bytesRead: 0, bytesWritten: 0, recordsDropped: 0, deleteHorizonMs: null as number | null };
    for (const seg of segs) {
      const r = await copyKept(seg, out, ctx, deps);
      result.bytesRead += r.bytesRead;
      result.recordsDropped += r.recordsDropped;
      if (r.deleteHorizonMs !== null) result.deleteHorizonMs = Math.min(result.deleteHorizonMs ?? Infinity, r.deleteHorizonMs);
    }
    result.bytesWritten = out.sizeBytes;
    if (out.sizeBytes === 0) {
      await out.closeAll(ops);
      await removeFiles([out.paths.log, out.paths.index, out.paths.timeIndex]);
      done = true;
      return { ...result, replacement: null };
    }
    out.nextOffset = last.nextOffset;
    out.seal();
    await out.writeIndexTails(ops);
    await out.sync(ops);
    await out.closeIndexFds(ops);
    await deps.onStep?.('cleaned-written', first.baseOffset);

    const swap = swapPath(finalPaths.log, last.nextOffset);
    await rename(out.paths.log, swap);
    await fsyncDir(ops, first.dir);
    out.paths = { ...out.paths, log: swap };
    await deps.onStep?.('log-swapped', first.baseOffset);

    if (segs.length > 1) {
      await deps.retire(segs.slice(1));
      await deps.onStep?.('merged-retired', first.baseOffset);
    }

    await rename(swap, finalPaths.log);
    out.paths = { ...out.paths, log: finalPaths.log };
    await deps.onStep?.('log-committed', first.baseOffset);

    await rename(out.paths.index, finalPaths.index);
    await rename(out.paths.timeIndex, finalPaths.timeIndex);
    await fsyncDir(ops, first.dir);
    out.paths = finalPaths;
    done = true;
    await deps.onStep?.('indexes-committed', first.baseOffset);
    return { ...result, replacement: out };
  } finally {
    if (!done) await out.closeAll(ops);
  }
}

/** `<base>.log.<end>.swap`: the end offset tells recovery which old segments the swap replaces. */
function swapPath(logPath: string, endOffset: number): string {
  return `${logPath}.${String(endOffset).padStart(20, '0')}${SWAP_SUFFIX}`;
}

async function copyKept(
  seg: Segment,
  out: Segment,
  ctx: FilterContext,
  deps: SegmentCleanDeps,
): Promise<Omit<SegmentCleanResult, 'replacement'>> {
  const reader = new BlockReader(deps.ops, seg.logFd, seg.writtenBytes, deps.ioBufferBytes);
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let recordsDropped = 0;
  let deleteHorizonMs: number | null = null;
  let pos = 0;
  const flush = async () => {
    if (pendingBytes === 0) return;
    await writevFully(deps.ops, out.logFd, pending, out.writtenBytes);
    out.writtenBytes += pendingBytes;
    pending = [];
    pendingBytes = 0;
  };
  while (pos < seg.writtenBytes) {
    let off = await reader.view(pos, LOG_OVERHEAD);
    if (off < 0) break;
    const size = batchSize(reader.buffer, off);
    off = await reader.view(pos, size);
    if (off < 0) break;
    const batch = reader.buffer.subarray(off, off + size);
    pos += size;
    const filtered = filterBatch(batch, ctx);
    recordsDropped += filtered.recordsDropped;
    if (filtered.deleteHorizonMs !== null) deleteHorizonMs = Math.min(deleteHorizonMs ?? Infinity, filtered.deleteHorizonMs);
    if (!filtered.bytes) continue;
    // An unchanged batch is a view of the reader's block, which the next read overwrites.
    const bytes = filtered.bytes === batch ? Buffer.from(batch) : filtered.bytes;
    out.indexBatch(out.sizeBytes, batchLastOffset(bytes, 0), batchMaxTimestamp(bytes, 0));
    out.sizeBytes += bytes.length;
    pending.push(bytes);
    pendingBytes += bytes.length;
    if (pendingBytes >= WRITE_CHUNK_BYTES) await flush();
    const turn = yieldIfDue();
    if (turn) await turn;
  }
  await flush();
  return { bytesRead: pos, bytesWritten: out.sizeBytes, recordsDropped, deleteHorizonMs };
}

async function removeFiles(files: string[]): Promise<void> {
  await Promise.all(files.map((f) => unlink(f).catch(() => undefined)));
}

/**
 * Finishes or rolls back cleans a crash interrupted, before the loader lists segments (rules in
 * the file comment): a swap is committed (segments it replaces deleted first); `.cleaned`
 * indexes left after a commit replace the old ones; `.cleaned` files of an uncommitted clean
 * are deleted.
 */
export async function completeSwaps(dir: string, names: string[]): Promise<boolean> {
  const has = new Set(names);
  let changed = false;
  for (const name of names) {
    // `<base>.log.swap` (no end) is the single-segment form of earlier versions.
    const m = /^(\d{20})\.log(?:\.(\d{20}))?\.swap$/.exec(name);
    if (!m) continue;
    const base = Number(m[1]);
    const end = m[2] === undefined ? base : Number(m[2]);
    for (const other of names) {
      const o = /^(\d{20})\.(log|index|timeindex)$/.exec(other);
      if (!o || Number(o[1]) <= base || Number(o[1]) >= end) continue;
      await unlink(path.join(dir, other)).catch(() => undefined);
      has.delete(other);
    }
    await rename(path.join(dir, name), path.join(dir, `${m[1]}.log`));
    has.delete(name);
    has.add(`${m[1]}.log`);
    changed = true;
  }
  for (const name of names) {
    const m = /^(\d{20})\.(index|timeindex)\.cleaned$/.exec(name);
    if (!m) continue;
    const base = m[1]!;
    const committed = !has.has(`${base}.log${CLEANED_SUFFIX}`);
    if (committed) await rename(path.join(dir, name), path.join(dir, `${base}.${m[2]}`));
    else await unlink(path.join(dir, name)).catch(() => undefined);
    changed = true;
  }
  if (changed) {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  }
  return changed;
}
