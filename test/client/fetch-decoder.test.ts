import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeBatch, decodeBatches } from '../../src/records/record-batch.js';
import { CompressionType } from '../../src/records/compression.js';
import { ControlRecordType, encodeTransactionMarker } from '../../src/records/control-record.js';
import { RecordFormatError } from '../../src/records/record-format-error.js';
import { decodeFetched } from '../../src/client/fetch-decoder.js';

const b = (s: string) => Buffer.from(s);

const mixed = [
  { key: b('k0'), value: b('v0'), headers: [{ key: 'h', value: b('x') }, { key: 'n', value: null }], timestampMs: 1000 },
  { key: null, value: b('v1'), timestampMs: 1001 },
  { key: b(''), value: null, timestampMs: 999 },
  { key: b('k3'), value: Buffer.alloc(300, 7), headers: [{ key: 'é', value: b('') }], timestampMs: 1200 },
];

/** Plain fields of what decodeFetched returns, to compare with the eager decoder's records. */
const plain = (records: ReturnType<typeof decodeFetched>) =>
  records.map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key, value: r.value, headers: r.headers }));

test('lazy records read the same fields as the eager decoder, uncompressed and compressed', () => {
  for (const compression of [CompressionType.None, CompressionType.Gzip, CompressionType.Lz4]) {
    const bytes = Buffer.concat([encodeBatch({ baseOffset: 10, compression, records: mixed }), encodeBatch({ baseOffset: 14, compression, records: mixed.slice(0, 2) })]);
    const eager = decodeBatches(bytes).flatMap((batch) => batch.records.map((r) => ({ offset: r.offset, timestamp: r.timestampMs, key: r.key, value: r.value, headers: r.headers })));
    const lazy = decodeFetched('t', 3, 0, bytes, null);
    assert.equal(lazy.length, 6);
    assert.deepEqual(plain(lazy), eager);
    assert.equal(lazy[0]!.topic, 't');
    assert.equal(lazy[0]!.partition, 3);
    // JSON and spreads see plain fields.
    assert.deepEqual(JSON.parse(JSON.stringify(lazy[1])), { topic: 't', partition: 3, offset: 11, timestamp: 1001, key: null, value: { type: 'Buffer', data: [...b('v1')] }, headers: [] });
  }
});

test('records before the fetch offset, control batches and a partial trailing batch are dropped', () => {
  const marker = encodeBatch({ baseOffset: 4, producerId: 5, producerEpoch: 0, transactional: true, isControl: true, records: [{ ...encodeTransactionMarker(ControlRecordType.Commit, 0), timestampMs: 1 }] });
  const whole = Buffer.concat([encodeBatch({ baseOffset: 0, records: mixed }), marker, encodeBatch({ baseOffset: 5, records: mixed })]);
  const records = decodeFetched('t', 0, 2, whole.subarray(0, whole.length - 3), null);
  assert.deepEqual(records.map((r) => r.offset), [2, 3]);
});

test('read_committed skips an aborted transaction until its marker', () => {
  const txn = (baseOffset: number) => encodeBatch({ baseOffset, producerId: 7, producerEpoch: 0, baseSequence: 0, transactional: true, records: [{ key: null, value: b(`${baseOffset}`), timestampMs: 1 }] });
  const abort = encodeBatch({ baseOffset: 1, producerId: 7, producerEpoch: 0, transactional: true, isControl: true, records: [{ ...encodeTransactionMarker(ControlRecordType.Abort, 0), timestampMs: 1 }] });
  const bytes = Buffer.concat([txn(0), abort, txn(2)]);
  assert.deepEqual(decodeFetched('t', 0, 0, bytes, [{ producerId: 7, firstOffset: 0 }]).map((r) => r.value!.toString()), ['2']);
  assert.deepEqual(decodeFetched('t', 0, 0, bytes, null).map((r) => r.value!.toString()), ['0', '2']);
});

test('LogAppendTime batches report their max timestamp; fields can be replaced', () => {
  const bytes = encodeBatch({ baseOffset: 0, timestampType: 'LogAppendTime', maxTimestampMs: 5555, records: mixed.slice(0, 2) });
  const records = decodeFetched('t', 0, 0, bytes, null);
  assert.deepEqual(records.map((r) => r.timestamp), [5555, 5555]);
  records[0]!.value = b('changed');
  assert.equal(records[0]!.value!.toString(), 'changed');
});

test('a corrupted batch fails its CRC check', () => {
  const bytes = encodeBatch({ baseOffset: 0, records: mixed });
  const corrupt = Buffer.from(bytes);
  corrupt[corrupt.length - 1] ^= 0xff;
  assert.throws(() => decodeFetched('t', 0, 0, corrupt, null), RecordFormatError);
});
