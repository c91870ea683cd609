/**
 * CRC32C (Castagnoli), the checksum of v2 record batches, computed natively (SIMD) by
 * @node-rs/crc32. `initial` is a previous result, so crc32c(b, crc32c(a)) === crc32c(a ++ b):
 * a checksum can be carried across pieces without concatenating them.
 */
import { crc32c as nativeCrc32c } from '@node-rs/crc32';

export function crc32c(buf: Uint8Array, initial = 0): number {
  // The native function already returns an unsigned 32-bit value; >>> 0 keeps that a guarantee.
  return nativeCrc32c(buf, initial) >>> 0;
}
