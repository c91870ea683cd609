/** The one check both stores make on append() arguments before touching any state. */
import { LOG_OVERHEAD, batchSize } from '../records/batch-header.js';
import type { AppendInfo } from './types.js';

/**
 * Records in an append, or -1 if `infos` does not describe exactly the batches in `batches` (one
 * info per batch, each with at least one record). Walks batch headers only.
 */
export function countRecords(batches: Buffer, infos: AppendInfo[]): number {
  let records = 0;
  let pos = 0;
  for (const info of infos) {
    if (pos + LOG_OVERHEAD > batches.length || !(info.recordCount >= 1)) return -1;
    pos += batchSize(batches, pos);
    records += info.recordCount;
  }
  return pos === batches.length ? records : -1;
}
