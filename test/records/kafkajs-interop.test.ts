/**
 * Cross-checks against a second implementation: KafkaJS's own record batch and legacy message
 * set encoders and decoders (node_modules/kafkajs/src/protocol). KafkaJS ships only gzip; for the
 * other codecs its codec table is pointed at ours, which still checks the batch framing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as zlib from 'node:zlib';
import { crc32 } from '../../src/records/crc32.js';
import { CompressionType, compress, decompress } from '../../src/records/compression.js';
import { decodeBatches, encodeBatch, type RecordInput } from '../../src/records/record-batch.js';
import { validateBatches } from '../../src/records/validate.js';
import { xxhash32 } from '../../src/records/xxhash32.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const require = createRequire(import.meta.url);
const { RecordBatch } = require('kafkajs/src/protocol/recordBatch/v0/index.js');
const KafkaRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const decodeKafkaJsBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder.js');
const KafkaDecoder = require('kafkajs/src/protocol/decoder.js');
const MessageSet = require('kafkajs/src/protocol/messageSet/index.js');
const Long = require('kafkajs/src/utils/long.js');
const { Codecs } = require('kafkajs/src/protocol/message/compression/index.js');

const T0 = 1_700_000_000_000;

interface Message {
  key: string | Buffer | null;
  value: string | Buffer | null;
  timestamp: number;
  headers?: Record<string, Buffer | string>;
}

const messages: Message[] = [
  { key: 'user-1', value: 'first', timestamp: T0, headers: { trace: Buffer.from('t1'), other: 'x' } },
  { key: null, value: Buffer.from([0, 1, 2, 255]), timestamp: T0 + 7 },
  { key: 'user-3', value: null, timestamp: T0 + 3 },
  { key: 'user-4', value: '', timestamp: T0 + 12, headers: { 'ünï': 'çødé' } },
];

/** Encodes a batch exactly as KafkaJS's Produce v3+ request encoder does. */
async function kafkaJsBatch(compression: number, extra: Record<string, unknown> = {}): Promise<Buffer> {
  const records = messages.map((m, i) => KafkaRecord({ key: m.key, value: m.value, headers: m.headers, offsetDelta: i, timestampDelta: m.timestamp - T0 }));
  const encoder = await RecordBatch({
    compression,
    records,
    firstTimestamp: T0,
    maxTimestamp: T0 + 12,
    lastOffsetDelta: records.length - 1,
    ...extra,
  });
  return encoder.buffer as Buffer;
}

function asBuffer(value: string | Buffer | null): Buffer | null {
  return value === null ? null : Buffer.from(value);
}

function withOurCodecs<T>(run: () => Promise<T>): Promise<T> {
  const saved = { ...Codecs };
  for (const type of [CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    Codecs[type] = () => ({
      compress: async (encoder: any) => compress(type, encoder.buffer),
      decompress: async (buffer: Buffer) => decompress(type, buffer),
    });
  }
  return run().finally(() => Object.assign(Codecs, saved));
}

test('a KafkaJS-encoded gzip and uncompressed batch decodes and validates', async () => {
  for (const compression of [CompressionType.None, CompressionType.Gzip]) {
    const buf = await kafkaJsBatch(compression);
    const [batch, ...rest] = decodeBatches(buf);
    assert.equal(rest.length, 0);
    assert.equal(batch!.compression, compression);
    assert.equal(batch!.partitionLeaderEpoch, 0);
    assert.equal(batch!.maxTimestampMs, T0 + 12);
    assert.deepEqual(
      batch!.records.map((r) => ({ offset: r.offset, timestampMs: r.timestampMs, key: r.key, value: r.value, headers: r.headers })),
      messages.map((m, i) => ({
        offset: i,
        timestampMs: m.timestamp,
        key: asBuffer(m.key),
        value: asBuffer(m.value),
        headers: Object.entries(m.headers ?? {}).map(([key, value]) => ({ key, value: Buffer.from(value) })),
      })),
    );
    const result = validateBatches(Buffer.from(buf), { nowMs: T0 + 1000, maxBatchBytes: 1_048_588 });
    assert.ok(result.ok, JSON.stringify(result));
    assert.equal(result.recordCount, messages.length);
    assert.equal(result.maxTimestampMs, T0 + 12);
  }
});

test('KafkaJS idempotent/transactional header fields are read and validated', async () => {
  const buf = await kafkaJsBatch(CompressionType.None, { producerId: Long.fromNumber(4242), producerEpoch: 3, firstSequence: 17, transactional: true });
  const result = validateBatches(buf, { nowMs: T0, maxBatchBytes: 1_048_588 });
  assert.ok(result.ok);
  assert.deepEqual(
    { producerId: result.producerId, producerEpoch: result.producerEpoch, baseSequence: result.baseSequence, transactional: result.transactional, lastSequence: result.infos[0]!.lastSequence },
    { producerId: 4242, producerEpoch: 3, baseSequence: 17, transactional: true, lastSequence: 20 },
  );
});

test('KafkaJS batches with our snappy, lz4 and zstd codecs decode and validate', async () => {
  await withOurCodecs(async () => {
    for (const compression of [CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
      const buf = await kafkaJsBatch(compression);
      const [batch] = decodeBatches(buf);
      assert.equal(batch!.records.length, messages.length);
      assert.deepEqual(batch!.records[1]!.value, Buffer.from([0, 1, 2, 255]));
      assert.ok(validateBatches(buf, { nowMs: T0, maxBatchBytes: 1_048_588 }).ok);
    }
  });
});

test('our batches decode with the KafkaJS decoder, every codec', async () => {
  const records: RecordInput[] = messages.map((m) => ({
    key: asBuffer(m.key),
    value: asBuffer(m.value),
    headers: Object.entries(m.headers ?? {}).map(([key, value]) => ({ key, value: Buffer.from(value) })),
    timestampMs: m.timestamp,
  }));
  await withOurCodecs(async () => {
    for (const compression of [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
      const buf = encodeBatch({ baseOffset: 500, records, compression, producerId: 77, producerEpoch: 2, baseSequence: 9 });
      const decoded = await decodeKafkaJsBatch(new KafkaDecoder(buf));
      assert.equal(decoded.firstOffset, '500');
      assert.equal(decoded.lastOffsetDelta, 3);
      assert.equal(decoded.producerId, '77');
      assert.equal(decoded.producerEpoch, 2);
      assert.equal(decoded.firstSequence, 9);
      assert.equal(decoded.maxTimestamp, String(T0 + 12));
      assert.deepEqual(
        decoded.records.map((r: any) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers })),
        messages.map((m, i) => ({
          offset: String(500 + i),
          timestamp: String(m.timestamp),
          key: asBuffer(m.key),
          value: asBuffer(m.value),
          headers: Object.fromEntries(Object.entries(m.headers ?? {}).map(([key, value]) => [key, Buffer.from(value)])),
        })),
        `codec ${compression}`,
      );
    }
  });
});

test('KafkaJS and our gzip payloads are interchangeable', () => {
  const input = Buffer.from('interchangeable '.repeat(1000));
  assert.deepEqual(zlib.unzipSync(compress(CompressionType.Gzip, input)), input);
  assert.deepEqual(decompress(CompressionType.Gzip, zlib.gzipSync(input)), input);
});

// ---------------------------------------------------------------------------------------------
// Legacy message sets (magic 0 and 1), built with KafkaJS's Produce v0-v2 encoders.

const legacyEntries = [
  { key: 'a', value: 'one', timestamp: T0 },
  { key: null, value: 'two', timestamp: T0 + 1 },
  { key: 'c', value: null, timestamp: T0 + 2 },
];

test('uncompressed legacy v0 and v1 message sets decode, one batch per message', () => {
  for (const magic of [0, 1]) {
    const buf: Buffer = MessageSet({ messageVersion: magic, compression: 0, entries: legacyEntries }).buffer;
    const batches = decodeBatches(buf);
    assert.equal(batches.length, 3);
    for (const [i, batch] of batches.entries()) {
      assert.equal(batch.magic, magic);
      assert.equal(batch.records.length, 1);
      const record = batch.records[0]!;
      assert.deepEqual(record.key, asBuffer(legacyEntries[i]!.key));
      assert.deepEqual(record.value, asBuffer(legacyEntries[i]!.value));
      assert.equal(record.timestampMs, magic === 1 ? legacyEntries[i]!.timestamp : -1);
      assert.equal(record.offset, -1); // producers leave offsets to the broker
    }
  }
});

/** A compressed wrapper message as KafkaJS's Produce v2 builds it, with the wrapper offset a broker would set. */
function legacyWrapper(magic: number, codec: number, compressInner: (inner: Buffer) => Buffer, wrapperOffset: number): Buffer {
  const inner: Buffer = MessageSet({ messageVersion: magic, compression: codec, entries: legacyEntries }).buffer;
  const value = compressInner(inner);
  const wrapper: Buffer = Buffer.from(MessageSet({ messageVersion: magic, compression: codec, entries: [{ compression: codec, timestamp: T0 + 2, value }] }).buffer);
  wrapper.writeBigInt64BE(BigInt(wrapperOffset), 0);
  return wrapper;
}

test('a compressed legacy v1 wrapper yields its inner messages at absolute offsets', () => {
  const buf = legacyWrapper(1, CompressionType.Gzip, (inner) => zlib.gzipSync(inner), 102);
  const [batch, ...rest] = decodeBatches(buf);
  assert.equal(rest.length, 0);
  assert.equal(batch!.magic, 1);
  assert.equal(batch!.compression, CompressionType.Gzip);
  assert.deepEqual(batch!.records.map((r) => r.offset), [100, 101, 102]);
  assert.equal(batch!.baseOffset, 100);
  assert.equal(batch!.lastOffset, 102);
  assert.deepEqual(batch!.records.map((r) => r.timestampMs), [T0, T0 + 1, T0 + 2]);
  assert.deepEqual(batch!.records.map((r) => r.value && r.value.toString()), ['one', 'two', null]);
});

test('a legacy v1 LogAppendTime wrapper gives every inner message its timestamp', () => {
  const buf = legacyWrapper(1, CompressionType.Gzip, (inner) => zlib.gzipSync(inner), 2);
  buf[17] = buf[17]! | 0x08; // wrapper attributes: LogAppendTime
  buf.writeUInt32BE(crc32(buf.subarray(16)), 12);
  const [batch] = decodeBatches(buf);
  assert.equal(batch!.timestampType, 'LogAppendTime');
  assert.deepEqual(batch!.records.map((r) => r.timestampMs), [T0 + 2, T0 + 2, T0 + 2]);
});

test('a legacy v0 lz4 wrapper with the pre-KIP-57 header checksum decodes', () => {
  const buf = legacyWrapper(0, CompressionType.Lz4, (inner) => {
    const frame = Buffer.from(compress(CompressionType.Lz4, inner));
    const descriptorEnd = frame[4]! & 0x08 ? 14 : 6;
    frame[descriptorEnd] = (xxhash32(frame, 0, descriptorEnd) >>> 8) & 0xff; // old Kafka's checksum
    return frame;
  }, 2);
  const [batch] = decodeBatches(buf);
  assert.equal(batch!.magic, 0);
  assert.deepEqual(batch!.records.map((r) => r.offset), [0, 1, 2]); // v0 inner offsets are absolute
  assert.deepEqual(batch!.records.map((r) => r.key && r.key.toString()), ['a', null, 'c']);
});

test('legacy CRC32 mismatches are rejected', () => {
  const buf = Buffer.from(MessageSet({ messageVersion: 1, compression: 0, entries: legacyEntries.slice(0, 1) }).buffer);
  buf[buf.length - 1] = buf[buf.length - 1]! ^ 0x20;
  assert.throws(() => decodeBatches(buf), /crc/);
  assert.equal(decodeBatches(buf, { verifyCrc: false }).length, 1);
});

test('v2 batches and legacy messages mix, and a partial legacy tail is dropped', () => {
  const legacy: Buffer = MessageSet({ messageVersion: 1, compression: 0, entries: legacyEntries }).buffer;
  const v2 = encodeBatch({ baseOffset: 3, records: [{ key: null, value: Buffer.from('v2'), timestampMs: T0 }] });
  const all = Buffer.concat([legacy, v2, legacy.subarray(0, 20)]);
  assert.deepEqual(decodeBatches(all).map((b) => b.magic), [1, 1, 1, 2]);
});
