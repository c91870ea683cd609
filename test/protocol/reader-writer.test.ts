import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EMPTY_BYTES, ProtocolEncodeError, Reader, Writer, ZERO_COPY_MIN_BYTES, ZERO_UUID } from '../../src/protocol/index.js';

function bytesOf(fill: (w: Writer) => void): Buffer {
  const w = new Writer(1);
  fill(w);
  return w.toBuffer();
}

test('fixed-size primitives round-trip big-endian', () => {
  const buf = bytesOf((w) => {
    w.int8(-5);
    w.bool(true);
    w.bool(false);
    w.int16(-1234);
    w.uint16(65000);
    w.int32(-123456789);
    w.uint32(4000000000);
    w.float64(-2.5);
  });
  assert.equal(buf.toString('hex'), 'fb0100fb2efde8f8a432eb' + 'ee6b2800' + 'c004000000000000');
  const r = new Reader(buf);
  assert.equal(r.int8(), -5);
  assert.equal(r.bool(), true);
  assert.equal(r.bool(), false);
  assert.equal(r.int16(), -1234);
  assert.equal(r.uint16(), 65000);
  assert.equal(r.int32(), -123456789);
  assert.equal(r.uint32(), 4000000000);
  assert.equal(r.float64(), -2.5);
  assert.equal(r.remaining, 0);
});

test('int64 is exact to 2^53 and clamps beyond the int64 range', () => {
  const values = [0, 1, -1, 2 ** 32, -(2 ** 32) - 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1700000000000];
  const buf = bytesOf((w) => values.forEach((v) => w.int64(v)));
  const r = new Reader(buf);
  for (const v of values) assert.equal(r.int64(), v);
  assert.equal(bytesOf((w) => w.int64(-1)).toString('hex'), 'ffffffffffffffff');
  // Long.MAX_VALUE / MIN_VALUE: read as +-2^63, written back exactly; larger inputs clamp.
  const max = Buffer.from('7fffffffffffffff', 'hex');
  const min = Buffer.from('8000000000000000', 'hex');
  assert.equal(new Reader(max).int64(), 2 ** 63);
  assert.equal(new Reader(min).int64(), -(2 ** 63));
  assert.deepStrictEqual(bytesOf((w) => w.int64(2 ** 63)), max);
  assert.deepStrictEqual(bytesOf((w) => w.int64(1e30)), max);
  assert.deepStrictEqual(bytesOf((w) => w.int64(-Infinity)), min);
});

test('varints use zigzag (signed) and plain (unsigned) encodings', () => {
  assert.equal(bytesOf((w) => w.unsignedVarint(300)).toString('hex'), 'ac02');
  assert.equal(bytesOf((w) => w.varint(-1)).toString('hex'), '01');
  assert.equal(bytesOf((w) => w.varint(1)).toString('hex'), '02');
  assert.equal(bytesOf((w) => w.varint(-64)).toString('hex'), '7f');
  assert.equal(bytesOf((w) => w.unsignedVarint(0xffffffff)).toString('hex'), 'ffffffff0f');
  const ints = [0, 1, -1, 63, -64, 64, 2147483647, -2147483648, 123456];
  const longs = [0, -1, 2 ** 40, -(2 ** 40) - 3, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
  const buf = bytesOf((w) => {
    ints.forEach((v) => w.varint(v));
    longs.forEach((v) => w.varlong(v));
    w.unsignedVarint(0xffffffff);
  });
  const r = new Reader(buf);
  for (const v of ints) assert.equal(r.varint(), v);
  for (const v of longs) assert.equal(r.varlong(), v);
  assert.equal(r.unsignedVarint(), 0xffffffff);
  assert.equal(r.remaining, 0);
  // Long.MAX_VALUE / MIN_VALUE zigzag to 2^64-2 / 2^64-1.
  assert.equal(bytesOf((w) => w.varlong(2 ** 63)).toString('hex'), 'feffffffffffffffff01');
  assert.equal(bytesOf((w) => w.varlong(-(2 ** 63))).toString('hex'), 'ffffffffffffffffff01');
  assert.equal(new Reader(Buffer.from('feffffffffffffffff01', 'hex')).varlong(), 2 ** 63);
  assert.equal(new Reader(Buffer.from('ffffffffffffffffff01', 'hex')).varlong(), -(2 ** 63));
});

test('uuids use the Java Uuid string form', () => {
  const zero = Buffer.alloc(16);
  assert.equal(new Reader(zero).uuid(), ZERO_UUID);
  const raw = Buffer.from('00112233445566778899aabbccddeeff', 'hex');
  const s = new Reader(raw).uuid();
  assert.equal(s, 'ABEiM0RVZneImaq7zN3u_w');
  assert.deepStrictEqual(bytesOf((w) => w.uuid(s)), raw);
  assert.throws(() => new Writer().uuid('too-short'), ProtocolEncodeError);
});

test('strings and bytes: classic, compact, nullable', () => {
  const buf = bytesOf((w) => {
    w.string('héllo');
    w.nullableString(null);
    w.compactString('');
    w.compactNullableString(null);
    w.compactNullableString('x');
    w.bytes(Buffer.from([1, 2]));
    w.nullableBytes(null);
    w.compactBytes(EMPTY_BYTES);
    w.compactNullableBytes(null);
  });
  assert.equal(buf.subarray(0, 8).toString('hex'), '000668c3a96c6c6f');
  const r = new Reader(buf);
  assert.equal(r.string(), 'héllo');
  assert.equal(r.nullableString(), null);
  assert.equal(r.compactString(), '');
  assert.equal(r.compactNullableString(), null);
  assert.equal(r.compactNullableString(), 'x');
  const b = r.bytes();
  assert.deepStrictEqual(b, Buffer.from([1, 2]));
  assert.equal(b.buffer, buf.buffer, 'bytes are a view, not a copy');
  assert.equal(r.nullableBytes(), null);
  assert.equal(r.compactBytes().length, 0);
  assert.equal(r.compactNullableBytes(), null);
  assert.equal(r.remaining, 0);
  assert.throws(() => new Writer().string(null as unknown as string), ProtocolEncodeError);
  assert.throws(() => new Writer().string('x'.repeat(0x8000)), ProtocolEncodeError);
});

test('records: nullable, compact in flexible versions, several buffers under one length', () => {
  const a = Buffer.from([1, 2, 3]);
  const b = Buffer.from([4, 5]);
  const buf = bytesOf((w) => {
    w.records(null, false);
    w.records(null, true);
    w.records([a, b], false);
    w.records(a, true);
  });
  assert.equal(buf.toString('hex'), 'ffffffff' + '00' + '000000050102030405' + '04010203');
  const r = new Reader(buf);
  assert.equal(r.records(false), null);
  assert.equal(r.records(true), null);
  assert.deepStrictEqual(r.records(false), Buffer.concat([a, b]));
  assert.deepStrictEqual(r.records(true), a);
});

test('writer keeps large buffers by reference and can patch a size prefix', () => {
  const big = Buffer.alloc(ZERO_COPY_MIN_BYTES, 7);
  const w = new Writer(8);
  w.int32(0);
  w.int16(1);
  w.records(big, false);
  w.int8(9);
  w.setInt32At(0, w.length - 4);
  const chunks = w.toChunks();
  assert.equal(chunks.length, 3);
  assert.equal(chunks[1], big, 'the caller buffer itself is a chunk');
  assert.equal(w.length, 4 + 2 + 4 + big.length + 1);
  const whole = w.toBuffer();
  assert.equal(whole.length, w.length);
  assert.equal(whole.readInt32BE(0), w.length - 4);
  assert.equal(whole[whole.length - 1], 9);
  assert.throws(() => w.setInt32At(8, 1), RangeError, 'outside the first chunk');

  // A writer whose first chunk is a caller buffer refuses to patch it.
  const w2 = new Writer();
  w2.raw(big);
  assert.throws(() => w2.setInt32At(0, 1), RangeError);
  assert.equal(big[0], 7);
});

test('writer grows by doubling and keeps earlier bytes', () => {
  const w = new Writer(1);
  for (let i = 0; i < 10000; i++) w.int32(i);
  const buf = w.toBuffer();
  assert.equal(buf.length, 40000);
  for (let i = 0; i < 10000; i += 997) assert.equal(buf.readInt32BE(i * 4), i);
  assert.equal(w.toChunks().length, 1);
});

test('array lengths: classic int32 and compact count+1, -1 for null', () => {
  const buf = bytesOf((w) => {
    w.arrayLength(2);
    w.arrayLength(-1);
    w.compactArrayLength(2);
    w.compactArrayLength(-1);
    w.int16(0);
  });
  assert.equal(buf.toString('hex'), '00000002' + 'ffffffff' + '03' + '00' + '0000');
  const r = new Reader(buf);
  assert.equal(r.arrayLength(), 2);
  assert.equal(r.arrayLength(), -1);
  assert.equal(r.compactArrayLength(), 2);
  assert.equal(r.compactArrayLength(), -1);
});

test('reader honours its window', () => {
  const buf = Buffer.from([0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3]);
  const r = new Reader(buf, 4, 8);
  assert.equal(r.remaining, 4);
  assert.equal(r.int32(), 2);
  assert.throws(() => r.int8(), /need 1 bytes/);
});
