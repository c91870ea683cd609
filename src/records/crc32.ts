/**
 * CRC32 (IEEE 802.3, zlib's), the per-message checksum of the legacy v0/v1 message format. Uses
 * zlib.crc32 where Node has it (20.15+, 22.2+) and a table otherwise; only the legacy read path
 * needs it, so the table version's speed does not matter.
 */
import * as zlib from 'node:zlib';

type Crc32 = (data: Uint8Array, value?: number) => number;

const nativeCrc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;

let table: Int32Array | undefined;

function makeTable(): Int32Array {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
}

/** Table-driven CRC32; exported so tests can check it against zlib's. */
export function crc32Table(buf: Uint8Array, initial = 0): number {
  table ??= makeTable();
  let crc = ~initial;
  for (let i = 0; i < buf.length; i++) crc = table[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

export function crc32(buf: Uint8Array, initial = 0): number {
  return nativeCrc32 ? nativeCrc32(buf, initial) >>> 0 : crc32Table(buf, initial);
}
