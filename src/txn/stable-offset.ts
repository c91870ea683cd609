/**
 * The read side of transactions for Fetch and ListOffsets: a partition's last stable offset
 * (below it every transaction is decided) and the aborted transactions a read_committed
 * consumer must skip.
 */
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

/** Aborted transactions overlapping [fetchOffset, upperOffset), in Fetch response form. */
export function abortedTransactions(state: ProducerStateManager | null, fetchOffset: number, upperOffset: number): AbortedTransaction[] {
  if (!state) return [];
  return state.abortedBetween(fetchOffset, upperOffset).map((t) => ({ producerId: t.producerId, firstOffset: t.firstOffset }));
}
