/**
 * The Produce hot path: checks the record batches a producer sent for one partition, the way
 * Kafka's ProduceRequest.validateRecords, UnifiedLog.analyzeAndValidateRecords and LogValidator
 * do for clients, without building per-record objects and without decompressing anything.
 *
 * In order, for each batch (the first failure wins, as in Kafka):
 *   framing     fewer than 17 bytes left, batchLength too small, batch past the end -> CORRUPT_MESSAGE
 *   magic       0/1 -> INVALID_RECORD (Produce v3+ carries only v2; UNSUPPORTED_FOR_MESSAGE_FORMAT
 *               when the request version is known to be < 3, since we never up-convert),
 *               anything else -> CORRUPT_MESSAGE
 *   count       more than one batch -> INVALID_RECORD (Produce v3+ allows exactly one)
 *   codec       ids 5-7, or zstd in Produce < v7 -> UNSUPPORTED_COMPRESSION_TYPE
 *   baseOffset  != 0 -> INVALID_RECORD
 *   size        batch bytes (with the 12-byte log overhead) > maxBatchBytes -> MESSAGE_TOO_LARGE
 *   crc         CRC32C of bytes 21..end mismatch -> CORRUPT_MESSAGE
 *   offsets     recordsCount < 1, lastOffsetDelta + 1 != recordsCount -> INVALID_RECORD
 *   control     control bit set by a client -> INVALID_RECORD
 *   sequence    producerId >= 0 with baseSequence < 0 -> INVALID_RECORD
 *   timestamps  LogAppendTime bit set by a client -> INVALID_TIMESTAMP; with CreateTime, any
 *               timestamp outside [now - beforeMaxMs, now + afterMaxMs] -> INVALID_TIMESTAMP
 *   records     (uncompressed only) each record's framing, offsetDelta == index, count matches,
 *               keys present on compacted topics -> INVALID_RECORD
 * Compressed batches are checked from the header alone: their baseTimestamp and maxTimestamp
 * stand in for the records' timestamps, and keys are not checked.
 *
 * Only when everything passed are the bytes touched: with LogAppendTime each batch gets the type
 * bit and maxTimestamp = now (setLogAppendTime); with CreateTime an uncompressed batch whose
 * maxTimestamp disagrees with its records is corrected, as Kafka does. Both recompute the CRC.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { AppendInfo } from '../storage/types.js';
import { isBatchCrcValid, rewriteBatchCrc } from './batch-crc.js';
import {
  ATTRIBUTES,
  BATCH_HEADER_SIZE,
  COMPRESSION_MASK,
  CONTROL_BIT,
  CRC,
  DELETE_HORIZON_BIT,
  HEADER_SIZE_UP_TO_MAGIC,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_V2,
  MAX_TIMESTAMP,
  NO_TIMESTAMP,
  RECORDS,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
  batchBaseOffset,
  batchBaseSequence,
  batchBaseTimestamp,
  batchLastOffsetDelta,
  batchMaxTimestamp,
  batchProducerEpoch,
  batchProducerId,
  batchRecordsCount,
  writeInt64,
} from './batch-header.js';
import { ByteReader } from './byte-reader.js';
import { CompressionType } from './compression.js';
import { RecordFormatError } from './record-format-error.js';
import type { TimestampTypeName } from './record-types.js';

const E = ErrorCode;

/** Produce v7 is the first that may carry zstd (KIP-110). */
const FIRST_PRODUCE_VERSION_WITH_ZSTD = 7;
/** Produce v3 is the first that carries v2 batches only. */
const FIRST_PRODUCE_VERSION_V2_ONLY = 3;

export type { TimestampTypeName } from './record-types.js';

export interface ValidateOptions {
  /** The broker's clock reading for this request. */
  nowMs: number;
  /** `message.max.bytes`: largest batch accepted, counting its 12-byte log overhead. */
  maxBatchBytes: number;
  /** `message.timestamp.type`; CreateTime by default. */
  timestampType?: TimestampTypeName;
  /**
   * `message.timestamp.before.max.ms` / `after.max.ms` (pass `message.timestamp.difference.max.ms`
   * as both for the older single setting). Unlimited by default.
   */
  timestampBeforeMaxMs?: number;
  timestampAfterMaxMs?: number;
  /** `cleanup.policy` includes compact: every record needs a key (checked for uncompressed batches). */
  compactedTopic?: boolean;
  /** The Produce request version, when known: refines the magic and zstd checks. */
  apiVersion?: number;
  /** Accept several batches (Kafka accepts exactly one per partition from Produce v3 on). */
  allowMultipleBatches?: boolean;
}

/** One entry per batch, in order; it is the AppendInfo the log wants, plus what idempotence needs. */
export interface BatchInfo extends AppendInfo {
  /** Where the batch starts in the records buffer. */
  position: number;
  sizeBytes: number;
  compression: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** Sequence of the batch's last record (wraps past 2^31-1 to 0, as Kafka's), or -1. */
  lastSequence: number;
  transactional: boolean;
}

export interface ValidBatches {
  ok: true;
  infos: BatchInfo[];
  /** Start of each batch in the buffer (the same as infos[i].position). */
  positions: number[];
  batchCount: number;
  recordCount: number;
  largestBatchBytes: number;
  maxTimestampMs: number;
  /** From the first batch (Produce v3+ carries exactly one). */
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  transactional: boolean;
  /** The time written into the batches under LogAppendTime, else -1 (Produce response field). */
  logAppendTimeMs: number;
}

/** Kafka's ProduceResponse RecordError: batchIndex is the record's index within its batch. */
export interface RecordError {
  batchIndex: number;
  message: string;
}

export interface InvalidBatches {
  ok: false;
  errorCode: number;
  message: string;
  recordErrors: RecordError[];
}

export type ValidationResult = ValidBatches | InvalidBatches;

const NO_RECORD_ERRORS: RecordError[] = [];

function fail(errorCode: number, message: string, recordErrors: RecordError[] = NO_RECORD_ERRORS): InvalidBatches {
  return { ok: false, errorCode, message, recordErrors };
}

interface Limits {
  checkTimestamps: boolean;
  earliestMs: number;
  latestMs: number;
  compactedTopic: boolean;
}

function timestampOutOfRange(timestampMs: number, limits: Limits): boolean {
  return timestampMs !== NO_TIMESTAMP && (timestampMs < limits.earliestMs || timestampMs > limits.latestMs);
}

function rangeText(limits: Limits): string {
  return `[${limits.earliestMs}, ${limits.latestMs}]`;
}

/** Reused by every call: walking records allocates nothing per record. */
const reader = new ByteReader();

/**
 * Walks the records of an uncompressed batch: framing, offset deltas, keys, timestamps.
 * Returns the records' max timestamp, or the failure.
 */
function walkRecords(buf: Buffer, pos: number, sizeBytes: number, count: number, limits: Limits): number | InvalidBatches {
  const baseTimestampMs = batchBaseTimestamp(buf, pos);
  let recordErrors: RecordError[] | null = null;
  let timestampErrors = false;
  let maxTimestampMs = NO_TIMESTAMP;
  reader.reset(buf, pos + RECORDS, pos + sizeBytes);
  try {
    for (let index = 0; index < count; index++) {
      if (reader.remaining === 0) return fail(E.INVALID_RECORD, `batch declares ${count} records but holds ${index}`);
      const bodyBytes = reader.readVarint();
      if (bodyBytes < 0) return fail(E.INVALID_RECORD, `record ${index} has negative size ${bodyBytes}`);
      const bodyEnd = reader.pos + bodyBytes;
      reader.readInt8(); // attributes: unused in v2
      const timestampMs = baseTimestampMs + reader.readVarlong();
      const offsetDelta = reader.readVarint();
      const hasKey = reader.skipVarintBytes();
      reader.skipVarintBytes(); // value
      const headerCount = reader.readVarint();
      if (headerCount < 0) return fail(E.INVALID_RECORD, `record ${index} has an invalid header count ${headerCount}`);
      for (let h = 0; h < headerCount; h++) {
        if (!reader.skipVarintBytes()) return fail(E.INVALID_RECORD, `record ${index} has a null header key`);
        reader.skipVarintBytes();
      }
      if (reader.pos !== bodyEnd) {
        return fail(E.INVALID_RECORD, `record ${index} declares ${bodyBytes} bytes but its fields take ${reader.pos - bodyEnd + bodyBytes}`);
      }
      if (offsetDelta !== index) return fail(E.INVALID_RECORD, `record ${index} has offset delta ${offsetDelta}`);
      if (timestampMs > maxTimestampMs) maxTimestampMs = timestampMs;
      if (limits.compactedTopic && !hasKey) {
        (recordErrors ??= []).push({ batchIndex: index, message: 'Compacted topic cannot accept message without key' });
      } else if (limits.checkTimestamps && timestampOutOfRange(timestampMs, limits)) {
        timestampErrors = true;
        (recordErrors ??= []).push({
          batchIndex: index,
          message: `Timestamp ${timestampMs} of message with offset ${index} is out of range. The timestamp should be within ${rangeText(limits)}`,
        });
      }
    }
  } catch (err) {
    if (err instanceof RecordFormatError) return fail(E.INVALID_RECORD, `malformed record: ${err.message}`);
    throw err;
  }
  if (reader.remaining !== 0) return fail(E.INVALID_RECORD, `${reader.remaining} bytes follow the batch's ${count} records`);
  if (recordErrors) return recordErrorsResult(recordErrors, timestampErrors);
  return maxTimestampMs;
}

/** Kafka's processRecordErrors: any timestamp error makes the whole thing INVALID_TIMESTAMP. */
function recordErrorsResult(recordErrors: RecordError[], timestampErrors: boolean): InvalidBatches {
  if (timestampErrors) {
    return fail(E.INVALID_TIMESTAMP, 'One or more records have been rejected due to invalid timestamp', recordErrors);
  }
  const shown = recordErrors.slice(0, 3).map((e) => `${e.batchIndex}: ${e.message}`).join('; ');
  return fail(E.INVALID_RECORD, `One or more records have been rejected due to ${recordErrors.length} record errors in total, and only showing the first three errors at most: ${shown}`, recordErrors);
}

/** Header-only timestamp check for compressed batches. */
function checkHeaderTimestamps(buf: Buffer, pos: number, attributes: number, limits: Limits): InvalidBatches | null {
  if (!limits.checkTimestamps) return null;
  const maxTimestampMs = batchMaxTimestamp(buf, pos);
  // With the delete-horizon bit, baseTimestamp is the horizon, not a record's timestamp.
  const baseTimestampMs = attributes & DELETE_HORIZON_BIT ? NO_TIMESTAMP : batchBaseTimestamp(buf, pos);
  const outOfRange = timestampOutOfRange(baseTimestampMs, limits) ? baseTimestampMs : timestampOutOfRange(maxTimestampMs, limits) ? maxTimestampMs : null;
  if (outOfRange === null) return null;
  return fail(E.INVALID_TIMESTAMP, `Timestamp ${outOfRange} of the batch is out of range. The timestamp should be within ${rangeText(limits)}`);
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap to 0 after Int32.MAX_VALUE. */
function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence < 0) return -1;
  const last = baseSequence + lastOffsetDelta;
  return last > 0x7fff_ffff ? last - 0x8000_0000 : last;
}

/** All checks of one whole (in-bounds) v2 batch. Returns its info or the failure. */
function checkBatch(buf: Buffer, pos: number, sizeBytes: number, options: ValidateOptions, limits: Limits): BatchInfo | InvalidBatches {
  const attributes = buf.readInt16BE(pos + ATTRIBUTES);
  const compression = attributes & COMPRESSION_MASK;
  if (compression > CompressionType.Zstd) return fail(E.UNSUPPORTED_COMPRESSION_TYPE, `Unknown compression type id ${compression}`);
  if (compression === CompressionType.Zstd && options.apiVersion !== undefined && options.apiVersion < FIRST_PRODUCE_VERSION_WITH_ZSTD) {
    return fail(E.UNSUPPORTED_COMPRESSION_TYPE, `Produce requests with version ${options.apiVersion} are not allowed to use ZStandard compression`);
  }
  const baseOffset = batchBaseOffset(buf, pos);
  if (baseOffset !== 0) return fail(E.INVALID_RECORD, `The baseOffset of the record batch should be 0, but it is ${baseOffset}`);
  if (sizeBytes > options.maxBatchBytes) {
    return fail(E.MESSAGE_TOO_LARGE, `The record batch size is ${sizeBytes} bytes which exceeds the maximum configured value of ${options.maxBatchBytes}`);
  }
  if (!isBatchCrcValid(buf, pos, sizeBytes)) return fail(E.CORRUPT_MESSAGE, `Record is corrupt (stored crc = ${buf.readUInt32BE(pos + CRC)})`);

  const count = batchRecordsCount(buf, pos);
  const lastOffsetDelta = batchLastOffsetDelta(buf, pos);
  if (lastOffsetDelta + 1 <= 0) return fail(E.INVALID_RECORD, `Batch has an invalid offset range: [0, ${lastOffsetDelta}]`);
  if (count <= 0) return fail(E.INVALID_RECORD, `Invalid reported count for record batch: ${count}`);
  if (lastOffsetDelta + 1 !== count) return fail(E.INVALID_RECORD, `Inconsistent batch offset range [0, ${lastOffsetDelta}] and count of records ${count}`);
  if (attributes & CONTROL_BIT) return fail(E.INVALID_RECORD, 'Clients are not allowed to write control records');
  const producerId = batchProducerId(buf, pos);
  const baseSequence = batchBaseSequence(buf, pos);
  if (producerId >= 0 && baseSequence < 0) return fail(E.INVALID_RECORD, `Invalid sequence number ${baseSequence} in record batch with producerId ${producerId}`);
  if (attributes & TIMESTAMP_TYPE_BIT) return fail(E.INVALID_TIMESTAMP, 'Producer should not set timestamp type to LogAppendTime');

  let maxTimestampMs: number;
  if (compression === CompressionType.None) {
    const walked = walkRecords(buf, pos, sizeBytes, count, limits);
    if (typeof walked !== 'number') return walked;
    maxTimestampMs = walked;
  } else {
    const failure = checkHeaderTimestamps(buf, pos, attributes, limits);
    if (failure) return failure;
    maxTimestampMs = batchMaxTimestamp(buf, pos);
  }
  return {
    position: pos,
    sizeBytes,
    recordCount: count,
    maxTimestampMs,
    compression,
    producerId,
    producerEpoch: batchProducerEpoch(buf, pos),
    baseSequence,
    lastSequence: lastSequenceOf(baseSequence, lastOffsetDelta),
    transactional: (attributes & TRANSACTIONAL_BIT) !== 0,
  };
}

/** The framing checks that come before anything is read from a batch. */
function checkFraming(buf: Buffer, pos: number, options: ValidateOptions): number | InvalidBatches {
  const remaining = buf.length - pos;
  if (remaining < HEADER_SIZE_UP_TO_MAGIC) return fail(E.CORRUPT_MESSAGE, `Truncated record batch: ${remaining} bytes left at ${pos}`);
  const magic = buf.readInt8(pos + MAGIC);
  if (magic === 0 || magic === 1) {
    const oldRequest = options.apiVersion !== undefined && options.apiVersion < FIRST_PRODUCE_VERSION_V2_ONLY;
    return oldRequest
      ? fail(E.UNSUPPORTED_FOR_MESSAGE_FORMAT, `Message format v${magic} is not supported; use record batches (magic 2)`)
      : fail(E.INVALID_RECORD, 'Produce requests with version 3 and above are only allowed to contain record batches with magic version 2');
  }
  if (magic !== MAGIC_V2) return fail(E.CORRUPT_MESSAGE, `Invalid magic found in record: ${magic}`);
  const sizeBytes = buf.readInt32BE(pos + 8) + LOG_OVERHEAD;
  if (sizeBytes < BATCH_HEADER_SIZE) return fail(E.CORRUPT_MESSAGE, `Record batch size ${sizeBytes} is smaller than the minimum ${BATCH_HEADER_SIZE}`);
  if (sizeBytes > remaining) return fail(E.CORRUPT_MESSAGE, `Truncated record batch: it declares ${sizeBytes} bytes, ${remaining} are left`);
  return sizeBytes;
}

export function validateBatches(records: Buffer, options: ValidateOptions): ValidationResult {
  if (records.length === 0) return fail(E.INVALID_RECORD, 'Produce requests must have at least one record batch per partition');
  const logAppendTime = options.timestampType === 'LogAppendTime';
  const limits: Limits = {
    checkTimestamps: !logAppendTime,
    earliestMs: options.nowMs - (options.timestampBeforeMaxMs ?? Number.MAX_SAFE_INTEGER),
    latestMs: options.nowMs + (options.timestampAfterMaxMs ?? Number.MAX_SAFE_INTEGER),
    compactedTopic: options.compactedTopic === true,
  };
  const infos: BatchInfo[] = [];
  const positions: number[] = [];
  let recordCount = 0;
  let largestBatchBytes = 0;
  let maxTimestampMs = NO_TIMESTAMP;
  for (let pos = 0; pos < records.length; ) {
    const framing = checkFraming(records, pos, options);
    if (typeof framing !== 'number') return framing;
    if (infos.length === 1 && options.allowMultipleBatches !== true) {
      return fail(E.INVALID_RECORD, 'Produce requests are only allowed to contain exactly one record batch per partition');
    }
    const info = checkBatch(records, pos, framing, options, limits);
    if ('ok' in info) return info;
    infos.push(info);
    positions.push(pos);
    recordCount += info.recordCount;
    if (framing > largestBatchBytes) largestBatchBytes = framing;
    pos += framing;
  }
  // Everything passed: only now touch the bytes.
  for (const info of infos) {
    if (logAppendTime) {
      setLogAppendTime(records, info.position, options.nowMs);
      info.maxTimestampMs = options.nowMs;
    } else if (info.compression === CompressionType.None && batchMaxTimestamp(records, info.position) !== info.maxTimestampMs) {
      writeInt64(records, info.position + MAX_TIMESTAMP, info.maxTimestampMs);
      rewriteBatchCrc(records, info.position, info.sizeBytes);
    }
    if (info.maxTimestampMs > maxTimestampMs) maxTimestampMs = info.maxTimestampMs;
  }
  const first = infos[0]!;
  return {
    ok: true,
    infos,
    positions,
    batchCount: infos.length,
    recordCount,
    largestBatchBytes,
    maxTimestampMs,
    producerId: first.producerId,
    producerEpoch: first.producerEpoch,
    baseSequence: first.baseSequence,
    transactional: first.transactional,
    logAppendTimeMs: logAppendTime ? options.nowMs : -1,
  };
}

/**
 * Stamps LogAppendTime on the v2 batch at pos the way Kafka's setMaxTimestamp does: sets the
 * timestamp-type bit (keeping the other attributes), sets maxTimestamp = nowMs, leaves
 * baseTimestamp alone (readers then report maxTimestamp as every record's timestamp), and
 * recomputes the CRC. Does nothing when the batch already says exactly that.
 */
export function setLogAppendTime(buf: Buffer, pos: number, nowMs: number): void {
  const attributes = buf.readInt16BE(pos + ATTRIBUTES);
  if (attributes & TIMESTAMP_TYPE_BIT && batchMaxTimestamp(buf, pos) === nowMs) return;
  buf.writeInt16BE(attributes | TIMESTAMP_TYPE_BIT, pos + ATTRIBUTES);
  writeInt64(buf, pos + MAX_TIMESTAMP, nowMs);
  rewriteBatchCrc(buf, pos);
}
