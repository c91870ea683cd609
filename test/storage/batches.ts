/**
 * A tiny v2 record batch builder for the storage tests (uncompressed, no keys or headers), with
 * the CRC32C Kafka expects. The records encoder in src/records/ will replace it.
 */
import { crc32c } from '@node-rs/crc32';
import {
  ATTRIBUTES,
  BATCH_HEADER_SIZE,
  CRC,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchSize,
  writeInt64,
} from '../../src/records/batch-header.js';
import type { AppendInfo } from '../../src/storage/types.js';

export interface BatchSpec {
  /** Record values (default: one 100-byte value). */
  values?: Buffer[];
  /** Timestamp of the first record; record i gets baseTimestampMs + i * timestampStepMs. */
  baseTimestampMs?: number;
  timestampStepMs?: number;
}

function zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
}

function varint(out: number[], n: number): void {
  let v = zigzag(n);
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function encodeRecord(offsetDelta: number, timestampDelta: number, value: Buffer): Buffer {
  const body: number[] = [0]; // attributes
  varint(body, timestampDelta);
  varint(body, offsetDelta);
  varint(body, -1); // null key
  varint(body, value.length);
  const tail: number[] = [];
  varint(tail, 0); // no headers
  const len: number[] = [];
  varint(len, body.length + value.length + tail.length);
  return Buffer.concat([Buffer.from(len), Buffer.from(body), value, Buffer.from(tail)]);
}

/** One v2 batch with baseOffset 0 and a valid CRC. */
export function makeBatch(spec: BatchSpec = {}): Buffer {
  const values = spec.values ?? [Buffer.alloc(100, 0x61)];
  const base = spec.baseTimestampMs ?? 1_700_000_000_000;
  const step = spec.timestampStepMs ?? 0;
  const records = values.map((v, i) => encodeRecord(i, i * step, v));
  const header = Buffer.alloc(BATCH_HEADER_SIZE);
  const total = BATCH_HEADER_SIZE + records.reduce((n, r) => n + r.length, 0);
  writeInt64(header, 0, 0); // baseOffset, rewritten by the store
  header.writeInt32BE(total - 12, 8); // batchLength
  header.writeInt32BE(0, 12); // partitionLeaderEpoch
  header.writeInt8(2, 16); // magic
  header.writeInt16BE(0, ATTRIBUTES);
  header.writeInt32BE(values.length - 1, 23); // lastOffsetDelta
  writeInt64(header, 27, base);
  writeInt64(header, 35, base + (values.length - 1) * step);
  writeInt64(header, 43, -1); // producerId
  header.writeInt16BE(-1, 51); // producerEpoch
  header.writeInt32BE(-1, 53); // baseSequence
  header.writeInt32BE(values.length, 57);
  const batch = Buffer.concat([header, ...records], total);
  batch.writeUInt32BE(crc32c(batch.subarray(ATTRIBUTES)) >>> 0, CRC);
  return batch;
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
