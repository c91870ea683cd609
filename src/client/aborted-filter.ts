/**
 * read_committed: which batches of a fetched partition belong to aborted transactions. The broker
 * reads only up to the last stable offset and lists the aborted transactions (producer id, first
 * offset) overlapping the data; as in Kafka's consumer, a producer's batches are skipped from its
 * aborted transaction's first offset until that producer's ABORT marker.
 */
import { ControlRecordType, decodeControlRecord } from '../records/control-record.js';
import type { DecodedBatch } from '../records/record-types.js';

/** What the filter reads of a batch (records only of control batches, for the marker type). */
export type FilterBatch = Pick<DecodedBatch, 'lastOffset' | 'isControl' | 'transactional' | 'producerId' | 'records'>;

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

/** Returns a predicate telling, batch by batch in offset order, whether to skip it. */
export function abortedBatchFilter(aborted: readonly AbortedTransaction[] | null | undefined): (batch: FilterBatch) => boolean {
  if (!aborted || aborted.length === 0) return (batch) => batch.isControl;
  const pending = [...aborted].sort((a, b) => a.firstOffset - b.firstOffset);
  const active = new Set<number>();
  let next = 0;
  return (batch) => {
    while (next < pending.length && pending[next]!.firstOffset <= batch.lastOffset) active.add(pending[next++]!.producerId);
    if (batch.isControl) {
      const marker = batch.records[0];
      if (marker && batch.transactional) {
        const type = decodeControlRecord(marker).type;
        if (type === ControlRecordType.Abort) active.delete(batch.producerId);
      }
      return true;
    }
    return batch.transactional && active.has(batch.producerId);
  };
}
