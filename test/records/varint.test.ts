import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteReader } from '../../src/records/byte-reader.js';
import { RecordFormatError } from '../../src/records/record-format-error.js';
import { sizeOfVarint, sizeOfVarlong, writeVarint, writeVarlong } from '../../src/records/varint.js';

function encodeVarint(value: number): Buffer {
  const buf = Buffer.alloc(sizeOfVarint(value));
  assert.equal(writeVarint(buf, 0, value), buf.length);
  return buf;
}

function encodeVarlong(value: number): Buffer {
  const buf = Buffer.alloc(sizeOfVarlong(value));
  assert.equal(writeVarlong(buf, 0, value), buf.length);
  return buf;
}

test('varint uses the zigzag wire encoding', () => {
  const cases: Array<[number, string]> = [
    [0, '00'],
    [-1, '01'],
    [1, '02'],
    [63, '7e'],
    [-64, '7f'],
    [64, '8001'],
    [300, 'd804'],
    [2147483647, 'feffffff0f'],
    [-2147483648, 'ffffffff0f'],
  ];
  for (const [value, hex] of cases) {
    assert.equal(encodeVarint(value).toString('hex'), hex, `encode ${value}`);
    assert.equal(new ByteReader(Buffer.from(hex, 'hex')).readVarint(), value, `decode ${value}`);
  }
});

test('varlong round-trips int64-range values held in doubles', () => {
  const values = [0, -1, 1, 63, -64, 64, 2 ** 31, -(2 ** 31) - 1, 1_700_000_000_000, -1_700_000_000_000, 2 ** 52, -(2 ** 52), Number.MAX_SAFE_INTEGER];
  for (const value of values) {
    const buf = encodeVarlong(value);
    const reader = new ByteReader(buf);
    assert.equal(reader.readVarlong(), value);
    assert.equal(reader.remaining, 0);
  }
  assert.equal(encodeVarlong(-1).toString('hex'), '01');
  assert.equal(encodeVarlong(2 ** 31).toString('hex'), '8080808010');
});

test('readers reject overlong and truncated varints', () => {
  assert.throws(() => new ByteReader(Buffer.from('ffffffffff01', 'hex')).readVarint(), RecordFormatError);
  assert.throws(() => new ByteReader(Buffer.from('ffffffffffffffffffff01', 'hex')).readVarlong(), RecordFormatError);
  assert.throws(() => new ByteReader(Buffer.from('80', 'hex')).readVarint(), RecordFormatError);
  assert.throws(() => new ByteReader(Buffer.from('0a00', 'hex')).readVarintBytes(), RecordFormatError);
});

test('varint bytes: -1 length is null, any other negative is null too (as Kafka reads it)', () => {
  assert.equal(new ByteReader(Buffer.from('01', 'hex')).readVarintBytes(), null);
  assert.equal(new ByteReader(Buffer.from('03', 'hex')).readVarintBytes(), null);
  const reader = new ByteReader(Buffer.from('06616263', 'hex'));
  assert.deepEqual(reader.readVarintBytes(), Buffer.from('abc'));
});
