/** Batch helpers for the storage tests, built with the records encoder (src/records). */
import { encodeBatch } from '../../src/records/record-batch.js';
import { batchLastOffsetDelta, batchMaxTimestamp, batchSize, writeInt64 } from '../../src/records/batch-header.js';
import type { AppendInfo } from '../../src/storage/types.js';
import { isBatchCrcValid } from '../../src/records/batch-crc.js';

export interface BatchSpec {
  /** Record values (default: one 100-byte value). */
  values?: Buffer[];
  /** Timestamp of the first record; record i gets baseTimestampMs + i * timestampStepMs. */
  baseTimestampMs?: number;
  timestampStepMs?: number;
}

/** One uncompressed v2 batch with baseOffset 0, partition leader epoch 0 and a valid CRC. */
export function makeBatch(spec: BatchSpec = {}): Buffer {
  const values = spec.values ?? [Buffer.alloc(100, 0x61)];
  const base = spec.baseTimestampMs ?? 1_700_000_000_000;
  const step = spec.timestampStepMs ?? 0;
  return encodeBatch({
    baseOffset: 0,
    partitionLeaderEpoch: 0,
    records: values.map((value, i) => ({ key: null, value, headers: [], timestampMs: base + i * step })),
  });
}

/** A batch of `count` records of `valueBytes` each, values derived from `seed` (deterministic). */
export function makeSeededBatch(seed: number, count: number, valueBytes: number, timestampMs = 1_700_000_000_000 + seed): Buffer {
  const values: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const v = Buffer.alloc(valueBytes, (seed * 31 + i) & 0xff);
    v.write(`s${seed}r${i}`, 0, 'latin1');
    values.push(v);
  }
  return makeBatch({ values, baseTimestampMs: timestampMs });
}

/** The AppendInfo of every batch in `buf`, read from their headers. */
export function infosOf(buf: Buffer): AppendInfo[] {
  const infos: AppendInfo[] = [];
  for (let pos = 0; pos < buf.length; pos += batchSize(buf, pos)) {
    infos.push({ recordCount: batchLastOffsetDelta(buf, pos) + 1, maxTimestampMs: batchMaxTimestamp(buf, pos) });
  }
  return infos;
}

/** Several batches back to back, as one append's buffer. */
export function concatBatches(batches: Buffer[]): Buffer {
  return Buffer.concat(batches);
}

/** Splits a buffer of whole batches into one Buffer per batch. */
export function splitBatches(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let pos = 0; pos < buf.length; pos += batchSize(buf, pos)) out.push(buf.subarray(pos, pos + batchSize(buf, pos)));
  return out;
}

/** A copy of `batch` with its baseOffset set (what the store should hold). */
export function withBaseOffset(batch: Buffer, baseOffset: number): Buffer {
  const copy = Buffer.from(batch);
  writeInt64(copy, 0, baseOffset);
  return copy;
}

/** Whether the batch's stored CRC32C matches its bytes 21..end. */
export function verifyBatchCrc(batch: Buffer): boolean {
  return isBatchCrcValid(batch, 0, batchSize(batch, 0));
}
