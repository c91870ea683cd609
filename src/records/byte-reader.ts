/**
 * A bounds-checked cursor over [pos, end) of a Buffer, for walking records. One instance is
 * reused per batch (reset()), so walking a batch allocates nothing per record. Every read
 * throws RecordFormatError instead of reading past `end`.
 */
import { RecordFormatError } from './record-format-error.js';

const MAX_VARINT_BYTES = 5;
const MAX_VARLONG_BYTES = 10;

export class ByteReader {
  buf: Buffer = Buffer.alloc(0);
  pos = 0;
  end = 0;

  constructor(buf?: Buffer, pos = 0, end = buf ? buf.length : 0) {
    if (buf) this.reset(buf, pos, end);
  }

  reset(buf: Buffer, pos: number, end: number): this {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
    return this;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(bytes: number): void {
    if (bytes < 0 || this.pos + bytes > this.end) {
      throw new RecordFormatError(`record data ends early: need ${bytes} bytes at ${this.pos}, have ${this.end - this.pos}`);
    }
  }

  readInt8(): number {
    this.need(1);
    return this.buf.readInt8(this.pos++);
  }

  readInt16(): number {
    this.need(2);
    const value = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return value;
  }

  readInt32(): number {
    this.need(4);
    const value = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  readUInt32(): number {
    this.need(4);
    const value = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return value;
  }

  /** int64 read into a double (offsets, timestamps); exact up to 2^53. */
  readInt64(): number {
    this.need(8);
    const high = this.buf.readInt32BE(this.pos);
    const low = this.buf.readUInt32BE(this.pos + 4);
    this.pos += 8;
    return high * 0x1_0000_0000 + low;
  }

  /** Zigzag int32 varint. */
  readVarint(): number {
    const buf = this.buf;
    let raw = 0;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= this.end) throw new RecordFormatError('varint runs past the end of the record data');
      const byte = buf[this.pos++]!;
      raw |= (byte & 0x7f) << (7 * i);
      if ((byte & 0x80) === 0) return (raw >>> 1) ^ -(raw & 1);
    }
    throw new RecordFormatError('varint is longer than 5 bytes');
  }

  /** Zigzag int64 varlong into a double; exact while the value fits 2^53. */
  readVarlong(): number {
    const buf = this.buf;
    let raw = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARLONG_BYTES; i++) {
      if (this.pos >= this.end) throw new RecordFormatError('varlong runs past the end of the record data');
      const byte = buf[this.pos++]!;
      raw += (byte & 0x7f) * scale;
      if ((byte & 0x80) === 0) {
        // Zigzag: even raw values are non-negative, odd ones negative.
        return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
      }
      scale *= 0x80;
    }
    throw new RecordFormatError('varlong is longer than 10 bytes');
  }

  /** Advances past `bytes` bytes. */
  skip(bytes: number): void {
    this.need(bytes);
    this.pos += bytes;
  }

  /** A view (no copy) of the next `bytes` bytes. */
  readSlice(bytes: number): Buffer {
    this.need(bytes);
    const slice = this.buf.subarray(this.pos, this.pos + bytes);
    this.pos += bytes;
    return slice;
  }

  /** Varint length then bytes; any negative length means null (as Kafka reads it). */
  readVarintBytes(): Buffer | null {
    const length = this.readVarint();
    return length < 0 ? null : this.readSlice(length);
  }

  /** Skips varint-length-prefixed bytes; returns false when they were null. */
  skipVarintBytes(): boolean {
    const length = this.readVarint();
    if (length < 0) return false;
    this.skip(length);
    return true;
  }

  /** int32 length then bytes (legacy message format); -1 means null. */
  readInt32Bytes(): Buffer | null {
    const length = this.readInt32();
    return length < 0 ? null : this.readSlice(length);
  }
}
