/**
 * The producer state snapshot of one partition, a state file beside the log
 * (PartitionLog.writeStateFile), in the role of Kafka's `<offset>.snapshot` files:
 *
 *   {"version":2,"offset":<log end offset the state covers>,
 *    "producers":[[producerId, epoch, txnFirstOffset, coordinatorEpoch, lastTimestampMs,
 *                  [[firstSeq, lastSeq, firstOffset, lastOffset, timestampMs], ...]], ...]}
 *
 * Aborted transactions are not here: they are in the segments' .txnindex files (the log's
 * addAbortedTxn). Version 1 also held an "aborted" list; it is read and that list ignored.
 * A snapshot that does not parse, or covers more than the log now holds (a crash cut the
 * unflushed tail), is ignored and the state is rebuilt from the log.
 */
import { ProducerStateManager, type ProducerEntry } from './producer-state.js';

export const SNAPSHOT_FILE = 'producer-state.snapshot';
const VERSION = 2;
/** Version 1 had the aborted list this version leaves to the .txnindex files. */
const OLD_VERSION = 1;

type BatchTuple = [number, number, number, number, number];
type ProducerTuple = [number, number, number, number, number, BatchTuple[]];

interface SnapshotJson {
  version: number;
  offset: number;
  producers: ProducerTuple[];
}

export function encodeSnapshot(state: ProducerStateManager, offset: number): Buffer {
  const producers: ProducerTuple[] = [];
  for (const e of state.producers.values()) {
    const batches = e.batches.map((b): BatchTuple => [b.firstSeq, b.lastSeq, b.firstOffset, b.lastOffset, b.timestampMs]);
    producers.push([e.producerId, e.producerEpoch, e.currentTxnFirstOffset, e.coordinatorEpoch, e.lastTimestampMs, batches]);
  }
  const json: SnapshotJson = { version: VERSION, offset, producers };
  return Buffer.from(JSON.stringify(json));
}

/** The state and the offset it covers, or null if the bytes are not a snapshot this code wrote. */
export function decodeSnapshot(bytes: Buffer): { state: ProducerStateManager; offset: number } | null {
  let json: SnapshotJson;
  try {
    json = JSON.parse(bytes.toString('utf8')) as SnapshotJson;
  } catch {
    return null;
  }
  if ((json?.version !== VERSION && json?.version !== OLD_VERSION) || !Number.isInteger(json.offset) || !Array.isArray(json.producers)) return null;
  const state = new ProducerStateManager();
  for (const [producerId, producerEpoch, currentTxnFirstOffset, coordinatorEpoch, lastTimestampMs, batches] of json.producers) {
    const entry: ProducerEntry = {
      producerId,
      producerEpoch,
      currentTxnFirstOffset,
      coordinatorEpoch,
      lastTimestampMs,
      batches: batches.map(([firstSeq, lastSeq, firstOffset, lastOffset, timestampMs]) => ({ firstSeq, lastSeq, firstOffset, lastOffset, timestampMs, written: null })),
    };
    state.restoreEntry(entry);
  }
  return { state, offset: json.offset };
}
