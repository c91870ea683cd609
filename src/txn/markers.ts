/**
 * Writes transaction markers (Kafka's WriteTxnMarkers, done in-process on a single node): one
 * control batch holding a COMMIT or ABORT record, appended to a partition through its producer
 * state, which closes the producer's transaction there (the LSO moves, an abort goes to the log's
 * aborted transaction index).
 */
import { encodeBatch } from '../records/record-batch.js';
import { ControlRecordType, encodeTransactionMarker } from '../records/control-record.js';
import type { Partition } from '../broker/partition.js';
import type { PartitionStates } from './partition-states.js';
import type { TxnProducer } from '../group/group-log.js';

export interface Marker {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
}

/** Resolves once the marker is written; false if the partition holds a newer epoch (stale marker). */
export async function writeMarker(states: PartitionStates, partition: Partition, marker: Marker, nowMs: number): Promise<boolean> {
  const txnState = states.for(partition);
  const state = await txnState.ready();
  // From here to the append everything is synchronous: state follows the log's call order.
  if (!state.markerEpochValid(marker.producerId, marker.producerEpoch)) return false;
  const record = encodeTransactionMarker(marker.commit ? ControlRecordType.Commit : ControlRecordType.Abort, marker.coordinatorEpoch);
  const batch = encodeBatch({
    records: [{ key: record.key, value: record.value, timestampMs: nowMs }],
    producerId: marker.producerId,
    producerEpoch: marker.producerEpoch,
    baseSequence: -1,
    transactional: true,
    isControl: true,
  });
  const offset = partition.logEndOffset;
  const written = partition.append(batch, [{ recordCount: 1, maxTimestampMs: nowMs }]);
  const aborted = state.markerAppended(marker.producerId, marker.producerEpoch, marker.commit, marker.coordinatorEpoch, offset, nowMs);
  // Same tick as the append: the .txnindex entry is written in the marker's write round.
  if (aborted) partition.log.addAbortedTxn(aborted);
  txnState.noteWrite(written);
  await written;
  return true;
}

/**
 * Appends a coordinator-written transactional batch (the group coordinator's TxnOffsetCommit
 * records: producer id and epoch, no sequence, as Kafka's coordinator appends them) and records it
 * in the partition's producer state, so the transaction is open there until its marker.
 */
export async function appendCoordinatorBatch(
  states: PartitionStates,
  partition: Partition,
  batch: Buffer,
  recordCount: number,
  txn: TxnProducer,
  timestampMs: number,
): Promise<void> {
  const txnState = states.for(partition);
  const state = await txnState.ready();
  // Synchronous from here to the append, as for markers.
  const offset = partition.logEndOffset;
  const written = partition.append(batch, [{ recordCount, maxTimestampMs: timestampMs }]);
  state.appended(
    { producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: -1, lastSequence: -1, recordCount, transactional: true, maxTimestampMs: timestampMs },
    offset,
    written,
  );
  txnState.noteWrite(written);
  await written;
}
