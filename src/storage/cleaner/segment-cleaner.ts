/**
 * Rewrites one sealed segment with only the batches the filter keeps, atomically (Kafka's
 * `.cleaned` / `.swap` protocol, one segment in, one out, same base offset):
 *
 *   1. write `<base>.log.cleaned`, `.index.cleaned`, `.timeindex.cleaned`, fsync all three
 *   2. rename `<base>.log.cleaned` -> `<base>.log.swap`, fsync the dir   (the commit point)
 *   3. rename `<base>.log.swap` -> `<base>.log` (atomically replaces the old data)
 *   4. rename the two `.cleaned` indexes over the old ones, fsync the dir
 *
 * A crash before 2 leaves the old segment (the loader deletes `.cleaned` leftovers); from 2 on
 * the loader finishes the swap (log-loader.ts completeSwaps): the new segment, never neither.
 * Reads in flight keep the old file's fd, which stays valid after the rename.
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
export type CleanStep = 'cleaned-written' | 'log-swapped' | 'log-committed' | 'indexes-committed';

export interface SegmentCleanDeps {
  ops: FileOps;
  /** The partition's live config object (the new segment shares it, as the others do). */
  config: LogConfig;
  /** Bytes read from the old segment per I/O (log.cleaner.io.buffer.size). */
  ioBufferBytes: number;
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
/** Decoding is synchronous: give appends and fetches a turn after about this much input. */
export const YIELD_BYTES = 256 * 1024;

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Cleans `seg` (its read state must be loaded and pinned by the caller). */
export async function cleanSegment(seg: Segment, ctx: FilterContext, deps: SegmentCleanDeps): Promise<SegmentCleanResult> {
  const { ops } = deps;
  const finalPaths = segmentPaths(seg.dir, seg.baseOffset);
  const out = new Segment(seg.dir, seg.baseOffset, deps.config);
  out.paths = {
    log: finalPaths.log + CLEANED_SUFFIX,
    index: finalPaths.index + CLEANED_SUFFIX,
    timeIndex: finalPaths.timeIndex + CLEANED_SUFFIX,
    // Aborted transactions stay indexed (the consumer still needs them for kept batches): the
    // cleaned segment keeps the old .txnindex file and entries as they are.
    txnIndex: finalPaths.txnIndex,
  };
  out.createFilesSync(ops, false);
  out.txnIndex = seg.txnIndex;
  let done = false;
  try {
    const result = await copyKept(seg, out, ctx, deps);
    if (out.sizeBytes === 0) {
      await out.closeAll(ops);
      await removeFiles([out.paths.log, out.paths.index, out.paths.timeIndex]);
      done = true;
      return { ...result, replacement: null };
    }
    out.nextOffset = seg.nextOffset;
    out.seal();
    await out.writeIndexTails(ops);
    await out.sync(ops);
    await out.closeIndexFds(ops);
    await deps.onStep?.('cleaned-written', seg.baseOffset);

    const swap = finalPaths.log + SWAP_SUFFIX;
    await rename(out.paths.log, swap);
    await fsyncDir(ops, seg.dir);
    out.paths = { ...out.paths, log: swap };
    await deps.onStep?.('log-swapped', seg.baseOffset);

    await rename(swap, finalPaths.log);
    out.paths = { ...out.paths, log: finalPaths.log };
    await deps.onStep?.('log-committed', seg.baseOffset);

    await rename(out.paths.index, finalPaths.index);
    await rename(out.paths.timeIndex, finalPaths.timeIndex);
    await fsyncDir(ops, seg.dir);
    out.paths = finalPaths;
    done = true;
    await deps.onStep?.('indexes-committed', seg.baseOffset);
    return { ...result, replacement: out };
  } finally {
    if (!done) await out.closeAll(ops);
  }
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
  let lastYield = 0;
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
    if (pos - lastYield >= YIELD_BYTES) {
      lastYield = pos;
      await yieldToEventLoop();
    }
  }
  await flush();
  return { bytesRead: pos, bytesWritten: out.sizeBytes, recordsDropped, deleteHorizonMs };
}

async function removeFiles(files: string[]): Promise<void> {
  await Promise.all(files.map((f) => unlink(f).catch(() => undefined)));
}

/**
 * Finishes or rolls back cleans a crash interrupted, before the loader lists segments (rules in
 * the file comment): a `.log.swap` is committed; `.cleaned` indexes left after a commit replace
 * the old ones; `.cleaned` files of an uncommitted clean are deleted.
 */
export async function completeSwaps(dir: string, names: string[]): Promise<boolean> {
  const has = new Set(names);
  let changed = false;
  for (const name of names) {
    const m = /^(\d{20})\.log\.swap$/.exec(name);
    if (!m) continue;
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
