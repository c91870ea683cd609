import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32c } from '../../src/records/crc32c.js';
import { crc32, crc32Table } from '../../src/records/crc32.js';
import { xxhash32 } from '../../src/records/xxhash32.js';

test('crc32c matches the standard check value and the iSCSI (RFC 3720) vectors', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
  assert.equal(crc32c(Buffer.alloc(0)), 0);
  assert.equal(crc32c(Buffer.alloc(32, 0x00)), 0x8a9136aa);
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
  const ascending = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
  assert.equal(crc32c(ascending), 0x46dd794e);
});

test('crc32c chains through its initial value', () => {
  const data = Buffer.from('The quick brown fox jumps over the lazy dog');
  for (const split of [0, 1, 9, 20, data.length]) {
    assert.equal(crc32c(data.subarray(split), crc32c(data.subarray(0, split))), crc32c(data));
  }
});

test('crc32 (IEEE) matches the check value, with and without zlib', () => {
  assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
  assert.equal(crc32Table(Buffer.from('123456789')), 0xcbf43926);
  const data = Buffer.alloc(4096);
  for (let i = 0; i < data.length; i++) data[i] = (i * 131 + 7) & 0xff;
  assert.equal(crc32Table(data), crc32(data));
  assert.equal(crc32Table(data.subarray(100), crc32Table(data.subarray(0, 100))), crc32(data));
});

test('xxhash32 matches the reference vectors (short and >= 16-byte paths)', () => {
  assert.equal(xxhash32(Buffer.from('')), 0x02cc5d05);
  assert.equal(xxhash32(Buffer.from('a')), 0x550d7456);
  assert.equal(xxhash32(Buffer.from('abc')), 0x32d153ff);
  assert.equal(xxhash32(Buffer.from('Nobody inspects the spammish repetition')), 0xe2293b2f);
  const padded = Buffer.from('xxabcyy');
  assert.equal(xxhash32(padded, 2, 5), 0x32d153ff);
});
