import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as protocol from '../../src/protocol/index.js';
import { Reader, Writer, apis, specTable } from '../../src/protocol/index.js';
import type { ProtocolMessageSpec } from '../../src/protocol/index.js';
import { buildSample, makeRng, parseRange, stripDefaultable } from './sample-messages.js';
import type { SampleMode } from './sample-messages.js';

type Decode = (r: Reader, version: number) => unknown;
type Encode = (w: Writer, msg: unknown, version: number) => void;

function codecs(name: string): { decode: Decode; encode: Encode } {
  const mod = protocol as unknown as Record<string, unknown>;
  const decode = mod[`decode${name}`];
  const encode = mod[`encode${name}`];
  assert.equal(typeof decode, 'function', `decode${name} is exported`);
  assert.equal(typeof encode, 'function', `encode${name} is exported`);
  return { decode: decode as Decode, encode: encode as Encode };
}

function encodeToBuffer(encode: Encode, msg: unknown, version: number): Buffer {
  const w = new Writer(16); // small start so growth is exercised
  encode(w, msg, version);
  return w.toBuffer();
}

/** Encodes, decodes (must consume everything and equal the sample), re-encodes (same bytes). */
function roundTrip(spec: ProtocolMessageSpec, version: number, mode: SampleMode, seed: number): void {
  const { decode, encode } = codecs(spec.name);
  const sample = buildSample(spec.fields, version, mode, makeRng(seed));
  const what = `${spec.name} v${version} (${mode})`;
  const bytes = encodeToBuffer(encode, sample, version);
  const r = new Reader(bytes);
  const decoded = decode(r, version);
  assert.equal(r.remaining, 0, `${what}: decoder left ${r.remaining} bytes`);
  assert.deepStrictEqual(decoded, sample, `${what}: decoded value differs`);
  assert.deepStrictEqual(encodeToBuffer(encode, decoded, version), bytes, `${what}: re-encoding differs`);

  // Leaving defaultable fields undefined must encode exactly like passing their defaults.
  if (mode === 'defaults') {
    const sparse = stripDefaultable(spec.fields, sample);
    assert.deepStrictEqual(encodeToBuffer(encode, sparse, version), bytes, `${what}: undefined != default`);
  }
}

function versionsOf(spec: ProtocolMessageSpec): number[] {
  const r = parseRange(spec.validVersions)!;
  const out: number[] = [];
  for (let v = r.lo; v <= r.hi; v++) out.push(v);
  return out;
}

const MODES: SampleMode[] = ['full', 'nulls', 'defaults'];

for (const api of Object.values(apis)) {
  test(`api ${api.apiKey} ${api.name}: request and response round-trip in every version`, () => {
    let seed = api.apiKey * 1000;
    for (const kind of ['Request', 'Response']) {
      const spec = specTable[`${api.name}${kind}`];
      assert.ok(spec, `${api.name}${kind} in spec table`);
      assert.deepStrictEqual(versionsOf(spec), versionsOf(specTable[`${api.name}Request`]!));
      for (const v of versionsOf(spec)) {
        for (const mode of MODES) roundTrip(spec, v, mode, seed++);
      }
    }
  });
}

test('data, record and header schemas round-trip in every version', () => {
  const others = Object.values(specTable).filter((s) => s.type === 'data' || s.type === 'header');
  assert.ok(others.length >= 40, `found ${others.length} data/header schemas`);
  let seed = 7;
  for (const spec of others) {
    for (const v of versionsOf(spec)) {
      for (const mode of MODES) roundTrip(spec, v, mode, seed++);
    }
  }
});

test('full samples of flexible versions really carry tagged fields', () => {
  const spec = specTable.FetchResponse!;
  const sample = buildSample(spec.fields, 16, 'full', makeRng(1)) as {
    responses: { partitions: { currentLeader: unknown }[] }[];
  };
  const bytes = encodeToBuffer(codecs('FetchResponse').encode, sample, 16);
  const decoded = protocol.decodeFetchResponse(new Reader(bytes), 16);
  assert.equal(decoded.nodeEndpoints?.length, 2, 'top-level tagged array survived');
  const leader = decoded.responses[0]!.partitions[0]!.currentLeader;
  assert.deepStrictEqual(leader, sample.responses[0]!.partitions[0]!.currentLeader);
  assert.notDeepStrictEqual(leader, { leaderId: -1, leaderEpoch: -1 }, 'nested tagged struct is not the default');

  // With every field at its default the tagged sections are empty (a single 0 byte).
  const empty = buildSample(spec.fields, 16, 'defaults', makeRng(1));
  const emptyBytes = encodeToBuffer(codecs('FetchResponse').encode, empty, 16);
  assert.equal(emptyBytes[emptyBytes.length - 1], 0);
  assert.deepStrictEqual(protocol.decodeFetchResponse(new Reader(emptyBytes), 16).nodeEndpoints, []);
});

test('unknown tagged fields are skipped on decode', () => {
  // ResponseHeader v1 with two unknown tags (7: 3 bytes, 100: 0 bytes).
  const w = new Writer();
  w.int32(42);
  w.unsignedVarint(2);
  w.unsignedVarint(7);
  w.unsignedVarint(3);
  w.raw(Buffer.from([1, 2, 3]));
  w.unsignedVarint(100);
  w.unsignedVarint(0);
  const r = new Reader(w.toBuffer());
  assert.deepStrictEqual(protocol.decodeResponseHeader(r, 1), { correlationId: 42 });
  assert.equal(r.remaining, 0);
});

test('large record batches are referenced, not copied, by the produce encoder', () => {
  const batchA = Buffer.alloc(4096, 0xab);
  const batchB = Buffer.alloc(2048, 0xcd);
  const small = Buffer.alloc(10, 0xef);
  const w = new Writer();
  w.int32(0); // size prefix, patched below
  protocol.encodeProduceRequest(
    w,
    {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: [batchA, small, batchB] }, { index: 1, records: batchA }] }],
    },
    11,
  );
  w.setInt32At(0, w.length - 4);
  const chunks = w.toChunks();
  assert.ok(chunks.includes(batchA), 'batchA kept by reference');
  assert.ok(chunks.includes(batchB), 'batchB kept by reference');
  assert.ok(!chunks.includes(small), 'small buffers are copied');
  const whole = Buffer.concat(chunks);
  assert.equal(whole.readInt32BE(0), whole.length - 4);
  const decoded = protocol.decodeProduceRequest(new Reader(whole, 4), 11);
  const parts = decoded.topicData[0]!.partitionData;
  assert.deepStrictEqual(parts[0]!.records, Buffer.concat([batchA, small, batchB]));
  assert.deepStrictEqual(parts[1]!.records, batchA);
  // Decoded records are views into the request buffer, not copies.
  assert.equal(parts[1]!.records!.buffer, whole.buffer);
});

test('encoding null into a non-nullable field names the field', () => {
  const w = new Writer();
  assert.throws(
    () => protocol.encodeMetadataRequest(w, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: null }] }, 9),
    /MetadataRequestTopic\.name is not nullable in version 9/,
  );
  // ...but the same field is nullable from v10 on.
  protocol.encodeMetadataRequest(new Writer(), { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: null }] }, 10);
});
