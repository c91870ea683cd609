/**
 * A fetched record that decodes its key, value and headers only when they are read. Decoding a
 * fetch walks each record just far enough for its offset and timestamp (the only fields the
 * consumer itself needs) and remembers where its key starts and where it ends; most consumers
 * of a batch touch only some fields of some records, and a subarray or a headers array per
 * record that nobody reads is what made eager decoding slow (allocation and GC).
 *
 * Record body layout (record-batch.ts): length | attributes | timestampDelta | offsetDelta |
 * key | value | headers. `keyPos` points at the key's varint length, `endPos` after the headers.
 * The bytes are the fetched response (uncompressed) or the batch's decompressed payload: views,
 * not copies, exactly as the eager decoder returned them.
 */
import { RecordFormatError } from '../records/record-format-error.js';
import type { RecordHeader } from '../records/record-types.js';
import type { ConsumerRecord } from './messages.js';

/** Not yet decoded (undefined is not a valid key or value: those are Buffer or null). */
const UNREAD = undefined;

export class RecordView implements ConsumerRecord {
  private k: Buffer | null | undefined = UNREAD;
  private v: Buffer | null | undefined = UNREAD;
  private h: RecordHeader[] | undefined = UNREAD;

  constructor(
    public topic: string,
    public partition: number,
    public offset: number,
    public timestamp: number,
    private readonly data: Buffer,
    private readonly keyPos: number,
    private readonly endPos: number,
  ) {}

  get key(): Buffer | null {
    if (this.k === UNREAD) this.k = readBytesAt(this.data, this.keyPos, this.endPos);
    return this.k;
  }

  set key(key: Buffer | null) {
    this.k = key;
  }

  get value(): Buffer | null {
    if (this.v === UNREAD) this.v = readBytesAt(this.data, skipBytes(this.data, this.keyPos, this.endPos), this.endPos);
    return this.v;
  }

  set value(value: Buffer | null) {
    this.v = value;
  }

  get headers(): RecordHeader[] {
    if (this.h === UNREAD) this.h = readHeaders(this.data, this.keyPos, this.endPos);
    return this.h;
  }

  set headers(headers: RecordHeader[]) {
    this.h = headers;
  }

  /** Own, plain fields for JSON, spreads and util.inspect (getters live on the prototype). */
  toJSON(): ConsumerRecord {
    return { topic: this.topic, partition: this.partition, offset: this.offset, timestamp: this.timestamp, key: this.key, value: this.value, headers: this.headers };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): ConsumerRecord {
    return this.toJSON();
  }
}

// Varint readers over a bounded range; the position after the last read is left in `cursor`
// (a module variable rather than a returned pair: no allocation per field).
let cursor = 0;

/** Zigzag varint at pos, not past end. */
export function readVarintAt(buf: Buffer, pos: number, end: number): number {
  let raw = 0;
  for (let shift = 0; shift < 35; shift += 7) {
    if (pos >= end) throw new RecordFormatError('varint runs past the end of the record');
    const byte = buf[pos++]!;
    raw |= (byte & 0x7f) << shift;
    if ((byte & 0x80) === 0) {
      cursor = pos;
      return (raw >>> 1) ^ -(raw & 1);
    }
  }
  throw new RecordFormatError('varint is longer than 5 bytes');
}

/** Zigzag varlong at pos (exact while |value| <= 2^53), not past end. */
export function readVarlongAt(buf: Buffer, pos: number, end: number): number {
  let raw = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new RecordFormatError('varlong runs past the end of the record');
    const byte = buf[pos++]!;
    raw += (byte & 0x7f) * scale;
    if ((byte & 0x80) === 0) {
      cursor = pos;
      return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
    scale *= 0x80;
  }
  throw new RecordFormatError('varlong is longer than 10 bytes');
}

/** The position after the varint-length-prefixed bytes at pos. */
export function skipBytes(buf: Buffer, pos: number, end: number): number {
  const length = readVarintAt(buf, pos, end);
  const next = cursor + Math.max(0, length);
  if (next > end) throw new RecordFormatError('record field runs past the end of the record');
  return next;
}

function readBytesAt(buf: Buffer, pos: number, end: number): Buffer | null {
  const length = readVarintAt(buf, pos, end);
  // Any negative length means null, as Kafka reads it.
  if (length < 0) return null;
  const start = cursor;
  if (start + length > end) throw new RecordFormatError('record field runs past the end of the record');
  return buf.subarray(start, start + length);
}

function readHeaders(buf: Buffer, keyPos: number, end: number): RecordHeader[] {
  let pos = skipBytes(buf, skipBytes(buf, keyPos, end), end);
  const count = readVarintAt(buf, pos, end);
  if (count < 0) throw new RecordFormatError(`invalid header count ${count}`);
  pos = cursor;
  const headers: RecordHeader[] = [];
  for (let i = 0; i < count; i++) {
    const key = readBytesAt(buf, pos, end);
    if (key === null) throw new RecordFormatError('null header key');
    pos = skipBytes(buf, pos, end);
    const value = readBytesAt(buf, pos, end);
    pos = skipBytes(buf, pos, end);
    headers.push({ key: key.toString('utf8'), value });
  }
  return headers;
}

/** Position after the last read (see `cursor`). */
export function cursorPos(): number {
  return cursor;
}
