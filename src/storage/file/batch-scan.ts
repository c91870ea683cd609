/**
 * Walks the record batches of a .log file region, either trusting them ('walk': headers only, with
 * structural checks) or validating them ('validate': also CRC32C over bytes 21..end, as Kafka's
 * DefaultRecordBatch.ensureValid does). Recovery uses both; the visitor sees each good batch.
 */
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES,
  BATCH_HEADER_SIZE,
  CRC,
  LOG_OVERHEAD,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchMagic,
  batchMaxTimestamp,
  batchSize,
} from '../../records/batch-header.js';
import { BlockReader } from './block-reader.js';
import type { FileOps } from './fs-ops.js';

export type ScanMode = 'walk' | 'validate';

export interface ScannedBatch {
  position: number;
  sizeBytes: number;
  baseOffset: number;
  lastOffset: number;
  maxTimestampMs: number;
}

export interface ScanResult {
  /** Position after the last good batch. */
  endPosition: number;
  /** Offset after the last good batch (or the `minBaseOffset` given if none). */
  nextOffset: number;
  /** Why the scan stopped before the end of the region, or null if it reached the end. */
  stopReason: string | null;
  bytesRead: number;
}

const WALK_BLOCK_BYTES = 64 * 1024;
const VALIDATE_BLOCK_BYTES = 1024 * 1024;
const MAGIC_V2 = 2;

/**
 * Checks a batch's structure (and CRC when `withCrc`) in memory. Returns null if good, else why not.
 * `minBaseOffset`: offsets never go backwards, so a smaller base offset means garbage.
 */
export function checkBatch(buf: Buffer, off: number, size: number, minBaseOffset: number, withCrc: boolean): string | null {
  if (batchMagic(buf, off) !== MAGIC_V2) return `unsupported magic ${batchMagic(buf, off)}`;
  const base = batchBaseOffset(buf, off);
  if (base < minBaseOffset) return `base offset ${base} below expected ${minBaseOffset}`;
  if (batchLastOffsetDelta(buf, off) < 0) return 'negative lastOffsetDelta';
  if (withCrc) {
    const stored = buf.readUInt32BE(off + CRC);
    const actual = crc32c(buf.subarray(off + ATTRIBUTES, off + size));
    if (stored !== actual >>> 0) return `CRC mismatch (stored ${stored}, computed ${actual >>> 0})`;
  }
  return null;
}

/**
 * Scans batches from `fromPosition` up to `endBytes`, stopping at the first one that does not
 * check out. The visitor may return false to stop early (stopReason stays null).
 */
export async function scanBatches(
  ops: FileOps,
  fd: number,
  fromPosition: number,
  endBytes: number,
  minBaseOffset: number,
  mode: ScanMode,
  visit: (batch: ScannedBatch) => boolean | void,
): Promise<ScanResult> {
  const validate = mode === 'validate';
  const reader = new BlockReader(ops, fd, endBytes, validate ? VALIDATE_BLOCK_BYTES : WALK_BLOCK_BYTES);
  const batch: ScannedBatch = { position: 0, sizeBytes: 0, baseOffset: 0, lastOffset: 0, maxTimestampMs: 0 };
  let pos = fromPosition;
  let next = minBaseOffset;
  let stopReason: string | null = null;
  while (pos < endBytes) {
    let off = await reader.view(pos, LOG_OVERHEAD);
    if (off < 0) {
      stopReason = `partial batch header at end of file (${endBytes - pos} bytes)`;
      break;
    }
    const size = batchSize(reader.buffer, off);
    if (size < BATCH_HEADER_SIZE) {
      stopReason = `invalid batch length ${size - LOG_OVERHEAD}`;
      break;
    }
    if (pos + size > endBytes) {
      stopReason = `batch of ${size} bytes cut off by end of file (${endBytes - pos} bytes left)`;
      break;
    }
    off = await reader.view(pos, validate ? size : BATCH_HEADER_SIZE);
    const buf = reader.buffer;
    const problem = checkBatch(buf, off, size, next, validate);
    if (problem) {
      stopReason = problem;
      break;
    }
    batch.position = pos;
    batch.sizeBytes = size;
    batch.baseOffset = batchBaseOffset(buf, off);
    batch.lastOffset = batch.baseOffset + batchLastOffsetDelta(buf, off);
    batch.maxTimestampMs = batchMaxTimestamp(buf, off);
    next = batch.lastOffset + 1;
    pos += size;
    if (visit(batch) === false) break;
  }
  return { endPosition: pos, nextOffset: next, stopReason, bytesRead: reader.bytesRead };
}
