/**
 * Counts records in a run of record batches by reading batch headers only (no decoding), for
 * the messages in/out counters. v2 batches carry their record count at a fixed offset; older
 * message sets (magic 0/1) count one record per entry, which is what Kafka counts too.
 */
const LENGTH_OFFSET = 8;
const MAGIC_OFFSET = 16;
const RECORDS_COUNT_OFFSET = 57;
const LOG_OVERHEAD = 12;
const V2_HEADER_BYTES = 61;

/** Records in `batches`; a truncated trailing batch (allowed in Fetch responses) is not counted. */
export function countRecords(batches: Buffer): number {
  let count = 0;
  let pos = 0;
  while (pos + LOG_OVERHEAD <= batches.length) {
    const size = LOG_OVERHEAD + batches.readInt32BE(pos + LENGTH_OFFSET);
    if (size <= LOG_OVERHEAD || pos + size > batches.length) break;
    const magic = batches[pos + MAGIC_OFFSET];
    if (magic === 2 && size >= V2_HEADER_BYTES) count += batches.readInt32BE(pos + RECORDS_COUNT_OFFSET);
    else count += 1;
    pos += size;
  }
  return count;
}

/** Records in a buffer or in a list of buffers each holding whole batches. */
export function countRecordsIn(records: Buffer | readonly Buffer[] | null | undefined): number {
  if (!records) return 0;
  if (Buffer.isBuffer(records)) return countRecords(records);
  let count = 0;
  for (const chunk of records) count += countRecords(chunk);
  return count;
}
