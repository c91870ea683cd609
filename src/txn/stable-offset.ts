/**
 * The read side of transactions for Fetch and ListOffsets: a partition's last stable offset
 * (below it every transaction is decided) and the aborted transactions a read_committed
 * consumer must skip.
 */
import { BATCH_HEADER_SIZE, batchLastOffset, batchSize } from '../records/batch-header.js';
import type { Partition } from '../broker/partition.js';
import type { PartitionStates } from './partition-states.js';
import type { ProducerStateManager } from './producer-state.js';

export interface AbortedTransaction {
  producerId: number;
  firstOffset: number;
}

/**
 * The partition's producer state. read_committed waits for it to load (after a restart the open
 * transactions must be known before anything is served); read_uncommitted does not trigger a load
 * (a replay of the log tail) and, until a producer or a read_committed reader has loaded it, is
 * told the high watermark as the LSO.
 */
export async function producerStateFor(states: PartitionStates, partition: Partition, readCommitted: boolean): Promise<ProducerStateManager | null> {
  const txnState = states.for(partition);
  if (txnState.now) return txnState.now;
  return readCommitted ? txnState.ready() : null;
}

export function lastStableOffset(state: ProducerStateManager | null, partition: Partition): number {
  return state ? state.lastStableOffset(partition.highWatermark) : partition.highWatermark;
}

/**
 * Aborted transactions overlapping [fetchOffset, upperOffset), in Fetch response form, from the
 * log's aborted transaction index (the .txnindex files).
 */
export async function abortedTransactions(partition: Partition, fetchOffset: number, upperOffset: number): Promise<AbortedTransaction[]> {
  const aborted = await partition.log.abortedTxns(fetchOffset, upperOffset);
  return aborted.map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
}

/**
 * The offset after the last batch of a read: the end of the fetched range, which bounds the
 * aborted list (walks the headers of the last chunk only; read_committed fetches only).
 */
export function endOfChunks(chunks: readonly Buffer[], fallback: number): number {
  const last = chunks.at(-1);
  let end = fallback;
  if (!last) return end;
  for (let pos = 0; pos + BATCH_HEADER_SIZE <= last.length; pos += batchSize(last, pos)) end = batchLastOffset(last, pos) + 1;
  return end;
}
