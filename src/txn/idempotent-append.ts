/**
 * The Produce side of idempotence and transactions: a batch with a producer id is checked
 * against the partition's producer state and, if new, appended and recorded in the same tick,
 * so concurrent requests see each other's sequences in log order. A duplicate (a retry of a
 * batch among the producer's last 5) is not appended: it is answered with the original offset
 * once that append has finished.
 */
import type { Partition } from '../broker/partition.js';
import type { BatchInfo } from '../records/validate.js';
import type { PartitionStates } from './partition-states.js';

export type GuardedAppend =
  | { kind: 'appended'; baseOffset: number }
  | { kind: 'duplicate'; baseOffset: number }
  | { kind: 'error'; errorCode: number; message: string };

/**
 * `verify` (for transactional batches) runs after the sequence checks, in the same tick as the
 * append; a non-zero error code refuses the batch.
 */
export async function appendWithProducerState(states: PartitionStates, partition: Partition, records: Buffer, infos: BatchInfo[], verify?: (batch: BatchInfo) => number): Promise<GuardedAppend> {
  // Produce v3+ carries exactly one batch per partition (the validator enforces it).
  const batch = infos[0];
  if (!batch || batch.producerId < 0 || infos.length !== 1) {
    const result = await partition.append(records, infos);
    return { kind: 'appended', baseOffset: result.baseOffset };
  }
  const txnState = states.for(partition);
  const state = txnState.now ?? (await txnState.ready());
  // Synchronous from here to the append.
  const check = state.check(batch);
  if (check.kind === 'error') return check;
  if (check.kind === 'duplicate') {
    await check.written;
    return { kind: 'duplicate', baseOffset: check.firstOffset };
  }
  const verified = verify?.(batch) ?? 0;
  if (verified !== 0) return { kind: 'error', errorCode: verified, message: `Producer ${batch.producerId} is not in a transaction that includes ${partition.topic}-${partition.index}` };
  const baseOffset = partition.logEndOffset;
  const written = partition.append(records, infos);
  state.appended(batch, baseOffset, written);
  txnState.noteWrite(written);
  await written;
  return { kind: 'appended', baseOffset };
}
