/**
 * Compaction of one record batch (Kafka's MemoryRecords.filterTo with the cleaner's retention
 * rule): a record stays unless a later record with the same key is in the offset map; a
 * tombstone (null value) or transaction marker stays until its batch's delete horizon has passed.
 * A kept batch keeps its base offset, lastOffsetDelta, producer id/epoch/base sequence, leader
 * epoch, compression and flags; records keep their offsets (gaps appear). A batch holding
 * tombstones or markers gets a delete horizon (KIP-534: now + delete.retention.ms) the first time
 * it is cleaned, stored as its base timestamp with the delete-horizon attribute bit.
 *
 * Transactions (Kafka's CleanedTransactionMetadata): data batches of an aborted transaction are
 * dropped whole; a COMMIT/ABORT marker is kept until its delete horizon has passed and none of
 * its transaction's data is left before it.
 */
import { decodeBatches, encodeBatch, type DecodedBatch, type RecordInput } from '../../records/record-batch.js';
import type { OffsetMap } from './offset-map.js';
import { isAborted, type TransactionRanges } from './transactions.js';

export interface FilterContext {
  map: OffsetMap;
  /** Records at or after this offset were not mapped: they are always kept. */
  mapEndOffset: number;
  nowMs: number;
  deleteRetentionMs: number;
  transactions: TransactionRanges;
  /**
   * Per producer id: whether data of its current transaction was kept in this pass (batches are
   * filtered in offset order). A marker is only dropped once no data of its transaction is left.
   */
  txnDataKept: Map<number, boolean>;
}

export interface FilterResult {
  /** The bytes to write: the original batch, a rewritten one, or null (nothing kept). */
  bytes: Buffer | null;
  recordsKept: number;
  recordsDropped: number;
  /** The batch's delete horizon after cleaning (to know when to clean again), or null. */
  deleteHorizonMs: number | null;
}

/** Filters the single v2 batch in `batch` (whole, with its 12-byte prefix). */
export function filterBatch(batch: Buffer, ctx: FilterContext): FilterResult {
  const decoded = decodeBatches(batch, { verifyCrc: false })[0];
  if (!decoded) return { bytes: batch, recordsKept: 0, recordsDropped: 0, deleteHorizonMs: null };
  const horizonPassed = decoded.deleteHorizonMs !== null && ctx.nowMs >= decoded.deleteHorizonMs;

  if (decoded.transactional && !decoded.isControl && isAborted(ctx.transactions, decoded.producerId, decoded.baseOffset)) {
    return emptied(decoded, ctx, decoded.records.length);
  }

  if (decoded.isControl) {
    // Transaction markers: kept until the delete horizon has passed, like tombstones, and while
    // data of their transaction is still in the log.
    const dataLeft = ctx.txnDataKept.get(decoded.producerId) ?? false;
    ctx.txnDataKept.delete(decoded.producerId);
    if (horizonPassed && !dataLeft) return { bytes: null, recordsKept: 0, recordsDropped: decoded.records.length, deleteHorizonMs: null };
    if (decoded.deleteHorizonMs !== null) return { bytes: batch, recordsKept: decoded.records.length, recordsDropped: 0, deleteHorizonMs: decoded.deleteHorizonMs };
    const horizon = ctx.nowMs + ctx.deleteRetentionMs;
    return { bytes: rewrite(decoded, decoded.records.map(toInput(decoded)), horizon), recordsKept: decoded.records.length, recordsDropped: 0, deleteHorizonMs: horizon };
  }

  const kept: RecordInput[] = [];
  let tombstones = 0;
  const input = toInput(decoded);
  for (const record of decoded.records) {
    if (!retain(record.key, record.value, record.offset, ctx, horizonPassed)) continue;
    if (record.value === null) tombstones++;
    kept.push(input(record));
  }
  const dropped = decoded.records.length - kept.length;
  if (decoded.transactional && kept.length > 0) ctx.txnDataKept.set(decoded.producerId, true);
  if (kept.length === 0) return emptied(decoded, ctx, dropped);
  const needsHorizon = tombstones > 0 && decoded.deleteHorizonMs === null;
  if (dropped === 0 && !needsHorizon) return { bytes: batch, recordsKept: kept.length, recordsDropped: 0, deleteHorizonMs: tombstones > 0 ? decoded.deleteHorizonMs : null };
  const horizon = tombstones === 0 ? null : decoded.deleteHorizonMs ?? ctx.nowMs + ctx.deleteRetentionMs;
  return { bytes: rewrite(decoded, kept, horizon), recordsKept: kept.length, recordsDropped: dropped, deleteHorizonMs: horizon };
}

/**
 * A batch with nothing left: dropped, except a producer's last data batch, which Kafka keeps as
 * an empty batch (same offsets, producer id, epoch and sequences) so the producer's state can be
 * rebuilt from the log.
 */
function emptied(batch: DecodedBatch, ctx: FilterContext, dropped: number): FilterResult {
  const keepHeader = batch.producerId >= 0 && ctx.transactions.lastDataOffset.get(batch.producerId) === batch.lastOffset;
  return { bytes: keepHeader ? rewrite(batch, [], null) : null, recordsKept: 0, recordsDropped: dropped, deleteHorizonMs: null };
}

function retain(key: Buffer | null, value: Buffer | null, offset: number, ctx: FilterContext, horizonPassed: boolean): boolean {
  // A record without a key cannot be compacted away (Kafka refuses them on compacted topics).
  if (key === null) return true;
  if (offset < ctx.mapEndOffset) {
    const latest = ctx.map.get(key);
    if (latest > offset) return false;
  }
  return value !== null || !horizonPassed;
}

function toInput(batch: DecodedBatch) {
  return (r: DecodedBatch['records'][number]): RecordInput => ({
    key: r.key,
    value: r.value,
    headers: r.headers,
    timestampMs: r.timestampMs,
    offsetDelta: r.offset - batch.baseOffset,
  });
}

function rewrite(batch: DecodedBatch, records: RecordInput[], deleteHorizonMs: number | null): Buffer {
  return encodeBatch({
    baseOffset: batch.baseOffset,
    records,
    compression: batch.compression,
    producerId: batch.producerId,
    producerEpoch: batch.producerEpoch,
    baseSequence: batch.baseSequence,
    transactional: batch.transactional,
    isControl: batch.isControl,
    partitionLeaderEpoch: batch.partitionLeaderEpoch,
    timestampType: batch.timestampType,
    maxTimestampMs: batch.timestampType === 'LogAppendTime' ? batch.maxTimestampMs : undefined,
    lastOffsetDelta: batch.lastOffsetDelta,
    ...(deleteHorizonMs !== null ? { deleteHorizonMs } : {}),
  });
}
