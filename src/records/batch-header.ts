/**
 * Fixed-position fields of a record batch, magic v2 (Kafka's DefaultRecordBatch):
 *
 *   offset  size  field
 *        0     8  baseOffset            (rewritten by the broker on append)
 *        8     4  batchLength           (bytes after this field)
 *       12     4  partitionLeaderEpoch
 *       16     1  magic                 (2)
 *       17     4  crc                   (CRC32C of bytes 21..end)
 *       21     2  attributes            (bits 0-2 compression, 3 timestamp type,
 *                                        4 transactional, 5 control, 6 delete horizon)
 *       23     4  lastOffsetDelta
 *       27     8  baseTimestamp
 *       35     8  maxTimestamp
 *       43     8  producerId
 *       51     2  producerEpoch
 *       53     4  baseSequence
 *       57     4  recordsCount
 *       61        records (possibly compressed)
 *
 * These helpers read fields straight out of the bytes so the hot path never builds objects.
 */

export const BASE_OFFSET = 0;
export const BATCH_LENGTH = 8;
export const PARTITION_LEADER_EPOCH = 12;
export const MAGIC = 16;
export const CRC = 17;
export const ATTRIBUTES = 21;
export const LAST_OFFSET_DELTA = 23;
export const BASE_TIMESTAMP = 27;
export const MAX_TIMESTAMP = 35;
export const PRODUCER_ID = 43;
export const PRODUCER_EPOCH = 51;
export const BASE_SEQUENCE = 53;
export const RECORDS_COUNT = 57;
export const RECORDS = 61;

/** Size of the header up to and including recordsCount. */
export const BATCH_HEADER_SIZE = 61;
/** baseOffset + batchLength: the part not counted in batchLength. */
export const LOG_OVERHEAD = 12;

export const COMPRESSION_MASK = 0x07;
export const TIMESTAMP_TYPE_BIT = 0x08;
export const TRANSACTIONAL_BIT = 0x10;
export const CONTROL_BIT = 0x20;
/** KIP-534: baseTimestamp holds the delete horizon set by the log cleaner. */
export const DELETE_HORIZON_BIT = 0x40;

export const MAGIC_V2 = 2;
/** Bytes up to and including magic: enough to tell a v2 batch from a legacy message. */
export const HEADER_SIZE_UP_TO_MAGIC = 17;
/** Kafka's RecordBatch.NO_TIMESTAMP. */
export const NO_TIMESTAMP = -1;
/** Kafka's RecordBatch.NO_PRODUCER_ID / NO_SEQUENCE / NO_PARTITION_LEADER_EPOCH. */
export const NO_PRODUCER_ID = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

/** Reads an int64 that is known to fit a double (offsets, timestamps). */
export function readInt64(buf: Buffer, pos: number): number {
  const high = buf.readInt32BE(pos);
  const low = buf.readUInt32BE(pos + 4);
  return high * 0x1_0000_0000 + low;
}

/** Writes a double holding an integer as int64. */
export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  const low = value - high * 0x1_0000_0000;
  buf.writeInt32BE(high, pos);
  buf.writeUInt32BE(low, pos + 4);
}

export function batchBaseOffset(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + BASE_OFFSET);
}

/** Total size of the batch starting at pos, including the 12-byte log overhead. */
export function batchSize(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + BATCH_LENGTH) + LOG_OVERHEAD;
}

export function batchLastOffsetDelta(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + LAST_OFFSET_DELTA);
}

export function batchLastOffset(buf: Buffer, pos: number): number {
  return batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos);
}

export function batchMaxTimestamp(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + MAX_TIMESTAMP);
}

export function batchMagic(buf: Buffer, pos: number): number {
  return buf.readInt8(pos + MAGIC);
}

export function batchAttributes(buf: Buffer, pos: number): number {
  return buf.readInt16BE(pos + ATTRIBUTES);
}

export function setBatchBaseOffset(buf: Buffer, pos: number, offset: number): void {
  writeInt64(buf, pos + BASE_OFFSET, offset);
}

export function batchBaseTimestamp(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + BASE_TIMESTAMP);
}

export function batchRecordsCount(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + RECORDS_COUNT);
}

export function batchProducerId(buf: Buffer, pos: number): number {
  return readInt64(buf, pos + PRODUCER_ID);
}

export function batchProducerEpoch(buf: Buffer, pos: number): number {
  return buf.readInt16BE(pos + PRODUCER_EPOCH);
}

export function batchBaseSequence(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + BASE_SEQUENCE);
}

export function batchPartitionLeaderEpoch(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos + PARTITION_LEADER_EPOCH);
}

/** Not covered by the CRC (it starts at attributes), so no checksum update is needed. */
export function setBatchPartitionLeaderEpoch(buf: Buffer, pos: number, epoch: number): void {
  buf.writeInt32BE(epoch, pos + PARTITION_LEADER_EPOCH);
}
