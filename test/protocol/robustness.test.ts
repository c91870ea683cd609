// Short, malformed and hostile input must end in ProtocolDecodeError: never a RangeError from
// Buffer, never a TypeError, never a huge allocation.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolDecodeError, Reader, Writer, apis, decodeProduceRequest, specTable } from '../../src/protocol/index.js';
import { buildSample, makeRng } from './sample-messages.js';

function decodeError(fn: () => unknown, what: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ProtocolDecodeError, what);
}

test('every primitive read on a short buffer throws ProtocolDecodeError', () => {
  const reads: [string, (r: Reader) => unknown, number][] = [
    ['int8', (r) => r.int8(), 1],
    ['bool', (r) => r.bool(), 1],
    ['int16', (r) => r.int16(), 2],
    ['uint16', (r) => r.uint16(), 2],
    ['int32', (r) => r.int32(), 4],
    ['uint32', (r) => r.uint32(), 4],
    ['int64', (r) => r.int64(), 8],
    ['float64', (r) => r.float64(), 8],
    ['uuid', (r) => r.uuid(), 16],
  ];
  for (const [name, read, size] of reads) {
    for (let n = 0; n < size; n++) decodeError(() => read(new Reader(Buffer.alloc(n))), `${name} on ${n} bytes`);
    assert.doesNotThrow(() => read(new Reader(Buffer.alloc(size))));
  }
  for (const read of [
    (r: Reader) => r.unsignedVarint(),
    (r: Reader) => r.varint(),
    (r: Reader) => r.varlong(),
    (r: Reader) => r.string(),
    (r: Reader) => r.compactString(),
    (r: Reader) => r.bytes(),
    (r: Reader) => r.compactNullableBytes(),
    (r: Reader) => r.records(false),
    (r: Reader) => r.arrayLength(),
    (r: Reader) => r.compactArrayLength(),
    (r: Reader) => r.skipTaggedFields(),
  ]) {
    decodeError(() => read(new Reader(Buffer.alloc(0))), 'empty buffer');
  }
});

test('hostile lengths are rejected before anything is allocated or sliced', () => {
  const r = (hex: string) => new Reader(Buffer.from(hex, 'hex'));
  decodeError(() => r('7fff6162').string(), 'string longer than the buffer');
  decodeError(() => r('7fffffff00').bytes(), 'bytes longer than the buffer');
  decodeError(() => r('7fffffff00').records(false), 'records longer than the buffer');
  decodeError(() => r('ffffffff0f00').compactBytes(), 'compact bytes of 4 GiB');
  decodeError(() => r('7fffffff').arrayLength(), 'array of 2^31-1 elements');
  decodeError(() => r('00000003aabb').arrayLength(), 'array count larger than the remaining bytes');
  decodeError(() => r('ffffffff0f').compactArrayLength(), 'compact array of 4 billion elements');
  decodeError(() => r('ffff03').compactString(), 'compact string over 32767 bytes');
  decodeError(() => r('ffffffffff01').unsignedVarint(), 'varint of 6 bytes');
  decodeError(() => r('ffffffff7f').unsignedVarint(), 'varint over 32 bits');
  decodeError(() => r('ffffffffffffffffffff01').varlong(), 'varlong of 11 bytes');
  decodeError(() => r('ffff').string(), 'null for a non-nullable string');
  decodeError(() => r('00').compactString(), 'null for a non-nullable compact string');
  decodeError(() => r('0201ff').skipTaggedFields(), 'tagged field larger than the buffer');
  assert.equal(r('0003616263').skip(0), undefined);
  decodeError(() => r('00').skip(-1), 'negative skip');
  decodeError(() => new Reader(Buffer.alloc(4), 5), 'reader window outside the buffer');
});

test('a produce request with a hostile topic count fails fast', () => {
  const w = new Writer();
  w.nullableString(null); // transactionalId (v3+)
  w.int16(-1);
  w.int32(1000);
  w.int32(0x7fffffff); // topic count
  w.int16(1);
  decodeError(() => decodeProduceRequest(new Reader(w.toBuffer()), 3), 'topic count 2^31-1');
  const flexible = new Writer();
  flexible.compactNullableString(null);
  flexible.int16(-1);
  flexible.int32(1000);
  flexible.unsignedVarint(0xfffffff0); // compact topic count
  decodeError(() => decodeProduceRequest(new Reader(flexible.toBuffer()), 9), 'compact topic count');
  // A null topic array in a non-nullable field is a decode error too.
  const nullTopics = new Writer();
  nullTopics.int16(-1);
  nullTopics.int32(1000);
  nullTopics.int32(-1);
  decodeError(() => decodeProduceRequest(new Reader(nullTopics.toBuffer()), 2), 'null topics');
});

test('every truncation of every request and response (newest version) throws ProtocolDecodeError', () => {
  let checked = 0;
  for (const api of Object.values(apis)) {
    for (const kind of ['Request', 'Response'] as const) {
      const spec = specTable[`${api.name}${kind}`]!;
      const sample = buildSample(spec.fields, api.maxVersion, 'full', makeRng(api.apiKey));
      const w = new Writer();
      (kind === 'Request' ? api.encodeRequest : api.encodeResponse)(w, sample, api.maxVersion);
      const bytes = w.toBuffer();
      const decode = kind === 'Request' ? api.decodeRequest : api.decodeResponse;
      for (let n = 0; n < bytes.length; n++) {
        decodeError(() => decode(new Reader(bytes.subarray(0, n)), api.maxVersion), `${spec.name} cut at ${n}/${bytes.length}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 10000, `checked ${checked} truncations`);
});

test('randomly corrupted messages decode or throw ProtocolDecodeError, nothing else', () => {
  const rng = makeRng(20240601);
  let failures = 0;
  let successes = 0;
  for (const api of Object.values(apis)) {
    for (const version of [api.minVersion, api.maxVersion]) {
      const spec = specTable[`${api.name}Request`]!;
      const w = new Writer();
      api.encodeRequest(w, buildSample(spec.fields, version, 'full', makeRng(version)), version);
      const clean = w.toBuffer();
      for (let round = 0; round < 40; round++) {
        const bytes = Buffer.from(clean);
        const flips = 1 + Math.floor(rng() * 4);
        for (let i = 0; i < flips; i++) bytes[Math.floor(rng() * bytes.length)] = Math.floor(rng() * 256);
        try {
          api.decodeRequest(new Reader(bytes), version);
          successes++;
        } catch (e) {
          assert.ok(e instanceof ProtocolDecodeError, `${spec.name} v${version}: ${String(e)}`);
          failures++;
        }
      }
    }
  }
  assert.ok(failures > 0 && successes > 0, `failures ${failures}, successes ${successes}`);
});
