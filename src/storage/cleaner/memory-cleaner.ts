/**
 * The log cleaner for the memory store: the same rules as log-cleaner.ts (cleanable range, dirty
 * ratio, min/max compaction lag, offset map bounded by the dedupe buffer, delete horizons,
 * transactions through batch-filter.ts), applied to the appended chunks of a BatchList instead
 * of segment files. A chunk is the memory store's segment: chunks before the roll point are
 * sealed; a cleaned chunk keeps its offset range (gaps allowed), an emptied one is dropped, and
 * small neighbours are merged into one chunk up to segment.bytes.
 * The swap is one synchronous replacement of the list's prefix, so no read sees half of it.
 */
import { CONTROL_BIT, batchAttributes, batchMaxTimestamp, batchSize } from '../../records/batch-header.js';
import { decodeBatches } from '../../records/record-batch.js';
import type { BatchList } from '../batch-list.js';
import type { CleanStats, LogConfig } from '../types.js';
import { filterBatch, type FilterContext } from './batch-filter.js';
import { OffsetMap } from './offset-map.js';
import { TransactionScan, isAborted, type TransactionRanges } from './transactions.js';

export interface MemoryCleanerState {
  /** Offsets below this were cleaned (Kafka's cleaner checkpoint). */
  firstDirtyOffset: number;
  /** Earliest delete horizon of a kept tombstone or marker: the log is due again then. */
  nextDeleteHorizonMs: number;
}

export interface MemoryCleanInput {
  topic: string;
  partition: number;
  list: BatchList;
  state: MemoryCleanerState;
  config: LogConfig;
  logStartOffset: number;
  /** Base offset of the active (unsealed) chunks: never cleaned. */
  activeBaseOffset: number;
  nowMs: number;
  dedupeBufferBytes: number;
}

interface Plan {
  transactions: TransactionRanges;
  firstDirty: number;
  /** Chunks [0, sealedCount) end at or before the first uncleanable offset. */
  sealedCount: number;
  cleanable: boolean;
  dirtyRatio: number;
}

/** Whether the log is due, and how dirty it is (cleanFilthiest ranks by dirtyRatio). */
export function memoryCleanability(input: MemoryCleanInput): { cleanable: boolean; dirtyRatio: number } {
  const plan = planOf(input);
  return { cleanable: plan.cleanable, dirtyRatio: plan.dirtyRatio };
}

/** One pass if the log is due (or `force`); null when it is not. */
export function cleanMemoryLog(input: MemoryCleanInput, force = false): CleanStats | null {
  const plan = planOf(input);
  if (!plan.cleanable && !(force && plan.sealedCount > 0)) return null;
  const { list, state, nowMs } = input;
  const uncleanableEnd = plan.sealedCount > 0 ? list.chunkAt(plan.sealedCount - 1)!.endOffset : plan.firstDirty;
  const map = new OffsetMap(input.dedupeBufferBytes);
  const mapEnd = buildMap(list, plan, map, uncleanableEnd);
  const ctx: FilterContext = { map, mapEndOffset: mapEnd, nowMs, deleteRetentionMs: input.config.deleteRetentionMs, transactions: plan.transactions, txnDataKept: new Map() };
  const stats: CleanStats = {
    topic: input.topic, partition: input.partition, segmentsCleaned: 0, segmentsDeleted: 0, segmentsMerged: 0, bytesRead: 0, bytesWritten: 0,
    recordsDropped: 0, keysMapped: map.size, firstDirtyOffset: plan.firstDirty, mapEndOffset: mapEnd,
  };
  const replaced: Chunk[] = [];
  let nextHorizonMs = Infinity;
  let count = 0;
  for (; count < plan.sealedCount; count++) {
    const chunk = list.chunkAt(count)!;
    if (chunk.baseOffset >= mapEnd) break;
    const buf = list.bufAt(count)!;
    const kept: Buffer[] = [];
    let maxTs = -1;
    for (let pos = 0; pos < buf.length; ) {
      const size = batchSize(buf, pos);
      const result = filterBatch(buf.subarray(pos, pos + size), ctx);
      pos += size;
      stats.recordsDropped += result.recordsDropped;
      if (result.deleteHorizonMs !== null) nextHorizonMs = Math.min(nextHorizonMs, result.deleteHorizonMs);
      if (!result.bytes) continue;
      kept.push(result.bytes);
      maxTs = Math.max(maxTs, batchMaxTimestamp(result.bytes, 0));
    }
    stats.segmentsCleaned++;
    stats.bytesRead += buf.length;
    if (kept.length === 0) {
      stats.segmentsDeleted++;
      continue;
    }
    const out = kept.length === 1 ? kept[0]! : Buffer.concat(kept);
    stats.bytesWritten += out.length;
    replaced.push({ baseOffset: chunk.baseOffset, endOffset: chunk.endOffset, buf: out, maxTimestampMs: maxTs });
  }
  list.replacePrefix(count, mergeSmall(replaced, input.config.segmentBytes));
  state.firstDirtyOffset = Math.max(plan.firstDirty, mapEnd);
  state.nextDeleteHorizonMs = nextHorizonMs;
  return stats;
}

type Chunk = { baseOffset: number; endOffset: number; buf: Buffer; maxTimestampMs: number };

/**
 * Adjacent cleaned chunks merged while they stay within segment.bytes (the file store's
 * groupSegmentsBySize, on sizes after cleaning since nothing is rewritten twice here): a
 * compacted memory log does not keep one tiny chunk per original append.
 */
function mergeSmall(chunks: Chunk[], segmentBytes: number): Chunk[] {
  const out: Chunk[] = [];
  let group: Chunk[] = [];
  let bytes = 0;
  const close = () => {
    if (group.length === 0) return;
    const first = group[0]!;
    const last = group[group.length - 1]!;
    out.push(group.length === 1 ? first : {
      baseOffset: first.baseOffset,
      endOffset: last.endOffset,
      buf: Buffer.concat(group.map((c) => c.buf)),
      maxTimestampMs: Math.max(...group.map((c) => c.maxTimestampMs)),
    });
    group = [];
    bytes = 0;
  };
  for (const c of chunks) {
    if (group.length > 0 && bytes + c.buf.length > segmentBytes) close();
    group.push(c);
    bytes += c.buf.length;
  }
  close();
  return out;
}

function planOf(input: MemoryCleanInput): Plan {
  const { list, state, config, nowMs } = input;
  const scan = new TransactionScan();
  for (let i = 0, buf = list.bufAt(0); buf; buf = list.bufAt(++i)) {
    for (let pos = 0; pos < buf.length; pos += batchSize(buf, pos)) scan.visit(buf, pos);
  }
  const transactions = scan.result();
  let uncleanable = Math.min(input.activeBaseOffset, transactions.firstOpenOffset);
  const firstDirty = Math.max(state.firstDirtyOffset, input.logStartOffset);
  let sealedCount = 0;
  let clean = 0;
  let dirty = 0;
  let firstDirtyChunk = -1;
  for (let i = 0, c = list.chunkAt(0); c; c = list.chunkAt(++i)) {
    if (config.minCompactionLagMs > 0 && c.maxTimestampMs > nowMs - config.minCompactionLagMs) uncleanable = Math.min(uncleanable, c.baseOffset);
    if (c.endOffset > uncleanable) break;
    sealedCount = i + 1;
    if (c.endOffset <= firstDirty) clean += c.sizeBytes;
    else {
      dirty += c.sizeBytes;
      if (firstDirtyChunk < 0) firstDirtyChunk = i;
    }
  }
  const dirtyRatio = clean + dirty > 0 ? dirty / (clean + dirty) : 0;
  let cleanable = dirty > 0 && dirtyRatio >= config.minCleanableDirtyRatio;
  if (!cleanable && firstDirtyChunk >= 0 && config.maxCompactionLagMs < Number.MAX_SAFE_INTEGER) {
    cleanable = nowMs - batchMaxTimestamp(list.bufAt(firstDirtyChunk)!, 0) > config.maxCompactionLagMs;
  }
  if (!cleanable && nowMs >= state.nextDeleteHorizonMs && sealedCount > 0) cleanable = true;
  return { transactions, firstDirty, sealedCount, cleanable, dirtyRatio };
}

/** Maps keys of dirty batches below `upTo` until the map is full; returns where the map ends. */
function buildMap(list: BatchList, plan: Plan, map: OffsetMap, upTo: number): number {
  let end = plan.firstDirty;
  for (let i = 0; i < plan.sealedCount; i++) {
    const buf = list.bufAt(i)!;
    if (list.chunkAt(i)!.endOffset <= plan.firstDirty) continue;
    for (let pos = 0; pos < buf.length; ) {
      const size = batchSize(buf, pos);
      const batch = decodeBatches(buf.subarray(pos, pos + size), { verifyCrc: false })[0];
      const control = (batchAttributes(buf, pos) & CONTROL_BIT) !== 0;
      pos += size;
      if (!batch || batch.lastOffset < plan.firstDirty) continue;
      // The first batch always goes in, so every pass makes progress.
      if (map.size > 0 && !map.fits(batch.records.length)) return Math.min(end, upTo);
      const aborted = batch.transactional && isAborted(plan.transactions, batch.producerId, batch.baseOffset);
      if (!control && !aborted) {
        for (const r of batch.records) if (r.key !== null && r.offset >= plan.firstDirty) map.put(r.key, r.offset);
      }
      end = batch.lastOffset + 1;
    }
    end = Math.max(end, list.chunkAt(i)!.endOffset);
  }
  return Math.min(end, upTo);
}
