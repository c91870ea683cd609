import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { isBatchCrcValid, rewriteBatchCrc } from '../../src/records/batch-crc.js';
import { BASE_TIMESTAMP, batchMaxTimestamp, readInt64 } from '../../src/records/batch-header.js';
import { CompressionType } from '../../src/records/compression.js';
import { decodeBatches, encodeBatch, type EncodeBatchInput, type RecordInput } from '../../src/records/record-batch.js';
import { ErrorCode as E } from '../../src/protocol/errors.js';
import { setLogAppendTime, validateBatches, type ValidateOptions, type ValidationResult } from '../../src/records/validate.js';

const NOW = 1_700_000_000_000;
const options: ValidateOptions = { nowMs: NOW, maxBatchBytes: 1_048_588 };

function records(count: number, timestampMs = NOW - 10): RecordInput[] {
  return Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`k${i}`), value: Buffer.from(`value ${i}`), timestampMs: timestampMs + i }));
}

function batch(overrides: Partial<EncodeBatchInput> = {}): Buffer {
  return encodeBatch({ records: records(3), ...overrides });
}

function expectError(result: ValidationResult, errorCode: number, pattern?: RegExp): void {
  assert.equal(result.ok, false, 'expected a validation failure');
  if (result.ok) return;
  assert.equal(result.errorCode, errorCode, result.message);
  if (pattern) assert.match(result.message, pattern);
}

test('a good batch passes and is summarised per batch, bytes untouched', () => {
  const buf = batch({ producerId: 7, producerEpoch: 1, baseSequence: 10, compression: CompressionType.None });
  const before = Buffer.from(buf);
  const result = validateBatches(buf, options);
  assert.ok(result.ok);
  assert.deepEqual(result.positions, [0]);
  assert.equal(result.batchCount, 1);
  assert.equal(result.recordCount, 3);
  assert.equal(result.largestBatchBytes, buf.length);
  assert.equal(result.maxTimestampMs, NOW - 8);
  assert.equal(result.logAppendTimeMs, -1);
  assert.deepEqual(result.infos, [
    {
      position: 0,
      sizeBytes: buf.length,
      recordCount: 3,
      maxTimestampMs: NOW - 8,
      compression: 0,
      producerId: 7,
      producerEpoch: 1,
      baseSequence: 10,
      lastSequence: 12,
      transactional: false,
    },
  ]);
  assert.deepEqual(buf, before);
});

test('compressed batches pass from their header alone', () => {
  for (const compression of [CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd]) {
    const result = validateBatches(batch({ compression }), options);
    assert.ok(result.ok, `codec ${compression}`);
    assert.equal(result.infos[0]!.compression, compression);
    assert.equal(result.maxTimestampMs, NOW - 8);
  }
});

test('LogAppendTime stamps the batch in place, keeps baseTimestamp, recomputes the CRC', () => {
  for (const compression of [CompressionType.None, CompressionType.Lz4]) {
    const buf = batch({ compression });
    const baseTimestamp = readInt64(buf, BASE_TIMESTAMP);
    const result = validateBatches(buf, { ...options, timestampType: 'LogAppendTime' });
    assert.ok(result.ok);
    assert.equal(result.logAppendTimeMs, NOW);
    assert.equal(result.infos[0]!.maxTimestampMs, NOW);
    assert.ok(isBatchCrcValid(buf, 0));
    assert.equal(readInt64(buf, BASE_TIMESTAMP), baseTimestamp);
    const [decoded] = decodeBatches(buf);
    assert.equal(decoded!.timestampType, 'LogAppendTime');
    assert.deepEqual(decoded!.records.map((r) => r.timestampMs), [NOW, NOW, NOW]);
  }
});

test('setLogAppendTime is idempotent and keeps the other attribute bits', () => {
  const buf = batch({ transactional: true, producerId: 1, producerEpoch: 0, baseSequence: 0, compression: CompressionType.Gzip });
  setLogAppendTime(buf, 0, NOW);
  const once = Buffer.from(buf);
  setLogAppendTime(buf, 0, NOW);
  assert.deepEqual(buf, once);
  const [decoded] = decodeBatches(buf);
  assert.equal(decoded!.transactional, true);
  assert.equal(decoded!.compression, CompressionType.Gzip);
  assert.equal(decoded!.maxTimestampMs, NOW);
});

test('a wrong client maxTimestamp on an uncompressed batch is corrected, as Kafka does', () => {
  const buf = batch({ maxTimestampMs: NOW - 1000 });
  const result = validateBatches(buf, options);
  assert.ok(result.ok);
  assert.equal(result.maxTimestampMs, NOW - 8);
  assert.equal(batchMaxTimestamp(buf, 0), NOW - 8);
  assert.ok(isBatchCrcValid(buf, 0));
});

test('CRC: a flipped byte anywhere from attributes on is CORRUPT_MESSAGE', () => {
  const good = batch();
  for (const position of [17, 21, 30, 61, good.length - 1]) {
    const buf = Buffer.from(good);
    buf[position] = buf[position]! ^ 0x04;
    expectError(validateBatches(buf, options), E.CORRUPT_MESSAGE, /corrupt/i);
  }
});

test('truncated or short input is CORRUPT_MESSAGE; empty input is INVALID_RECORD', () => {
  const good = batch();
  expectError(validateBatches(good.subarray(0, good.length - 5), options), E.CORRUPT_MESSAGE, /Truncated/);
  expectError(validateBatches(good.subarray(0, 16), options), E.CORRUPT_MESSAGE);
  expectError(validateBatches(Buffer.concat([good, good.subarray(0, 30)]), { ...options, allowMultipleBatches: true }), E.CORRUPT_MESSAGE);
  const tiny = Buffer.from(good);
  tiny.writeInt32BE(20, 8);
  expectError(validateBatches(tiny, options), E.CORRUPT_MESSAGE, /smaller than the minimum/);
  expectError(validateBatches(Buffer.alloc(0), options), E.INVALID_RECORD);
});

test('magic 0/1 is INVALID_RECORD for Produce v3+, UNSUPPORTED_FOR_MESSAGE_FORMAT below; unknown magic is corrupt', () => {
  const require = createRequire(import.meta.url);
  const MessageSet = require('kafkajs/src/protocol/messageSet/index.js');
  const legacy: Buffer = MessageSet({ messageVersion: 1, compression: 0, entries: [{ key: 'k', value: 'v', timestamp: NOW }] }).buffer;
  expectError(validateBatches(legacy, options), E.INVALID_RECORD, /magic version 2/);
  expectError(validateBatches(legacy, { ...options, apiVersion: 9 }), E.INVALID_RECORD);
  expectError(validateBatches(legacy, { ...options, apiVersion: 2 }), E.UNSUPPORTED_FOR_MESSAGE_FORMAT);
  const magic3 = batch();
  magic3[16] = 3;
  expectError(validateBatches(magic3, options), E.CORRUPT_MESSAGE, /magic/);
});

test('control batches from clients are INVALID_RECORD', () => {
  expectError(validateBatches(batch({ isControl: true }), options), E.INVALID_RECORD, /control/);
});

test('a batch over maxBatchBytes is MESSAGE_TOO_LARGE (the limit counts the log overhead)', () => {
  const buf = batch();
  expectError(validateBatches(buf, { ...options, maxBatchBytes: buf.length - 1 }), E.MESSAGE_TOO_LARGE);
  assert.ok(validateBatches(buf, { ...options, maxBatchBytes: buf.length }).ok);
});

test('offset range and count mismatches are INVALID_RECORD', () => {
  expectError(validateBatches(batch({ lastOffsetDelta: 5 }), options), E.INVALID_RECORD, /Inconsistent/);
  expectError(validateBatches(batch({ lastOffsetDelta: 1 }), options), E.INVALID_RECORD, /Inconsistent/);
  expectError(validateBatches(batch({ lastOffsetDelta: 5, compression: CompressionType.Zstd }), options), E.INVALID_RECORD);
  expectError(validateBatches(encodeBatch({ records: [], lastOffsetDelta: -1, maxTimestampMs: NOW }), options), E.INVALID_RECORD, /offset range/);
  expectError(validateBatches(encodeBatch({ records: [], lastOffsetDelta: 0, maxTimestampMs: NOW }), options), E.INVALID_RECORD, /count/);
  expectError(validateBatches(batch({ baseOffset: 5 }), options), E.INVALID_RECORD, /baseOffset/);
});

test('records that do not match the header are INVALID_RECORD (uncompressed walk)', () => {
  const gaps = encodeBatch({ records: records(3).map((r, i) => ({ ...r, offsetDelta: [0, 2, 1][i] })), lastOffsetDelta: 2 });
  expectError(validateBatches(gaps, options), E.INVALID_RECORD, /offset delta/);

  const tooFew = batch();
  tooFew.writeInt32BE(4, 57); // recordsCount 4
  tooFew.writeInt32BE(3, 23); // lastOffsetDelta 3
  rewriteBatchCrc(tooFew, 0);
  expectError(validateBatches(tooFew, options), E.INVALID_RECORD, /holds 3/);

  const tooMany = batch();
  tooMany.writeInt32BE(2, 57);
  tooMany.writeInt32BE(1, 23);
  rewriteBatchCrc(tooMany, 0);
  expectError(validateBatches(tooMany, options), E.INVALID_RECORD, /follow/);

  const badLength = batch();
  badLength[61] = badLength[61]! + 2; // first record's length varint claims one more byte
  rewriteBatchCrc(badLength, 0);
  expectError(validateBatches(badLength, options), E.INVALID_RECORD);
});

test('codec ids 5-7 and zstd before Produce v7 are UNSUPPORTED_COMPRESSION_TYPE', () => {
  const buf = batch();
  buf.writeInt16BE(6, 21);
  rewriteBatchCrc(buf, 0);
  expectError(validateBatches(buf, options), E.UNSUPPORTED_COMPRESSION_TYPE);
  const zstd = batch({ compression: CompressionType.Zstd });
  expectError(validateBatches(zstd, { ...options, apiVersion: 6 }), E.UNSUPPORTED_COMPRESSION_TYPE);
  assert.ok(validateBatches(zstd, { ...options, apiVersion: 7 }).ok);
});

test('an idempotent batch without a sequence is INVALID_RECORD', () => {
  expectError(validateBatches(batch({ producerId: 3, producerEpoch: 0, baseSequence: -1 }), options), E.INVALID_RECORD, /sequence/);
});

test('more than one batch is INVALID_RECORD unless allowed', () => {
  const two = Buffer.concat([batch(), batch()]);
  expectError(validateBatches(two, options), E.INVALID_RECORD, /exactly one/);
  const result = validateBatches(two, { ...options, allowMultipleBatches: true });
  assert.ok(result.ok);
  assert.deepEqual(result.positions, [0, two.length / 2]);
  assert.equal(result.recordCount, 6);
});

test('a failed validation leaves the bytes untouched, even under LogAppendTime', () => {
  const two = Buffer.concat([batch(), batch({ isControl: true })]);
  const before = Buffer.from(two);
  expectError(validateBatches(two, { ...options, timestampType: 'LogAppendTime', allowMultipleBatches: true }), E.INVALID_RECORD);
  assert.deepEqual(two, before);
});

test('timestamps: CreateTime bounds per record with record errors; LogAppendTime bit from a client', () => {
  const old = encodeBatch({ records: [...records(2), { key: Buffer.from('x'), value: null, timestampMs: NOW - 10_000 }] });
  const result = validateBatches(old, { ...options, timestampBeforeMaxMs: 5_000, timestampAfterMaxMs: 5_000 });
  expectError(result, E.INVALID_TIMESTAMP);
  assert.ok(!result.ok);
  assert.deepEqual(result.recordErrors.map((e) => e.batchIndex), [2]);
  assert.match(result.recordErrors[0]!.message, /out of range/);

  const future = batch({ compression: CompressionType.Snappy, records: records(2, NOW + 60_000) });
  expectError(validateBatches(future, { ...options, timestampAfterMaxMs: 1_000 }), E.INVALID_TIMESTAMP);
  // No bounds under LogAppendTime: the broker's time replaces the client's.
  assert.ok(validateBatches(Buffer.from(future), { ...options, timestampAfterMaxMs: 1_000, timestampType: 'LogAppendTime' }).ok);
  // NO_TIMESTAMP (-1) is never out of range.
  assert.ok(validateBatches(batch({ records: records(2, -1).map((r) => ({ ...r, timestampMs: -1 })) }), { ...options, timestampBeforeMaxMs: 1 }).ok);

  expectError(validateBatches(batch({ timestampType: 'LogAppendTime' }), options), E.INVALID_TIMESTAMP, /LogAppendTime/);
});

test('compacted topics reject records without a key', () => {
  const keyless = encodeBatch({ records: [{ key: Buffer.from('k'), value: null, timestampMs: NOW }, { key: null, value: Buffer.from('v'), timestampMs: NOW }] });
  const result = validateBatches(keyless, { ...options, compactedTopic: true });
  expectError(result, E.INVALID_RECORD, /without key/);
  assert.ok(!result.ok);
  assert.deepEqual(result.recordErrors.map((e) => e.batchIndex), [1]);
  assert.ok(validateBatches(keyless, options).ok);
});
