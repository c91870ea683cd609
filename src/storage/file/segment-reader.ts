/**
 * Reads from one segment's .log: offset index lookup, then a forward walk of batch headers to the
 * batch containing the wanted offset, then whole batches up to maxBytes, all from one or two
 * positional reads (never the whole segment), into a fresh Buffer or, for a leased read, one from
 * the read pool that the caller releases. Only bytes already written (segment.writtenBytes) are
 * read; newer ones are served from the tail cache.
 */
import {
  BATCH_HEADER_SIZE,
  LOG_OVERHEAD,
  batchBaseOffset,
  batchLastOffsetDelta,
  batchSize,
} from '../../records/batch-header.js';
import { CorruptRecordError, type ReadOptions, type ReadResult, type TimestampLookup } from '../types.js';
import { BlockReader } from './block-reader.js';
import { scanBatches } from './batch-scan.js';
import type { FileOps } from './fs-ops.js';
import type { ReadBufferPool } from './read-buffer-pool.js';
import type { Segment } from './segment.js';

const MIN_BLOCK_BYTES = 16 * 1024;
const MAX_BLOCK_BYTES = 64 * 1024 * 1024;

/** Reads from the batch containing `offset`; null if this segment holds nothing at or after it. */
export async function readSegment(
  ops: FileOps,
  seg: Segment,
  offset: number,
  options: ReadOptions,
  indexIntervalBytes: number,
  pool: ReadBufferPool | null = null,
): Promise<ReadResult | null> {
  // One block usually covers the walk from the index entry (about indexIntervalBytes) plus maxBytes.
  const blockBytes = clamp(options.maxBytes + indexIntervalBytes + BATCH_HEADER_SIZE, MIN_BLOCK_BYTES, MAX_BLOCK_BYTES);
  const reader = new BlockReader(ops, seg.logFd, seg.writtenBytes, blockBytes, options.leased ? pool : null);
  let result: ReadResult | null = null;
  try {
    result = await readBatches(seg, reader, offset, options);
    return result;
  } finally {
    // Handed to the caller only when the result holds views into the buffer.
    if (result !== null && result.bytes > 0 && options.leased && pool) result.release = () => reader.release();
    else reader.release();
  }
}

async function readBatches(seg: Segment, reader: BlockReader, offset: number, options: ReadOptions): Promise<ReadResult | null> {
  const end = seg.writtenBytes;
  let pos = seg.offsetIndex!.lookup(offset);

  let off: number;
  for (;;) {
    off = await reader.view(pos, BATCH_HEADER_SIZE);
    if (off < 0) return null;
    const size = batchSize(reader.buffer, off);
    if (size < BATCH_HEADER_SIZE) {
      throw new CorruptRecordError(`invalid batch length ${size - LOG_OVERHEAD} at ${seg.paths.log}:${pos}`);
    }
    const last = batchBaseOffset(reader.buffer, off) + batchLastOffsetDelta(reader.buffer, off);
    if (last >= offset) break;
    pos += size;
  }

  const maxOffset = options.maxOffset ?? Infinity;
  const firstSize = batchSize(reader.buffer, off);
  if (batchBaseOffset(reader.buffer, off) >= maxOffset) return { chunks: [], bytes: 0 };
  if (firstSize > options.maxBytes && !options.minOneBatch) return { chunks: [], bytes: 0 };
  if (pos + firstSize > end) {
    throw new CorruptRecordError(`batch at ${seg.paths.log}:${pos} runs past the written end ${end}`);
  }
  // Capped: a huge maxBytes must not turn into a huge single read (returning less is allowed).
  const want = Math.min(end - pos, Math.max(Math.min(options.maxBytes, MAX_BLOCK_BYTES), firstSize));
  off = await reader.view(pos, want);
  const buf = reader.buffer;
  let p = off;
  let total = 0;
  while (p + LOG_OVERHEAD <= off + want) {
    const size = batchSize(buf, p);
    if (size < BATCH_HEADER_SIZE || p + size > off + want) break;
    if (total > 0 && (total + size > options.maxBytes || batchBaseOffset(buf, p) >= maxOffset)) break;
    total += size;
    p += size;
  }
  return { chunks: [buf.subarray(off, p)], bytes: total };
}

/** First batch in the segment whose max timestamp is >= timestampMs (Kafka's findOffsetByTimestamp). */
export async function findTimestampInSegment(
  ops: FileOps,
  seg: Segment,
  timestampMs: number,
  minOffset = 0,
): Promise<TimestampLookup | null> {
  const entry = seg.timeIndex!.lookup(timestampMs);
  const from = seg.offsetIndex!.lookup(Math.max(entry.offset, seg.baseOffset));
  let found: TimestampLookup | null = null;
  await scanBatches(ops, seg.logFd, from, seg.writtenBytes, seg.baseOffset, 'walk', (b) => {
    if (b.maxTimestampMs < timestampMs || b.lastOffset < minOffset) return true;
    found = { offset: b.baseOffset, timestampMs: b.maxTimestampMs };
    return false;
  });
  return found;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
