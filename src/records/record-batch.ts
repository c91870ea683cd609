/**
 * The full v2 record batch codec, for clients, tests and compaction (the Produce hot path uses
 * validate.ts instead and never builds these objects). Header layout: batch-header.ts. Records:
 *
 *   length varint | attributes int8 (unused) | timestampDelta varlong | offsetDelta varint |
 *   key varint-length bytes | value varint-length bytes | headerCount varint |
 *   headers: key varint-length utf8, value varint-length bytes
 *
 * Lengths of -1 mean null. Timestamps are relative to baseTimestamp (the first record's, or the
 * delete horizon when that attribute is set), offsets to baseOffset. A compressed batch
 * compresses everything after recordsCount as one payload.
 *
 * decodeBatches() also reads legacy v0/v1 message sets (legacy-message-set.ts) into the same
 * shape, and stops cleanly at a partial trailing batch, as a fetch response may end mid-batch.
 */
import { rewriteBatchCrc, isBatchCrcValid } from './batch-crc.js';
import {
  ATTRIBUTES,
  BASE_SEQUENCE,
  BASE_TIMESTAMP,
  BATCH_HEADER_SIZE,
  BATCH_LENGTH,
  COMPRESSION_MASK,
  CONTROL_BIT,
  CRC,
  DELETE_HORIZON_BIT,
  HEADER_SIZE_UP_TO_MAGIC,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_V2,
  MAX_TIMESTAMP,
  NO_TIMESTAMP,
  PARTITION_LEADER_EPOCH,
  PRODUCER_EPOCH,
  PRODUCER_ID,
  RECORDS,
  RECORDS_COUNT,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
  readInt64,
  writeInt64,
} from './batch-header.js';
import { ByteReader } from './byte-reader.js';
import { CompressionType, compress, decompress, isCompressionType, UnsupportedCompressionError } from './compression.js';
import { decodeLegacyEntry, legacyEntrySize } from './legacy-message-set.js';
import { RecordFormatError } from './record-format-error.js';
import type { DecodedBatch, DecodedRecord, DecodeOptions, RecordHeader, TimestampTypeName } from './record-types.js';
import { sizeOfVarint, sizeOfVarintBytes, sizeOfVarlong, writeVarint, writeVarintBytes, writeVarlong } from './varint.js';

export type { DecodedBatch, DecodedRecord, DecodeOptions, RecordHeader, TimestampTypeName } from './record-types.js';

export interface RecordInput {
  key: Buffer | null;
  value: Buffer | null;
  headers?: RecordHeader[];
  timestampMs: number;
  /** Defaults to the record's index; compaction keeps the original deltas, with gaps. */
  offsetDelta?: number;
}

export interface EncodeBatchInput {
  baseOffset?: number;
  records: RecordInput[];
  /** A CompressionType id; none by default. */
  compression?: number;
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
  isControl?: boolean;
  partitionLeaderEpoch?: number;
  timestampType?: TimestampTypeName;
  /** Defaults to the largest record timestamp; under LogAppendTime pass the append time. */
  maxTimestampMs?: number;
  /** Defaults to the last record's offsetDelta (0 with no records); compaction may keep a larger one. */
  lastOffsetDelta?: number;
  /** KIP-534: marks the batch with a delete horizon, stored as its baseTimestamp. */
  deleteHorizonMs?: number;
}

// ---------------------------------------------------------------------------------------------
// Encoding

function headerKeyBytes(key: string): number {
  return Buffer.byteLength(key, 'utf8');
}

function recordBodyBytes(record: RecordInput, timestampDelta: number, offsetDelta: number): number {
  let size = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + sizeOfVarintBytes(record.key) + sizeOfVarintBytes(record.value);
  const headers = record.headers ?? [];
  size += sizeOfVarint(headers.length);
  for (const header of headers) {
    const keyBytes = headerKeyBytes(header.key);
    size += sizeOfVarint(keyBytes) + keyBytes + sizeOfVarintBytes(header.value);
  }
  return size;
}

function writeRecord(buf: Buffer, pos: number, record: RecordInput, bodyBytes: number, timestampDelta: number, offsetDelta: number): number {
  pos = writeVarint(buf, pos, bodyBytes);
  buf[pos++] = 0; // attributes
  pos = writeVarlong(buf, pos, timestampDelta);
  pos = writeVarint(buf, pos, offsetDelta);
  pos = writeVarintBytes(buf, pos, record.key);
  pos = writeVarintBytes(buf, pos, record.value);
  const headers = record.headers ?? [];
  pos = writeVarint(buf, pos, headers.length);
  for (const header of headers) {
    pos = writeVarint(buf, pos, headerKeyBytes(header.key));
    pos += buf.write(header.key, pos, 'utf8');
    pos = writeVarintBytes(buf, pos, header.value);
  }
  return pos;
}

/** Writes the records section at `start` of `buf` (which must be exactly big enough). */
function writeRecords(buf: Buffer, start: number, records: RecordInput[], bodySizes: number[], baseTimestampMs: number): void {
  let pos = start;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    pos = writeRecord(buf, pos, record, bodySizes[i]!, record.timestampMs - baseTimestampMs, record.offsetDelta ?? i);
  }
  if (pos !== buf.length) throw new Error(`record encoding wrote ${pos - start} bytes, sized ${buf.length - start}`);
}

function attributesOf(input: EncodeBatchInput, compression: number): number {
  let attributes = compression;
  if (input.timestampType === 'LogAppendTime') attributes |= TIMESTAMP_TYPE_BIT;
  if (input.transactional) attributes |= TRANSACTIONAL_BIT;
  if (input.isControl) attributes |= CONTROL_BIT;
  if (input.deleteHorizonMs !== undefined) attributes |= DELETE_HORIZON_BIT;
  return attributes;
}

/** Encodes one v2 batch with a correct CRC32C. */
export function encodeBatch(input: EncodeBatchInput): Buffer {
  const compression = input.compression ?? CompressionType.None;
  if (!isCompressionType(compression)) throw new UnsupportedCompressionError(compression);
  const records = input.records;
  let maxRecordTimestampMs = NO_TIMESTAMP;
  for (const record of records) if (record.timestampMs > maxRecordTimestampMs) maxRecordTimestampMs = record.timestampMs;
  const maxTimestampMs = input.maxTimestampMs ?? maxRecordTimestampMs;
  const baseTimestampMs = input.deleteHorizonMs ?? (records.length > 0 ? records[0]!.timestampMs : maxTimestampMs);

  const bodySizes = new Array<number>(records.length);
  let recordsBytes = 0;
  for (let i = 0; i < records.length; i++) {
    const record = records[i]!;
    const body = recordBodyBytes(record, record.timestampMs - baseTimestampMs, record.offsetDelta ?? i);
    bodySizes[i] = body;
    recordsBytes += sizeOfVarint(body) + body;
  }

  let batch: Buffer;
  if (compression === CompressionType.None) {
    batch = Buffer.alloc(BATCH_HEADER_SIZE + recordsBytes);
    writeRecords(batch, BATCH_HEADER_SIZE, records, bodySizes, baseTimestampMs);
  } else {
    const plain = Buffer.alloc(recordsBytes);
    writeRecords(plain, 0, records, bodySizes, baseTimestampMs);
    const payload = compress(compression, plain);
    batch = Buffer.alloc(BATCH_HEADER_SIZE + payload.length);
    payload.copy(batch, BATCH_HEADER_SIZE);
  }

  const lastRecord = records[records.length - 1];
  const lastOffsetDelta = input.lastOffsetDelta ?? (lastRecord ? (lastRecord.offsetDelta ?? records.length - 1) : 0);
  writeInt64(batch, 0, input.baseOffset ?? 0);
  batch.writeInt32BE(batch.length - LOG_OVERHEAD, BATCH_LENGTH);
  batch.writeInt32BE(input.partitionLeaderEpoch ?? -1, PARTITION_LEADER_EPOCH);
  batch.writeInt8(MAGIC_V2, MAGIC);
  batch.writeInt16BE(attributesOf(input, compression), ATTRIBUTES);
  batch.writeInt32BE(lastOffsetDelta, LAST_OFFSET_DELTA);
  writeInt64(batch, BASE_TIMESTAMP, baseTimestampMs);
  writeInt64(batch, MAX_TIMESTAMP, maxTimestampMs);
  writeInt64(batch, PRODUCER_ID, input.producerId ?? -1);
  batch.writeInt16BE(input.producerEpoch ?? -1, PRODUCER_EPOCH);
  batch.writeInt32BE(input.baseSequence ?? -1, BASE_SEQUENCE);
  batch.writeInt32BE(records.length, RECORDS_COUNT);
  rewriteBatchCrc(batch, 0, batch.length);
  return batch;
}

// ---------------------------------------------------------------------------------------------
// Decoding

function readRecord(reader: ByteReader, index: number, baseOffset: number, baseTimestampMs: number, logAppendTimeMs: number | null): DecodedRecord {
  const bodyBytes = reader.readVarint();
  if (bodyBytes < 0) throw new RecordFormatError(`record ${index} has negative size ${bodyBytes}`);
  const bodyEnd = reader.pos + bodyBytes;
  reader.readInt8(); // attributes: unused
  const timestampDelta = reader.readVarlong();
  const offsetDelta = reader.readVarint();
  const key = reader.readVarintBytes();
  const value = reader.readVarintBytes();
  const headerCount = reader.readVarint();
  if (headerCount < 0) throw new RecordFormatError(`record ${index} has an invalid header count ${headerCount}`);
  const headers: RecordHeader[] = [];
  for (let h = 0; h < headerCount; h++) {
    const headerKey = reader.readVarintBytes();
    if (headerKey === null) throw new RecordFormatError(`record ${index} has a null header key`);
    headers.push({ key: headerKey.toString('utf8'), value: reader.readVarintBytes() });
  }
  if (reader.pos !== bodyEnd) throw new RecordFormatError(`record ${index} declares ${bodyBytes} bytes but its fields take ${reader.pos - bodyEnd + bodyBytes}`);
  return {
    offset: baseOffset + offsetDelta,
    timestampMs: logAppendTimeMs ?? baseTimestampMs + timestampDelta,
    key,
    value,
    headers,
  };
}

function decodeV2(buf: Buffer, pos: number, sizeBytes: number, options: DecodeOptions): DecodedBatch {
  if (sizeBytes < BATCH_HEADER_SIZE) throw new RecordFormatError(`record batch of ${sizeBytes} bytes is smaller than its header`, true);
  if (options.verifyCrc !== false && !isBatchCrcValid(buf, pos, sizeBytes)) {
    throw new RecordFormatError(`record batch at offset ${readInt64(buf, pos)} fails its CRC32C check`, true);
  }
  const attributes = buf.readInt16BE(pos + ATTRIBUTES);
  const compression = attributes & COMPRESSION_MASK;
  const baseOffset = readInt64(buf, pos);
  const lastOffsetDelta = buf.readInt32BE(pos + LAST_OFFSET_DELTA);
  const baseTimestampMs = readInt64(buf, pos + BASE_TIMESTAMP);
  const maxTimestampMs = readInt64(buf, pos + MAX_TIMESTAMP);
  const logAppendTime = (attributes & TIMESTAMP_TYPE_BIT) !== 0;
  const count = buf.readInt32BE(pos + RECORDS_COUNT);
  if (count < 0) throw new RecordFormatError(`record batch declares ${count} records`);

  const payload = buf.subarray(pos + RECORDS, pos + sizeBytes);
  const data = compression === CompressionType.None ? payload : decompress(compression, payload, { maxBytes: options.maxDecompressedBytes });
  const reader = new ByteReader(data, 0, data.length);
  const records: DecodedRecord[] = [];
  for (let i = 0; i < count; i++) {
    records.push(readRecord(reader, i, baseOffset, baseTimestampMs, logAppendTime ? maxTimestampMs : null));
  }
  if (reader.remaining !== 0) throw new RecordFormatError(`${reader.remaining} bytes follow the batch's ${count} records`);

  return {
    magic: MAGIC_V2,
    baseOffset,
    lastOffset: baseOffset + lastOffsetDelta,
    lastOffsetDelta,
    partitionLeaderEpoch: buf.readInt32BE(pos + PARTITION_LEADER_EPOCH),
    crc: buf.readUInt32BE(pos + CRC),
    attributes,
    compression,
    timestampType: logAppendTime ? 'LogAppendTime' : 'CreateTime',
    transactional: (attributes & TRANSACTIONAL_BIT) !== 0,
    isControl: (attributes & CONTROL_BIT) !== 0,
    deleteHorizonMs: attributes & DELETE_HORIZON_BIT ? baseTimestampMs : null,
    baseTimestampMs,
    maxTimestampMs,
    producerId: readInt64(buf, pos + PRODUCER_ID),
    producerEpoch: buf.readInt16BE(pos + PRODUCER_EPOCH),
    baseSequence: buf.readInt32BE(pos + BASE_SEQUENCE),
    sizeBytes,
    records,
  };
}

/**
 * Size of the complete batch or legacy entry at pos, or -1 when the buffer ends inside it.
 * Throws on a size field no batch can have.
 */
function entrySizeAt(buf: Buffer, pos: number): number {
  if (buf.length - pos < HEADER_SIZE_UP_TO_MAGIC) return -1;
  const magic = buf.readInt8(pos + MAGIC);
  if (magic === 0 || magic === 1) return legacyEntrySize(buf, pos);
  if (magic !== MAGIC_V2) throw new RecordFormatError(`unknown record magic ${magic}`, true);
  const size = buf.readInt32BE(pos + BATCH_LENGTH) + LOG_OVERHEAD;
  if (size < BATCH_HEADER_SIZE) throw new RecordFormatError(`record batch size ${size} is smaller than its header`, true);
  return buf.length - pos < size ? -1 : size;
}

/**
 * Decodes every whole batch in buf (v2 batches and legacy v0/v1 entries, in any mix) and stops
 * at a partial trailing one. Throws RecordFormatError (or a compression error) on bad bytes.
 */
export function decodeBatches(buf: Buffer, options: DecodeOptions = {}): DecodedBatch[] {
  const batches: DecodedBatch[] = [];
  for (let pos = 0; pos < buf.length; ) {
    const size = entrySizeAt(buf, pos);
    if (size < 0) break;
    const magic = buf.readInt8(pos + MAGIC);
    batches.push(magic === MAGIC_V2 ? decodeV2(buf, pos, size, options) : decodeLegacyEntry(buf, pos, size, options));
    pos += size;
  }
  return batches;
}
