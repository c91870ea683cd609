/**
 * xxHash32, needed only to check (and, for legacy magic-0 data, repair) the LZ4 frame header
 * checksum byte. Inputs are a few bytes, so a plain implementation is plenty.
 */

const PRIME1 = 0x9e3779b1;
const PRIME2 = 0x85ebca77;
const PRIME3 = 0xc2b2ae3d;
const PRIME4 = 0x27d4eb2f;
const PRIME5 = 0x165667b1;

function rotl(value: number, bits: number): number {
  return (value << bits) | (value >>> (32 - bits));
}

function round(acc: number, input: number): number {
  acc = (acc + Math.imul(input, PRIME2)) | 0;
  return Math.imul(rotl(acc, 13), PRIME1);
}

/** xxh32 of buf[start, end) with the given seed, as an unsigned 32-bit integer. */
export function xxhash32(buf: Uint8Array, start = 0, end = buf.length, seed = 0): number {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const length = end - start;
  let pos = start;
  let hash: number;
  if (length >= 16) {
    let v1 = (seed + PRIME1 + PRIME2) | 0;
    let v2 = (seed + PRIME2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - PRIME1) | 0;
    const limit = end - 16;
    while (pos <= limit) {
      v1 = round(v1, view.readUInt32LE(pos));
      v2 = round(v2, view.readUInt32LE(pos + 4));
      v3 = round(v3, view.readUInt32LE(pos + 8));
      v4 = round(v4, view.readUInt32LE(pos + 12));
      pos += 16;
    }
    hash = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    hash = (seed + PRIME5) | 0;
  }
  hash = (hash + length) | 0;
  while (pos + 4 <= end) {
    hash = (hash + Math.imul(view.readUInt32LE(pos), PRIME3)) | 0;
    hash = Math.imul(rotl(hash, 17), PRIME4);
    pos += 4;
  }
  while (pos < end) {
    hash = (hash + Math.imul(view[pos]!, PRIME5)) | 0;
    hash = Math.imul(rotl(hash, 11), PRIME1);
    pos++;
  }
  hash ^= hash >>> 15;
  hash = Math.imul(hash, PRIME2);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, PRIME3);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
