// Growable writer for the Kafka wire format.
//
// Output is a list of chunks: small writes go into an owned buffer that doubles when full;
// large byte payloads (record batches, >= ZERO_COPY_MIN_BYTES) are not copied: the current
// chunk is sealed and the caller's Buffer is kept by reference, so a Fetch response can hand
// segment buffers to socket.writev() untouched. The caller must not modify such buffers
// until the output has been written out.

/** What a `records` field accepts on encode: one buffer, several (written back to back), or null. */
export type RecordsData = Buffer | Buffer[] | null;

export class ProtocolEncodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolEncodeError';
  }
}

/** Throws for a null/undefined value in a field that is not nullable in this version. */
export function nullFieldError(field: string, version: number): never {
  throw new ProtocolEncodeError(`field ${field} is not nullable in version ${version} but was null or undefined`);
}

/** Buffers at least this large are referenced instead of copied. */
export const ZERO_COPY_MIN_BYTES = 1024;

const TWO_POW_32 = 4294967296;
const TWO_POW_63 = 9223372036854775808;
const MIN_CAPACITY = 64;

// Scratch output of splitInt64 (module-level so the hot path allocates nothing).
let splitHi = 0;
let splitLo = 0;

/** Splits a number into int64 two's complement halves (signed hi, unsigned lo), clamping to the int64 range. */
function splitInt64(v: number): void {
  if (v >= TWO_POW_63) {
    splitHi = 0x7fffffff;
    splitLo = 0xffffffff;
  } else if (v <= -TWO_POW_63) {
    splitHi = -0x80000000;
    splitLo = 0;
  } else if (v !== v) {
    splitHi = 0;
    splitLo = 0;
  } else {
    const t = Math.trunc(v);
    splitHi = Math.floor(t / TWO_POW_32);
    splitLo = t - splitHi * TWO_POW_32;
  }
}

export class Writer {
  private buf: Buffer;
  /** Next write position in buf. */
  private pos = 0;
  /** Start of the not-yet-sealed chunk inside buf. */
  private chunkStart = 0;
  private readonly sealed: Buffer[] = [];
  private sealedBytes = 0;
  /** Whether sealed[0] is writer-owned memory (so setInt32At may patch it). */
  private firstSealedOwned = true;

  constructor(initialCapacity = 256) {
    this.buf = Buffer.allocUnsafe(Math.max(initialCapacity, MIN_CAPACITY));
  }

  /** Total bytes written so far. */
  get length(): number {
    return this.sealedBytes + (this.pos - this.chunkStart);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const used = this.pos - this.chunkStart;
    let capacity = this.buf.length * 2;
    while (capacity < used + n) capacity *= 2;
    const next = Buffer.allocUnsafe(capacity);
    this.buf.copy(next, 0, this.chunkStart, this.pos);
    this.buf = next;
    this.chunkStart = 0;
    this.pos = used;
  }

  private seal(): void {
    if (this.pos === this.chunkStart) return;
    if (this.sealed.length === 0) this.firstSealedOwned = true;
    const chunk = this.buf.subarray(this.chunkStart, this.pos);
    this.sealed.push(chunk);
    this.sealedBytes += chunk.length;
    this.chunkStart = this.pos;
  }

  /** Appends bytes: copied when small, kept by reference when large. */
  raw(data: Buffer): void {
    const n = data.length;
    if (n >= ZERO_COPY_MIN_BYTES) {
      this.seal();
      if (this.sealed.length === 0) this.firstSealedOwned = false;
      this.sealed.push(data);
      this.sealedBytes += n;
      return;
    }
    this.ensure(n);
    data.copy(this.buf, this.pos);
    this.pos += n;
  }

  /** Appends everything another writer produced (used for tagged-field payloads). */
  append(other: Writer): void {
    const chunks = other.toChunks();
    for (let i = 0; i < chunks.length; i++) this.raw(chunks[i]!);
  }

  int8(v: number): void {
    this.ensure(1);
    this.buf.writeInt8(v, this.pos);
    this.pos += 1;
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int16(v: number): void {
    this.ensure(2);
    this.buf.writeInt16BE(v, this.pos);
    this.pos += 2;
  }

  uint16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v, this.pos);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.buf.writeInt32BE(v, this.pos);
    this.pos += 4;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v, this.pos);
    this.pos += 4;
  }

  /** int64 from a number, clamped to the int64 range (so +-2^63 map to Long.MAX/MIN_VALUE). */
  int64(v: number): void {
    this.ensure(8);
    splitInt64(v);
    this.buf.writeInt32BE(splitHi, this.pos);
    this.buf.writeUInt32BE(splitLo, this.pos + 4);
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.buf.writeDoubleBE(v, this.pos);
    this.pos += 8;
  }

  /** A Uuid in Kafka's string form (22 characters of unpadded base64url). */
  uuid(v: string): void {
    if (typeof v !== 'string' || v.length !== 22) {
      throw new ProtocolEncodeError(`invalid uuid ${String(v)}: expected 22 base64url characters`);
    }
    this.ensure(16);
    if (this.buf.write(v, this.pos, 16, 'base64url') !== 16) {
      throw new ProtocolEncodeError(`invalid uuid ${v}`);
    }
    this.pos += 16;
  }

  unsignedVarint(v: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    while (v >= 0x80) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** Zigzag-encoded signed 32-bit varint. */
  varint(v: number): void {
    this.unsignedVarint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  /** Zigzag-encoded signed 64-bit varint from a number (exact within +-2^53, clamped to int64). */
  varlong(v: number): void {
    this.ensure(10);
    splitInt64(v);
    const hi = splitHi;
    const lo = splitLo;
    // zigzag on the 64-bit two's complement value, kept as two uint32 halves
    const sign = hi >> 31;
    let zhi = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
    let zlo = ((lo << 1) ^ sign) >>> 0;
    const buf = this.buf;
    let pos = this.pos;
    while (zhi !== 0 || zlo >= 0x80) {
      buf[pos++] = (zlo & 0x7f) | 0x80;
      zlo = ((zlo >>> 7) | (zhi << 25)) >>> 0;
      zhi >>>= 7;
    }
    buf[pos++] = zlo;
    this.pos = pos;
  }

  private utf8Length(v: string): number {
    if (typeof v !== 'string') throw new ProtocolEncodeError(`expected a string, got ${v === null ? 'null' : typeof v}`);
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new ProtocolEncodeError(`string of ${len} bytes exceeds 32767`);
    return len;
  }

  private utf8Body(v: string, len: number): void {
    this.ensure(len);
    this.buf.write(v, this.pos, len, 'utf8');
    this.pos += len;
  }

  string(v: string): void {
    const len = this.utf8Length(v);
    this.int16(len);
    this.utf8Body(v, len);
  }

  nullableString(v: string | null): void {
    if (v === null) this.int16(-1);
    else this.string(v);
  }

  compactString(v: string): void {
    const len = this.utf8Length(v);
    this.unsignedVarint(len + 1);
    this.utf8Body(v, len);
  }

  compactNullableString(v: string | null): void {
    if (v === null) this.unsignedVarint(0);
    else this.compactString(v);
  }

  private checkBytes(v: Buffer): void {
    if (!Buffer.isBuffer(v)) throw new ProtocolEncodeError(`expected a Buffer, got ${v === null ? 'null' : typeof v}`);
  }

  bytes(v: Buffer): void {
    this.checkBytes(v);
    this.int32(v.length);
    this.raw(v);
  }

  nullableBytes(v: Buffer | null): void {
    if (v === null) this.int32(-1);
    else this.bytes(v);
  }

  compactBytes(v: Buffer): void {
    this.checkBytes(v);
    this.unsignedVarint(v.length + 1);
    this.raw(v);
  }

  compactNullableBytes(v: Buffer | null): void {
    if (v === null) this.unsignedVarint(0);
    else this.compactBytes(v);
  }

  /**
   * A records field: nullable bytes (compact in flexible versions). Several buffers are written
   * back to back under one length prefix; large ones are referenced, not copied.
   */
  records(data: Buffer | Buffer[] | null, compact: boolean): void {
    if (data === null || data === undefined) {
      if (compact) this.unsignedVarint(0);
      else this.int32(-1);
      return;
    }
    if (Buffer.isBuffer(data)) {
      if (compact) this.unsignedVarint(data.length + 1);
      else this.int32(data.length);
      this.raw(data);
      return;
    }
    let total = 0;
    for (let i = 0; i < data.length; i++) total += data[i]!.length;
    if (compact) this.unsignedVarint(total + 1);
    else this.int32(total);
    for (let i = 0; i < data.length; i++) this.raw(data[i]!);
  }

  /** int32 element count; pass -1 for a null array. */
  arrayLength(n: number): void {
    this.int32(n);
  }

  /** Unsigned varint count+1; pass -1 for a null array. */
  compactArrayLength(n: number): void {
    this.unsignedVarint(n + 1);
  }

  /**
   * Patches an int32 already written at byte position pos (e.g. a frame size prefix).
   * pos must lie inside the first chunk, which must be writer-owned.
   */
  setInt32At(pos: number, value: number): void {
    let target: Buffer;
    let base: number;
    if (this.sealed.length === 0) {
      target = this.buf;
      base = this.chunkStart;
      if (pos < 0 || pos + 4 > this.pos - this.chunkStart) {
        throw new RangeError(`setInt32At(${pos}) outside the ${this.pos - this.chunkStart} written bytes`);
      }
    } else {
      target = this.sealed[0]!;
      base = 0;
      if (!this.firstSealedOwned || pos < 0 || pos + 4 > target.length) {
        throw new RangeError(`setInt32At(${pos}) is not inside the writer-owned first chunk`);
      }
    }
    target.writeInt32BE(value, base + pos);
  }

  /** The output as chunks (sealed ones plus the current one); large payloads are the caller's buffers. */
  toChunks(): Buffer[] {
    const out = this.sealed.slice();
    if (this.pos > this.chunkStart) out.push(this.buf.subarray(this.chunkStart, this.pos));
    return out;
  }

  /** The output as one Buffer (a view when there is a single chunk, else one concatenation). */
  toBuffer(): Buffer {
    if (this.sealed.length === 0) return this.buf.subarray(this.chunkStart, this.pos);
    return Buffer.concat(this.toChunks(), this.length);
  }
}
