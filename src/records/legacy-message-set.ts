/**
 * Reading the legacy message format (magic 0 and 1), as old logs and old producers have it.
 * Each entry of a message set:
 *
 *   offset int64 | messageSize int32 | crc uint32 (CRC32 IEEE of magic..end) | magic int8 |
 *   attributes int8 (bits 0-2 codec, bit 3 LogAppendTime in v1) | [timestamp int64, v1 only] |
 *   key int32-length bytes | value int32-length bytes
 *
 * A compressed entry (a "wrapper") holds, as its compressed value, a message set of inner
 * messages. For v1 wrappers the inner offsets are relative (0..n-1) and the wrapper's offset is
 * the absolute offset of the last inner message; v0 inner offsets are already absolute. Under
 * LogAppendTime every inner message takes the wrapper's timestamp. Writing this format is not
 * supported: the broker stores only v2.
 */
import { ByteReader } from './byte-reader.js';
import { CompressionType, decompress } from './compression.js';
import { crc32 } from './crc32.js';
import { RecordFormatError } from './record-format-error.js';
import type { DecodedBatch, DecodedRecord, DecodeOptions } from './record-types.js';

const LEGACY_CRC_OFFSET = 12;
const LEGACY_MAGIC_OFFSET = 16;
/** offset + size + crc + magic + attributes + key length + value length (v0). */
export const LEGACY_MIN_ENTRY_BYTES = 26;
const LEGACY_TIMESTAMP_TYPE_BIT = 0x08;
const NO_TIMESTAMP = -1;

interface LegacyMessage {
  offset: number;
  crc: number;
  magic: number;
  attributes: number;
  timestampMs: number;
  key: Buffer | null;
  value: Buffer | null;
}

/** Reads the whole message at [pos, pos + sizeBytes); checks its CRC when asked. */
function readMessage(buf: Buffer, pos: number, sizeBytes: number, verifyCrc: boolean): LegacyMessage {
  const reader = new ByteReader(buf, pos, pos + sizeBytes);
  const offset = reader.readInt64();
  reader.readInt32(); // messageSize: the caller already used it for sizeBytes
  const crc = reader.readUInt32();
  if (verifyCrc) {
    const actual = crc32(buf.subarray(pos + LEGACY_MAGIC_OFFSET, pos + sizeBytes));
    if (actual !== crc) throw new RecordFormatError(`legacy message at offset ${offset}: crc ${crc} != computed ${actual}`, true);
  }
  const magic = reader.readInt8();
  if (magic !== 0 && magic !== 1) throw new RecordFormatError(`legacy message with magic ${magic}`, true);
  const attributes = reader.readInt8();
  const timestampMs = magic === 1 ? reader.readInt64() : NO_TIMESTAMP;
  const key = reader.readInt32Bytes();
  const value = reader.readInt32Bytes();
  if (reader.remaining !== 0) throw new RecordFormatError(`legacy message at offset ${offset} has ${reader.remaining} extra bytes`);
  return { offset, crc, magic, attributes, timestampMs, key, value };
}

/** Size in bytes of the entry at pos (with its 12-byte prefix), or -1 if it is not all there. */
function entrySize(buf: Buffer, pos: number): number {
  if (buf.length - pos < LEGACY_CRC_OFFSET) return -1;
  const size = buf.readInt32BE(pos + 8) + LEGACY_CRC_OFFSET;
  if (size < LEGACY_MIN_ENTRY_BYTES) throw new RecordFormatError(`legacy message size ${size - LEGACY_CRC_OFFSET} is too small`, true);
  return buf.length - pos < size ? -1 : size;
}

function innerMessages(wrapper: LegacyMessage, options: DecodeOptions): DecodedRecord[] {
  if (wrapper.value === null) throw new RecordFormatError(`compressed legacy message at offset ${wrapper.offset} has no value`);
  const codec = wrapper.attributes & 0x07;
  if (codec === CompressionType.Zstd) throw new RecordFormatError('zstd is not allowed in legacy messages');
  const data = decompress(codec, wrapper.value, {
    maxBytes: options.maxDecompressedBytes,
    legacyLz4HeaderChecksum: wrapper.magic === 0,
  });
  const logAppendTime = wrapper.magic === 1 && (wrapper.attributes & LEGACY_TIMESTAMP_TYPE_BIT) !== 0;
  const records: DecodedRecord[] = [];
  for (let pos = 0; pos < data.length; ) {
    const size = entrySize(data, pos);
    if (size < 0) throw new RecordFormatError('truncated message inside a compressed legacy message', true);
    const inner = readMessage(data, pos, size, options.verifyCrc !== false);
    if (inner.attributes & 0x07) throw new RecordFormatError('compressed legacy message nests another compressed message');
    records.push({
      offset: inner.offset,
      timestampMs: logAppendTime ? wrapper.timestampMs : inner.timestampMs,
      key: inner.key,
      value: inner.value,
      headers: [],
    });
    pos += size;
  }
  if (wrapper.magic > 0 && records.length > 0) {
    // v1 inner offsets are relative; the wrapper carries the last one's absolute offset.
    const base = wrapper.offset - records[records.length - 1]!.offset;
    for (const record of records) record.offset += base;
  }
  return records;
}

/**
 * Decodes the legacy entry at [pos, pos + sizeBytes) into one DecodedBatch (see record-types.ts).
 * Throws RecordFormatError or a compression error.
 */
export function decodeLegacyEntry(buf: Buffer, pos: number, sizeBytes: number, options: DecodeOptions = {}): DecodedBatch {
  const message = readMessage(buf, pos, sizeBytes, options.verifyCrc !== false);
  const compression = message.attributes & 0x07;
  const records: DecodedRecord[] =
    compression === CompressionType.None
      ? [{ offset: message.offset, timestampMs: message.timestampMs, key: message.key, value: message.value, headers: [] }]
      : innerMessages(message, options);
  const first = records[0];
  const baseOffset = first ? first.offset : message.offset;
  const lastOffset = records.length > 0 ? records[records.length - 1]!.offset : message.offset;
  return {
    magic: message.magic,
    baseOffset,
    lastOffset,
    lastOffsetDelta: lastOffset - baseOffset,
    partitionLeaderEpoch: -1,
    crc: message.crc,
    attributes: message.attributes,
    compression,
    timestampType: message.magic === 1 && message.attributes & LEGACY_TIMESTAMP_TYPE_BIT ? 'LogAppendTime' : 'CreateTime',
    transactional: false,
    isControl: false,
    deleteHorizonMs: null,
    baseTimestampMs: first ? first.timestampMs : message.timestampMs,
    maxTimestampMs: message.timestampMs,
    producerId: -1,
    producerEpoch: -1,
    baseSequence: -1,
    sizeBytes,
    records,
  };
}

/** Size of the complete legacy entry at pos, or -1 when the buffer ends inside it. */
export function legacyEntrySize(buf: Buffer, pos: number): number {
  return entrySize(buf, pos);
}
