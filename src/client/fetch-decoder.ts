/**
 * Fetched partition bytes -> the records a consumer hands out, cheaply: v2 batch headers are read
 * in place, CRCs checked, and each record is walked only as far as its offset and timestamp
 * (record-view.ts decodes the rest on access). Control batches and, under read_committed, batches
 * of aborted transactions are skipped (aborted-filter.ts); records before the fetch offset (the
 * start of a batch the fetch landed inside) are dropped. Legacy v0/v1 entries, rare in practice,
 * go through the full decoder.
 */
import {
  ATTRIBUTES,
  BASE_TIMESTAMP,
  BATCH_HEADER_SIZE,
  COMPRESSION_MASK,
  CONTROL_BIT,
  HEADER_SIZE_UP_TO_MAGIC,
  LAST_OFFSET_DELTA,
  LOG_OVERHEAD,
  MAGIC,
  MAGIC_V2,
  MAX_TIMESTAMP,
  PRODUCER_ID,
  RECORDS,
  RECORDS_COUNT,
  TIMESTAMP_TYPE_BIT,
  TRANSACTIONAL_BIT,
  readInt64,
} from '../records/batch-header.js';
import { isBatchCrcValid } from '../records/batch-crc.js';
import { CompressionType, decompress } from '../records/compression.js';
import { decodeLegacyEntry, legacyEntrySize } from '../records/legacy-message-set.js';
import { decodeBatches } from '../records/record-batch.js';
import { RecordFormatError } from '../records/record-format-error.js';
import { abortedBatchFilter, type AbortedTransaction, type FilterBatch } from './aborted-filter.js';
import type { ConsumerRecord } from './messages.js';
import { cursorPos, readVarintAt, readVarlongAt, RecordView } from './record-view.js';

/** What the skip filter reads of a data batch; one object reused for every batch of a fetch. */
interface BatchFacts extends FilterBatch {
  lastOffset: number;
  isControl: boolean;
  transactional: boolean;
  producerId: number;
}

export function decodeFetched(
  topic: string,
  partition: number,
  fetchOffset: number,
  bytes: Buffer,
  aborted: readonly AbortedTransaction[] | null | undefined,
): ConsumerRecord[] {
  const out: ConsumerRecord[] = [];
  const skip = abortedBatchFilter(aborted);
  const facts: BatchFacts = { lastOffset: 0, isControl: false, transactional: false, producerId: -1, records: [] };
  for (let pos = 0; bytes.length - pos >= HEADER_SIZE_UP_TO_MAGIC; ) {
    const magic = bytes[pos + MAGIC];
    const size = magic === MAGIC_V2 ? LOG_OVERHEAD + bytes.readInt32BE(pos + 8) : -1;
    if (magic !== MAGIC_V2) {
      if (magic !== 0 && magic !== 1) throw new RecordFormatError(`unknown record magic ${magic}`, true);
      // Legacy entries (rare): the full decoder, one entry at a time.
      const legacySize = legacyEntrySize(bytes, pos);
      if (legacySize < 0) break;
      const legacy = decodeLegacyEntry(bytes, pos, legacySize);
      if (!skip(legacy)) for (const r of legacy.records) if (r.offset >= fetchOffset) out.push({ topic, partition, offset: r.offset, timestamp: r.timestampMs, key: r.key, value: r.value, headers: r.headers });
      pos += legacySize;
      continue;
    }
    if (size < BATCH_HEADER_SIZE) throw new RecordFormatError(`record batch size ${size} is smaller than its header`, true);
    if (pos + size > bytes.length) break; // a fetch may end inside a batch
    const attributes = bytes.readInt16BE(pos + ATTRIBUTES);
    const baseOffset = readInt64(bytes, pos);
    facts.lastOffset = baseOffset + bytes.readInt32BE(pos + LAST_OFFSET_DELTA);
    facts.isControl = (attributes & CONTROL_BIT) !== 0;
    facts.transactional = (attributes & TRANSACTIONAL_BIT) !== 0;
    facts.producerId = readInt64(bytes, pos + PRODUCER_ID);
    // The filter sees every batch in order (it tracks markers), even those before fetchOffset.
    const skipped = (facts.isControl ? skip(decodeBatches(bytes.subarray(pos, pos + size))[0]!) : skip(facts)) || facts.lastOffset < fetchOffset;
    if (!skipped) {
      if (!isBatchCrcValid(bytes, pos, size)) throw new RecordFormatError(`record batch at offset ${baseOffset} fails its CRC32C check`, true);
      readRecords(out, topic, partition, fetchOffset, bytes, pos, size, attributes, baseOffset);
    }
    pos += size;
  }
  return out;
}

function readRecords(out: ConsumerRecord[], topic: string, partition: number, fetchOffset: number, bytes: Buffer, pos: number, size: number, attributes: number, baseOffset: number): void {
  const count = bytes.readInt32BE(pos + RECORDS_COUNT);
  if (count < 0) throw new RecordFormatError(`record batch declares ${count} records`);
  const baseTimestampMs = readInt64(bytes, pos + BASE_TIMESTAMP);
  // Under LogAppendTime every record reports the batch's max timestamp, as Kafka's readers do.
  const logAppendTime = (attributes & TIMESTAMP_TYPE_BIT) !== 0;
  const maxTimestampMs = readInt64(bytes, pos + MAX_TIMESTAMP);
  const compression = attributes & COMPRESSION_MASK;
  const payload = bytes.subarray(pos + RECORDS, pos + size);
  const data = compression === CompressionType.None ? payload : decompress(compression, payload);
  let p = 0;
  const end = data.length;
  for (let i = 0; i < count; i++) {
    const bodyBytes = readVarintAt(data, p, end);
    const bodyStart = cursorPos();
    const bodyEnd = bodyStart + bodyBytes;
    if (bodyBytes < 0 || bodyEnd > end) throw new RecordFormatError(`record ${i} has an invalid size ${bodyBytes}`);
    // bodyStart + 1: the attributes byte, unused.
    const timestampDelta = readVarlongAt(data, bodyStart + 1, bodyEnd);
    const offsetDelta = readVarintAt(data, cursorPos(), bodyEnd);
    const offset = baseOffset + offsetDelta;
    if (offset >= fetchOffset) {
      out.push(new RecordView(topic, partition, offset, logAppendTime ? maxTimestampMs : baseTimestampMs + timestampDelta, data, cursorPos(), bodyEnd));
    }
    p = bodyEnd;
  }
  if (p !== end) throw new RecordFormatError(`${end - p} bytes follow the batch's ${count} records`);
}
