/**
 * Zigzag varints as used by v2 records (the protobuf encoding): 7 bits per byte, low bits first,
 * high bit set on every byte but the last. `varint` is a zigzag int32 (at most 5 bytes), `varlong`
 * a zigzag int64 carried in a JS number (at most 10 bytes; exact while |value| <= 2^53).
 *
 * Writers take (buf, pos, value) and return the position after the bytes written, so encoders
 * thread one integer through and never allocate. Readers live in byte-reader.ts.
 */

const TWO_POW_31 = 0x8000_0000;

/** Zigzag-encodes an int32 into the unsigned 32-bit value that goes on the wire. */
export function zigzag32(value: number): number {
  return ((value << 1) ^ (value >> 31)) >>> 0;
}

/** Zigzag-encodes an integer held in a double (int64 range); exact up to 2^52 in magnitude. */
export function zigzag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Bytes needed for an unsigned value (already zigzagged). */
function unsignedSize(raw: number): number {
  let size = 1;
  while (raw >= 0x80) {
    raw = Math.floor(raw / 0x80);
    size++;
  }
  return size;
}

export function sizeOfVarint(value: number): number {
  const raw = zigzag32(value);
  if (raw < 0x80) return 1;
  if (raw < 0x4000) return 2;
  if (raw < 0x20_0000) return 3;
  if (raw < 0x1000_0000) return 4;
  return 5;
}

export function sizeOfVarlong(value: number): number {
  return unsignedSize(zigzag64(value));
}

/** Writes an unsigned value (already zigzagged) as a varint; returns the next position. */
function writeUnsigned(buf: Buffer, pos: number, raw: number): number {
  if (raw < TWO_POW_31) {
    // Bit operations are exact below 2^31: the common case (lengths, deltas).
    while (raw >= 0x80) {
      buf[pos++] = (raw & 0x7f) | 0x80;
      raw >>>= 7;
    }
    buf[pos++] = raw;
    return pos;
  }
  while (raw >= 0x80) {
    buf[pos++] = (raw % 0x80) | 0x80;
    raw = Math.floor(raw / 0x80);
  }
  buf[pos++] = raw;
  return pos;
}

export function writeVarint(buf: Buffer, pos: number, value: number): number {
  return writeUnsigned(buf, pos, zigzag32(value));
}

export function writeVarlong(buf: Buffer, pos: number, value: number): number {
  return writeUnsigned(buf, pos, zigzag64(value));
}

/** Size of a varint length prefix plus the bytes, with null encoded as length -1. */
export function sizeOfVarintBytes(bytes: Buffer | null): number {
  if (bytes === null) return 1;
  return sizeOfVarint(bytes.length) + bytes.length;
}

/** Writes a varint length prefix then the bytes (null as length -1); returns the next position. */
export function writeVarintBytes(buf: Buffer, pos: number, bytes: Buffer | null): number {
  if (bytes === null) return writeVarint(buf, pos, -1);
  pos = writeVarint(buf, pos, bytes.length);
  return pos + bytes.copy(buf, pos);
}
