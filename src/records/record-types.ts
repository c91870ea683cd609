/** Shapes shared by the record codecs (record-batch.ts, legacy-message-set.ts, control-record.ts). */

/** Kafka's TimestampType names (ids 0 and 1; the bit is attribute bit 3 in v1 and v2). */
export type TimestampTypeName = 'CreateTime' | 'LogAppendTime';

export interface RecordHeader {
  key: string;
  value: Buffer | null;
}

export interface DecodedRecord {
  /** Absolute offset. */
  offset: number;
  /** Under LogAppendTime this is the batch's maxTimestamp, as Kafka's readers report it. */
  timestampMs: number;
  /** Views into the input (uncompressed) or the decompressed payload: not copies. */
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

/**
 * One v2 record batch, or one legacy (magic 0/1) shallow message: an uncompressed legacy message
 * is a batch of one record, a compressed wrapper message a batch of its inner messages.
 * Legacy batches have no producer fields or leader epoch: those read as -1.
 */
export interface DecodedBatch {
  magic: number;
  baseOffset: number;
  lastOffset: number;
  lastOffsetDelta: number;
  partitionLeaderEpoch: number;
  /** The stored checksum (CRC32C for v2, the wrapper message's CRC32 for legacy). */
  crc: number;
  /** Raw attributes (int16 for v2, int8 for legacy). */
  attributes: number;
  compression: number;
  timestampType: TimestampTypeName;
  transactional: boolean;
  isControl: boolean;
  /** KIP-534: set by the log cleaner; baseTimestampMs then holds it too. */
  deleteHorizonMs: number | null;
  baseTimestampMs: number;
  maxTimestampMs: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  /** Bytes this batch takes in the input, including the 12-byte offset + length prefix. */
  sizeBytes: number;
  records: DecodedRecord[];
}

export interface DecodeOptions {
  /** Check CRC32C (v2) / CRC32 (legacy), like a consumer with check.crcs=true. Default true. */
  verifyCrc?: boolean;
  /** Cap on one batch's decompressed records (see compression.ts). */
  maxDecompressedBytes?: number;
}
