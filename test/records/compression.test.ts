import { test } from 'node:test';
import assert from 'node:assert/strict';
import lz4 from 'lz4-napi';
import snappy from 'snappy';
import zstdBinding from 'zstd-napi/binding.js';
import {
  CompressionType,
  CorruptCompressedDataError,
  DecompressedSizeError,
  UnsupportedCompressionError,
  compress,
  decompress,
} from '../../src/records/compression.js';
import { compressSnappyRaw } from '../../src/records/snappy-codec.js';
import { xxhash32 } from '../../src/records/xxhash32.js';
import { LZ4_LINKED_FRAME_B64, ZSTD_NO_SIZE_FRAME_B64, periodicInput } from './fixtures.js';

const codecs = [CompressionType.None, CompressionType.Gzip, CompressionType.Snappy, CompressionType.Lz4, CompressionType.Zstd];

function pseudoRandom(bytes: number, seed = 1): Buffer {
  const buf = Buffer.alloc(bytes);
  let x = seed;
  for (let i = 0; i < bytes; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    buf[i] = x >>> 24;
  }
  return buf;
}

test('every codec round-trips empty, small, incompressible and large inputs', () => {
  const inputs = [Buffer.alloc(0), Buffer.from('hello, kafka'), pseudoRandom(200_000), Buffer.alloc(3_000_000, 'abcdefgh')];
  for (const type of codecs) {
    for (const input of inputs) {
      const packed = compress(type, input);
      assert.deepEqual(decompress(type, packed), input, `codec ${type}, ${input.length} bytes`);
    }
  }
});

test('unknown codec ids throw a typed error', () => {
  for (const type of [5, 6, 7, -1]) {
    assert.throws(() => compress(type, Buffer.from('x')), (err: unknown) => err instanceof UnsupportedCompressionError && err.compressionType === type);
    assert.throws(() => decompress(type, Buffer.from('x')), UnsupportedCompressionError);
  }
});

test('snappy output is xerial-framed the way snappy-java writes it', () => {
  const input = pseudoRandom(70_000);
  const packed = compress(CompressionType.Snappy, input);
  assert.equal(packed.subarray(0, 8).toString('hex'), '82534e4150505900');
  assert.equal(packed.readInt32BE(8), 1);
  assert.equal(packed.readInt32BE(12), 1);
  // 70000 bytes in 32 KiB blocks: 3 blocks, each a raw snappy block with its length prefix.
  let pos = 16;
  const blocks: Buffer[] = [];
  while (pos < packed.length) {
    const length = packed.readInt32BE(pos);
    blocks.push(snappy.uncompressSync(packed.subarray(pos + 4, pos + 4 + length), { asBuffer: true }) as Buffer);
    pos += 4 + length;
  }
  assert.equal(blocks.length, 3);
  assert.deepEqual(Buffer.concat(blocks), input);
});

test('snappy decodes raw blocks and concatenated xerial streams', () => {
  const input = Buffer.from('raw snappy as some librdkafka versions send it '.repeat(100));
  assert.deepEqual(decompress(CompressionType.Snappy, compressSnappyRaw(input)), input);
  const a = pseudoRandom(40_000, 3);
  const b = Buffer.from('second stream');
  const joined = Buffer.concat([compress(CompressionType.Snappy, a), compress(CompressionType.Snappy, b)]);
  assert.deepEqual(decompress(CompressionType.Snappy, joined), Buffer.concat([a, b]));
});

test('snappy rejects truncated xerial blocks and garbage', () => {
  const packed = compress(CompressionType.Snappy, pseudoRandom(10_000));
  assert.throws(() => decompress(CompressionType.Snappy, packed.subarray(0, packed.length - 5)), CorruptCompressedDataError);
  assert.throws(() => decompress(CompressionType.Snappy, Buffer.from('ffffffffff', 'hex')), CorruptCompressedDataError);
});

test('lz4 decodes a linked-block frame with checksums made by the reference lz4 CLI', () => {
  const frame = Buffer.from(LZ4_LINKED_FRAME_B64, 'base64');
  assert.equal(frame[4]! & 0x20, 0, 'fixture uses linked (dependent) blocks');
  assert.deepEqual(decompress(CompressionType.Lz4, frame), periodicInput());
});

test('lz4 output carries the KIP-57 header checksum (xxh32 of the descriptor only)', () => {
  const frame = compress(CompressionType.Lz4, Buffer.from('header checksum'));
  assert.equal(frame.readUInt32LE(0), 0x184d2204);
  const descriptorEnd = frame[4]! & 0x08 ? 14 : 6;
  assert.equal(frame[descriptorEnd], (xxhash32(frame, 4, descriptorEnd) >>> 8) & 0xff);
});

test('lz4 accepts the pre-KIP-57 header checksum only for legacy magic-0 data', () => {
  const input = Buffer.from('old kafka lz4 '.repeat(50));
  const frame = Buffer.from(compress(CompressionType.Lz4, input));
  const descriptorEnd = frame[4]! & 0x08 ? 14 : 6;
  frame[descriptorEnd] = (xxhash32(frame, 0, descriptorEnd) >>> 8) & 0xff; // computed over the magic too
  assert.throws(() => decompress(CompressionType.Lz4, frame), CorruptCompressedDataError);
  assert.deepEqual(decompress(CompressionType.Lz4, frame, { legacyLz4HeaderChecksum: true }), input);
  frame[descriptorEnd] = frame[descriptorEnd]! ^ 0x5a;
  assert.throws(() => decompress(CompressionType.Lz4, frame, { legacyLz4HeaderChecksum: true }), CorruptCompressedDataError);
});

test('lz4 rejects truncation, trailing bytes and bad block checksums', () => {
  const input = pseudoRandom(100_000);
  const frame = lz4.compressFrameSync(input, { blockChecksums: true, contentChecksum: true });
  assert.deepEqual(decompress(CompressionType.Lz4, frame), input);
  assert.throws(() => decompress(CompressionType.Lz4, frame.subarray(0, frame.length - 10)), CorruptCompressedDataError);
  assert.throws(() => decompress(CompressionType.Lz4, Buffer.concat([frame, Buffer.from([1, 2, 3])])), CorruptCompressedDataError);
  const flipped = Buffer.from(frame);
  flipped[100] = flipped[100]! ^ 0xff;
  assert.throws(() => decompress(CompressionType.Lz4, flipped), CorruptCompressedDataError);
});

test('zstd decodes a streamed frame without content size from the reference zstd CLI', () => {
  const frame = Buffer.from(ZSTD_NO_SIZE_FRAME_B64, 'base64');
  assert.equal(zstdBinding.getFrameContentSize(frame), null, 'fixture has no content size');
  assert.deepEqual(decompress(CompressionType.Zstd, frame), periodicInput());
});

/** A zstd frame made like a streaming compressor (zstd-jni's stream): no content size. */
function streamedZstd(input: Buffer, chunkBytes: number): Buffer {
  const cctx = new zstdBinding.CCtx();
  const out = Buffer.alloc(zstdBinding.compressBound(input.length) + 1024);
  let written = 0;
  for (let pos = 0; pos < input.length; pos += chunkBytes) {
    let chunk = input.subarray(pos, pos + chunkBytes);
    while (chunk.length > 0) {
      const [, produced, consumed] = cctx.compressStream2(out.subarray(written), chunk, zstdBinding.EndDirective.continue);
      written += produced;
      chunk = chunk.subarray(consumed);
    }
  }
  for (;;) {
    const [remaining, produced] = cctx.compressStream2(out.subarray(written), Buffer.alloc(0), zstdBinding.EndDirective.end);
    written += produced;
    if (remaining === 0) break;
  }
  return out.subarray(0, written);
}

test('zstd decodes streamed frames without content size, alone and after a sized frame', () => {
  const input = pseudoRandom(500_000, 9);
  const streamed = streamedZstd(input, 64 * 1024);
  assert.equal(zstdBinding.getFrameContentSize(streamed), null);
  assert.deepEqual(decompress(CompressionType.Zstd, streamed), input);
  const sized = compress(CompressionType.Zstd, Buffer.from('sized'));
  assert.equal(zstdBinding.getFrameContentSize(sized), 5);
  assert.deepEqual(decompress(CompressionType.Zstd, Buffer.concat([sized, streamed])), Buffer.concat([Buffer.from('sized'), input]));
});

test('zstd rejects truncated frames instead of returning short output', () => {
  const streamed = streamedZstd(pseudoRandom(100_000), 10_000);
  assert.throws(() => decompress(CompressionType.Zstd, streamed.subarray(0, streamed.length - 7)), CorruptCompressedDataError);
  assert.throws(() => decompress(CompressionType.Zstd, Buffer.from('not zstd at all')), CorruptCompressedDataError);
  assert.throws(() => decompress(CompressionType.Zstd, Buffer.alloc(0)), CorruptCompressedDataError);
});

test('decompression bombs are stopped at maxBytes for every codec', () => {
  const bomb = Buffer.alloc(32 * 1024 * 1024); // 32 MiB of zeros: a few KiB compressed
  const maxBytes = 1024 * 1024;
  const payloads: Array<[number, Buffer]> = [
    [CompressionType.Gzip, compress(CompressionType.Gzip, bomb)],
    [CompressionType.Snappy, compress(CompressionType.Snappy, bomb)],
    [CompressionType.Snappy, compressSnappyRaw(bomb)],
    [CompressionType.Lz4, compress(CompressionType.Lz4, bomb)],
    [CompressionType.Zstd, compress(CompressionType.Zstd, bomb)],
    [CompressionType.Zstd, streamedZstd(bomb, 4 * 1024 * 1024)],
  ];
  for (const [type, payload] of payloads) {
    assert.ok(payload.length < bomb.length / 20, `codec ${type} payload is small (${payload.length} bytes)`);
    assert.throws(() => decompress(type, payload, { maxBytes }), DecompressedSizeError, `codec ${type}`);
  }
  // The same payloads decode when the limit allows them.
  assert.equal(decompress(CompressionType.Zstd, payloads[5]![1], { maxBytes: bomb.length }).length, bomb.length);
  assert.equal(decompress(CompressionType.Lz4, payloads[3]![1], { maxBytes: bomb.length }).length, bomb.length);
});

test('the limit is exact: maxBytes equal to the output size passes', () => {
  const input = pseudoRandom(123_456);
  for (const type of codecs) {
    const packed = compress(type, input);
    assert.equal(decompress(type, packed, { maxBytes: input.length }).length, input.length);
    assert.throws(() => decompress(type, packed, { maxBytes: input.length - 1 }), DecompressedSizeError, `codec ${type}`);
  }
});
