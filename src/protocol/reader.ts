// Bounds-checked reader for the Kafka wire format (big-endian primitives, zigzag varints,
// classic and compact strings/bytes/arrays, tagged-field sections).
//
// Every read checks the remaining length first and throws ProtocolDecodeError, so a short
// or hostile frame can never cause an out-of-range access elsewhere or a large allocation:
// lengths are validated against the bytes that are actually left before anything is sliced.
// Byte fields are returned as subarrays of the input (no copy): they stay valid only as long
// as the caller keeps the input buffer unchanged.

/** Thrown for any malformed or truncated input. */
export class ProtocolDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolDecodeError';
  }
}

/** Throws the error Kafka raises when a non-nullable field arrives as null. */
export function nullNotAllowed(field: string): never {
  throw new ProtocolDecodeError(`non-nullable field ${field} was serialized as null`);
}

const TWO_POW_32 = 4294967296;
/** Shared zero-length buffer used as the default for bytes fields. */
export const EMPTY_BYTES: Buffer = Buffer.alloc(0);

/** Kafka's Uuid.ZERO_UUID in string form. */
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export class Reader {
  readonly buf: Buffer;
  offset: number;
  /** Exclusive end of the readable region. */
  readonly end: number;

  constructor(buf: Buffer, offset = 0, end: number = buf.length) {
    if (offset < 0 || end > buf.length || offset > end) {
      throw new ProtocolDecodeError(`invalid reader window [${offset}, ${end}) over ${buf.length} bytes`);
    }
    this.buf = buf;
    this.offset = offset;
    this.end = end;
  }

  get remaining(): number {
    return this.end - this.offset;
  }

  /** Reserves n bytes and returns their start offset. */
  private take(n: number): number {
    const start = this.offset;
    if (n > this.end - start) {
      throw new ProtocolDecodeError(`need ${n} bytes at offset ${start}, only ${this.end - start} left`);
    }
    this.offset = start + n;
    return start;
  }

  skip(n: number): void {
    if (n < 0) throw new ProtocolDecodeError(`negative skip ${n}`);
    this.take(n);
  }

  /** The next n bytes as a subarray (no copy). */
  raw(n: number): Buffer {
    if (n < 0) throw new ProtocolDecodeError(`negative length ${n}`);
    const start = this.take(n);
    return this.buf.subarray(start, start + n);
  }

  int8(): number {
    return this.buf.readInt8(this.take(1));
  }

  bool(): boolean {
    return this.buf[this.take(1)] !== 0;
  }

  int16(): number {
    return this.buf.readInt16BE(this.take(2));
  }

  uint16(): number {
    return this.buf.readUInt16BE(this.take(2));
  }

  int32(): number {
    return this.buf.readInt32BE(this.take(4));
  }

  uint32(): number {
    return this.buf.readUInt32BE(this.take(4));
  }

  /**
   * int64 as a JS number: exact within +-2^53; larger magnitudes round to the nearest double,
   * so Long.MAX_VALUE / MIN_VALUE come back as +-2^63 and the Writer clamps them back exactly.
   */
  int64(): number {
    const start = this.take(8);
    return this.buf.readInt32BE(start) * TWO_POW_32 + this.buf.readUInt32BE(start + 4);
  }

  float64(): number {
    return this.buf.readDoubleBE(this.take(8));
  }

  /** Kafka's Uuid string form: 22 characters of unpadded base64url. */
  uuid(): string {
    const start = this.take(16);
    return this.buf.toString('base64url', start, start + 16);
  }

  unsignedVarint(): number {
    const buf = this.buf;
    let value = 0;
    let shift = 0;
    for (let i = 0; i < 5; i++) {
      if (this.offset >= this.end) throw new ProtocolDecodeError('truncated varint');
      const b = buf[this.offset++]!;
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) {
        if (value > 0xffffffff) throw new ProtocolDecodeError('varint overflows 32 bits');
        return value;
      }
      shift += 7;
    }
    throw new ProtocolDecodeError('varint is longer than 5 bytes');
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(): number {
    const n = this.unsignedVarint();
    return (n >>> 1) ^ -(n & 1);
  }

  /** Zigzag-encoded signed 64-bit varint, as a number (exact within +-2^53). */
  varlong(): number {
    const buf = this.buf;
    // Accumulate the 64-bit value as two uint32 halves so zigzag decoding stays exact.
    let lo = 0;
    let hi = 0;
    for (let shift = 0; shift < 70; shift += 7) {
      if (this.offset >= this.end) throw new ProtocolDecodeError('truncated varlong');
      const b = buf[this.offset++]!;
      const bits = b & 0x7f;
      if (shift < 28) {
        lo |= bits << shift;
      } else if (shift === 28) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else {
        hi |= bits << (shift - 32);
      }
      if ((b & 0x80) === 0) {
        const sign = -(lo & 1);
        const rlo = ((lo >>> 1) | (hi << 31)) ^ sign;
        const rhi = (hi >>> 1) ^ sign;
        return rhi * TWO_POW_32 + (rlo >>> 0);
      }
    }
    throw new ProtocolDecodeError('varlong is longer than 10 bytes');
  }

  private utf8(len: number): string {
    const start = this.take(len);
    return this.buf.toString('utf8', start, start + len);
  }

  /** int16 length; throws on a null (-1) length. */
  string(): string {
    const len = this.int16();
    if (len < 0) throw new ProtocolDecodeError('non-nullable string was serialized as null');
    return this.utf8(len);
  }

  nullableString(): string | null {
    const len = this.int16();
    return len < 0 ? null : this.utf8(len);
  }

  /** Unsigned varint length+1; throws on null (0). */
  compactString(): string {
    const len = this.unsignedVarint() - 1;
    if (len < 0) throw new ProtocolDecodeError('non-nullable compact string was serialized as null');
    if (len > 0x7fff) throw new ProtocolDecodeError(`string length ${len} exceeds 32767`);
    return this.utf8(len);
  }

  compactNullableString(): string | null {
    const len = this.unsignedVarint() - 1;
    if (len < 0) return null;
    if (len > 0x7fff) throw new ProtocolDecodeError(`string length ${len} exceeds 32767`);
    return this.utf8(len);
  }

  /** int32 length; throws on null. Returns a subarray. */
  bytes(): Buffer {
    const len = this.int32();
    if (len < 0) throw new ProtocolDecodeError('non-nullable bytes were serialized as null');
    return this.raw(len);
  }

  nullableBytes(): Buffer | null {
    const len = this.int32();
    return len < 0 ? null : this.raw(len);
  }

  compactBytes(): Buffer {
    const len = this.unsignedVarint() - 1;
    if (len < 0) throw new ProtocolDecodeError('non-nullable compact bytes were serialized as null');
    return this.raw(len);
  }

  compactNullableBytes(): Buffer | null {
    const len = this.unsignedVarint() - 1;
    return len < 0 ? null : this.raw(len);
  }

  /** A records field: nullable bytes (compact in flexible versions). Returns a subarray or null. */
  records(compact: boolean): Buffer | null {
    return compact ? this.compactNullableBytes() : this.nullableBytes();
  }

  /**
   * int32 element count, -1 for null. Every element takes at least one byte, so a count larger
   * than the remaining bytes is rejected before the caller allocates anything.
   */
  arrayLength(): number {
    const n = this.int32();
    if (n < 0) return -1;
    if (n > this.end - this.offset) {
      throw new ProtocolDecodeError(`array of ${n} elements cannot fit in ${this.end - this.offset} bytes`);
    }
    return n;
  }

  /** Unsigned varint count+1, -1 for null; same size guard as arrayLength. */
  compactArrayLength(): number {
    const n = this.unsignedVarint() - 1;
    if (n < 0) return -1;
    if (n > this.end - this.offset) {
      throw new ProtocolDecodeError(`array of ${n} elements cannot fit in ${this.end - this.offset} bytes`);
    }
    return n;
  }

  /** Skips a whole tagged-field section (count, then tag/size/bytes per field). */
  skipTaggedFields(): void {
    const count = this.unsignedVarint();
    for (let i = 0; i < count; i++) {
      this.unsignedVarint();
      this.skip(this.unsignedVarint());
    }
  }
}
