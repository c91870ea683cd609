import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isBatchCrcValid } from '../../src/records/batch-crc.js';
import { BATCH_HEADER_SIZE, batchSize } from '../../src/records/batch-header.js';
import { CompressionType, DecompressedSizeError } from '../../src/records/compression.js';
import { ControlRecordType, decodeControlRecord, encodeTransactionMarker } from '../../src/records/control-record.js';
import { decodeBatches, encodeBatch, type RecordInput } from '../../src/records/record-batch.js';
import { RecordFormatError } from '../../src/records/record-format-error.js';

const codecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];
const T0 = 1_700_000_000_000;

function sampleRecords(): RecordInput[] {
  return [
    { key: Buffer.from('k1'), value: Buffer.from('v1'), headers: [{ key: 'trace', value: Buffer.from('abc') }], timestampMs: T0 },
    { key: null, value: Buffer.from('no key'), timestampMs: T0 + 5 },
    { key: Buffer.from('tombstone'), value: null, timestampMs: T0 - 20 }, // negative delta
    { key: Buffer.alloc(0), value: Buffer.alloc(0), headers: [], timestampMs: T0 + 1 },
    {
      key: Buffer.from('h'),
      value: Buffer.from('headers'),
      headers: [
        { key: 'ünïcødé-ключ', value: Buffer.from([0, 1, 2]) },
        { key: 'null-value', value: null },
        { key: '', value: Buffer.alloc(0) },
        { key: 'trace', value: Buffer.from('dup') },
      ],
      timestampMs: T0 + 2,
    },
  ];
}

test('encode/decode round-trips every codec with headers, null and empty keys and values', () => {
  for (const compression of codecs) {
    const records = sampleRecords();
    const buf = encodeBatch({ baseOffset: 1000, records, compression, partitionLeaderEpoch: 7 });
    assert.equal(batchSize(buf, 0), buf.length);
    assert.ok(isBatchCrcValid(buf, 0));
    const [batch, ...rest] = decodeBatches(buf);
    assert.equal(rest.length, 0);
    assert.ok(batch);
    assert.equal(batch.magic, 2);
    assert.equal(batch.compression, compression);
    assert.equal(batch.baseOffset, 1000);
    assert.equal(batch.lastOffset, 1004);
    assert.equal(batch.lastOffsetDelta, 4);
    assert.equal(batch.partitionLeaderEpoch, 7);
    assert.equal(batch.baseTimestampMs, T0);
    assert.equal(batch.maxTimestampMs, T0 + 5);
    assert.equal(batch.timestampType, 'CreateTime');
    assert.equal(batch.producerId, -1);
    assert.equal(batch.producerEpoch, -1);
    assert.equal(batch.baseSequence, -1);
    assert.equal(batch.transactional, false);
    assert.equal(batch.isControl, false);
    assert.equal(batch.deleteHorizonMs, null);
    assert.equal(batch.sizeBytes, buf.length);
    assert.deepEqual(
      batch.records.map((r) => ({ ...r, key: r.key && Buffer.from(r.key), value: r.value && Buffer.from(r.value), headers: r.headers.map((h) => ({ key: h.key, value: h.value && Buffer.from(h.value) })) })),
      records.map((r, i) => ({ offset: 1000 + i, timestampMs: r.timestampMs, key: r.key, value: r.value, headers: r.headers ?? [] })),
      `codec ${compression}`,
    );
  }
});

test('large records round-trip with every codec', () => {
  const big = Buffer.alloc(2 * 1024 * 1024);
  for (let i = 0; i < big.length; i++) big[i] = (i * 7919) % 251;
  for (const compression of codecs) {
    const records: RecordInput[] = [
      { key: Buffer.from('big'), value: big, timestampMs: T0 },
      { key: Buffer.alloc(100_000, 'k'), value: Buffer.from('small'), timestampMs: T0 },
    ];
    const [batch] = decodeBatches(encodeBatch({ records, compression }));
    assert.deepEqual(batch!.records[0]!.value, big);
    assert.deepEqual(batch!.records[1]!.key, Buffer.alloc(100_000, 'k'));
  }
});

test('uncompressed keys and values are views of the input, not copies', () => {
  const buf = encodeBatch({ records: [{ key: Buffer.from('key'), value: Buffer.from('value'), timestampMs: T0 }] });
  const [batch] = decodeBatches(buf);
  assert.equal(batch!.records[0]!.value!.buffer, buf.buffer);
});

test('producer, transaction and sequence fields survive encoding', () => {
  const buf = encodeBatch({
    records: [{ key: null, value: Buffer.from('x'), timestampMs: T0 }],
    producerId: 2 ** 40 + 3,
    producerEpoch: 12,
    baseSequence: 77,
    transactional: true,
  });
  const [batch] = decodeBatches(buf);
  assert.equal(batch!.producerId, 2 ** 40 + 3);
  assert.equal(batch!.producerEpoch, 12);
  assert.equal(batch!.baseSequence, 77);
  assert.equal(batch!.transactional, true);
});

test('LogAppendTime batches report maxTimestamp as every record timestamp', () => {
  const buf = encodeBatch({
    records: [
      { key: null, value: Buffer.from('a'), timestampMs: T0 },
      { key: null, value: Buffer.from('b'), timestampMs: T0 + 1 },
    ],
    timestampType: 'LogAppendTime',
    maxTimestampMs: T0 + 999,
  });
  const [batch] = decodeBatches(buf);
  assert.equal(batch!.timestampType, 'LogAppendTime');
  assert.deepEqual(batch!.records.map((r) => r.timestampMs), [T0 + 999, T0 + 999]);
});

test('compaction shapes: offset gaps, kept lastOffsetDelta, delete horizon, empty batch', () => {
  const buf = encodeBatch({
    baseOffset: 50,
    records: [
      { key: Buffer.from('a'), value: Buffer.from('1'), timestampMs: T0, offsetDelta: 0 },
      { key: Buffer.from('b'), value: null, timestampMs: T0 + 3, offsetDelta: 4 },
    ],
    lastOffsetDelta: 9,
    deleteHorizonMs: T0 + 86_400_000,
  });
  const [batch] = decodeBatches(buf);
  assert.deepEqual(batch!.records.map((r) => r.offset), [50, 54]);
  assert.equal(batch!.lastOffset, 59);
  assert.equal(batch!.deleteHorizonMs, T0 + 86_400_000);
  assert.deepEqual(batch!.records.map((r) => r.timestampMs), [T0, T0 + 3]);

  const empty = encodeBatch({ baseOffset: 10, records: [], lastOffsetDelta: 4, maxTimestampMs: T0, producerId: 5, producerEpoch: 1, baseSequence: 0 });
  assert.equal(empty.length, BATCH_HEADER_SIZE);
  const [emptyBatch] = decodeBatches(empty);
  assert.equal(emptyBatch!.records.length, 0);
  assert.equal(emptyBatch!.lastOffset, 14);
  assert.equal(emptyBatch!.baseTimestampMs, T0);
});

test('decodeBatches reads consecutive batches and stops cleanly at a partial trailing batch', () => {
  const a = encodeBatch({ baseOffset: 0, records: [{ key: null, value: Buffer.from('a'), timestampMs: T0 }] });
  const b = encodeBatch({ baseOffset: 1, records: [{ key: null, value: Buffer.from('b'), timestampMs: T0 }], compression: CompressionType.Lz4 });
  const c = encodeBatch({ baseOffset: 2, records: [{ key: null, value: Buffer.alloc(500, 'c'), timestampMs: T0 }] });
  const all = Buffer.concat([a, b, c]);
  assert.deepEqual(decodeBatches(all).map((batch) => batch.baseOffset), [0, 1, 2]);
  for (const cut of [a.length + b.length + 1, a.length + b.length + 16, a.length + b.length + 61, all.length - 1]) {
    assert.deepEqual(decodeBatches(all.subarray(0, cut)).map((batch) => batch.baseOffset), [0, 1], `cut at ${cut}`);
  }
  assert.deepEqual(decodeBatches(Buffer.alloc(0)), []);
  assert.deepEqual(decodeBatches(a.subarray(0, 10)), []);
});

test('decodeBatches throws on a CRC mismatch unless asked not to verify', () => {
  const buf = encodeBatch({ records: [{ key: null, value: Buffer.from('payload'), timestampMs: T0 }] });
  buf[buf.length - 3] = buf[buf.length - 3]! ^ 0x01;
  assert.throws(() => decodeBatches(buf), (err: unknown) => err instanceof RecordFormatError && err.corrupt);
  assert.equal(decodeBatches(buf, { verifyCrc: false }).length, 1);
});

test('decodeBatches throws on malformed records and unknown magic', () => {
  const buf = encodeBatch({ records: [{ key: null, value: Buffer.from('payload'), timestampMs: T0 }] });
  const countTooHigh = Buffer.from(buf);
  countTooHigh.writeInt32BE(2, 57);
  assert.throws(() => decodeBatches(countTooHigh, { verifyCrc: false }), RecordFormatError);
  const badMagic = Buffer.from(buf);
  badMagic[16] = 7;
  assert.throws(() => decodeBatches(badMagic), RecordFormatError);
});

test('decodeBatches bounds decompression', () => {
  const buf = encodeBatch({ records: [{ key: null, value: Buffer.alloc(4 * 1024 * 1024), timestampMs: T0 }], compression: CompressionType.Zstd });
  assert.ok(buf.length < 10_000);
  assert.throws(() => decodeBatches(buf, { maxDecompressedBytes: 1024 * 1024 }), DecompressedSizeError);
});

test('transaction markers encode and decode as control records', () => {
  for (const type of [ControlRecordType.Abort, ControlRecordType.Commit]) {
    const marker = encodeTransactionMarker(type, 42);
    const buf = encodeBatch({
      baseOffset: 100,
      records: [{ ...marker, timestampMs: T0 }],
      isControl: true,
      transactional: true,
      producerId: 9,
      producerEpoch: 3,
    });
    const [batch] = decodeBatches(buf);
    assert.equal(batch!.isControl, true);
    assert.deepEqual(decodeControlRecord(batch!.records[0]!), { version: 0, type, coordinatorEpoch: 42 });
  }
  // Kafka's own bytes for a COMMIT marker key/value (version 0, coordinator epoch 5).
  assert.deepEqual(decodeControlRecord({ key: Buffer.from('00000001', 'hex'), value: Buffer.from('000000000005', 'hex') }), { version: 0, type: 1, coordinatorEpoch: 5 });
  assert.deepEqual(decodeControlRecord({ key: Buffer.from('00000002', 'hex'), value: Buffer.from('ff', 'hex') }), { version: 0, type: 2, coordinatorEpoch: null });
  assert.throws(() => decodeControlRecord({ key: Buffer.from('0000', 'hex'), value: null }), RecordFormatError);
  assert.throws(() => decodeControlRecord({ key: Buffer.from('00000000', 'hex'), value: Buffer.from('00', 'hex') }), RecordFormatError);
});
