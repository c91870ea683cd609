/**
 * The offset after the last whole batch in fetched bytes, read from batch headers only (no
 * decoding), so the consumer can send its next Fetch before it decodes this one. Works for v2
 * batches (baseOffset + lastOffsetDelta) and legacy entries (whose offset is their last offset).
 * Returns -1 when the bytes hold no whole batch.
 */
import { BATCH_LENGTH, LAST_OFFSET_DELTA, LOG_OVERHEAD, MAGIC, MAGIC_V2, readInt64 } from '../records/batch-header.js';

export function nextOffsetAfter(bytes: Buffer): number {
  let next = -1;
  for (let pos = 0; pos + LOG_OVERHEAD <= bytes.length; ) {
    const size = LOG_OVERHEAD + bytes.readInt32BE(pos + BATCH_LENGTH);
    if (pos + size > bytes.length || pos + LAST_OFFSET_DELTA + 4 > bytes.length) break;
    const base = readInt64(bytes, pos);
    next = (bytes[pos + MAGIC] === MAGIC_V2 ? base + bytes.readInt32BE(pos + LAST_OFFSET_DELTA) : base) + 1;
    pos += size;
  }
  return next;
}
