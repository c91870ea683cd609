/**
 * Rebuilds a partition's producer state after a restart or a kill -9, as Kafka's
 * ProducerStateManager does: take the snapshot, then replay the log from the snapshot's offset
 * to the high watermark. Replay looks at batch headers only (control batches are uncompressed
 * and their one record's key says commit or abort), never at client records.
 *
 * Replayed ABORT markers are handed to the log's aborted transaction index (addAbortedTxn ignores
 * those it has), which repairs an index a crash left one entry short. When a segment's .txnindex
 * was missing, a first pass replays the whole log into a scratch state just to rebuild it.
 */
import {
  ATTRIBUTES,
  CONTROL_BIT,
  TRANSACTIONAL_BIT,
  batchBaseOffset,
  batchBaseSequence,
  batchLastOffsetDelta,
  batchMagic,
  batchMaxTimestamp,
  batchProducerEpoch,
  batchProducerId,
  batchSize,
  MAGIC_V2,
} from '../records/batch-header.js';
import { decodeBatches } from '../records/record-batch.js';
import { ControlRecordType, decodeControlRecord } from '../records/control-record.js';
import type { PartitionLog } from '../storage/types.js';
import { ProducerStateManager } from './producer-state.js';
import { decodeSnapshot, SNAPSHOT_FILE } from './producer-snapshot.js';

const REPLAY_READ_BYTES = 1024 * 1024;

export interface LoadedProducerState {
  state: ProducerStateManager;
  /** Where replay started (the snapshot offset, or the log start). */
  replayedFromOffset: number;
  batchesReplayed: number;
}

/** `upToOffset` is exclusive (the high watermark); the caller makes sure no producer appends meanwhile. */
export async function loadProducerState(log: PartitionLog, upToOffset: () => number): Promise<LoadedProducerState> {
  if (log.txnIndexMissingFrom !== null) {
    await replay(log, new ProducerStateManager(), log.logStartOffset, upToOffset);
    await log.txnIndexRebuilt();
  }
  let state = new ProducerStateManager();
  let from = log.logStartOffset;
  const bytes = log.readStateFile ? await log.readStateFile(SNAPSHOT_FILE).catch(() => null) : null;
  const snapshot = bytes ? decodeSnapshot(bytes) : null;
  if (snapshot && snapshot.offset <= log.logEndOffset) {
    state = snapshot.state;
    from = Math.max(snapshot.offset, log.logStartOffset);
  }
  const batchesReplayed = await replay(log, state, from, upToOffset);
  return { state, replayedFromOffset: from, batchesReplayed };
}

/** Replays batch headers from `from` to the high watermark into `state`; returns the batch count. */
async function replay(log: PartitionLog, state: ProducerStateManager, from: number, upToOffset: () => number): Promise<number> {
  let batchesReplayed = 0;
  while (from < upToOffset()) {
    const read = await log.read(from, { maxBytes: REPLAY_READ_BYTES, minOneBatch: true, maxOffset: upToOffset() });
    if (read.chunks.length === 0) break;
    for (const chunk of read.chunks) {
      for (let pos = 0; pos < chunk.length; pos += batchSize(chunk, pos)) {
        const next = replayBatch(log, state, chunk, pos, from);
        if (next > from) {
          from = next;
          batchesReplayed++;
        }
      }
    }
  }
  return batchesReplayed;
}

/** Applies one stored batch; returns the offset after it. */
function replayBatch(log: PartitionLog, state: ProducerStateManager, buf: Buffer, pos: number, from: number): number {
  const baseOffset = batchBaseOffset(buf, pos);
  const lastOffset = baseOffset + batchLastOffsetDelta(buf, pos);
  if (lastOffset < from) return from;
  if (batchMagic(buf, pos) !== MAGIC_V2) return lastOffset + 1;
  const producerId = batchProducerId(buf, pos);
  if (producerId < 0) return lastOffset + 1;
  const attributes = buf.readInt16BE(pos + ATTRIBUTES);
  const producerEpoch = batchProducerEpoch(buf, pos);
  const timestampMs = batchMaxTimestamp(buf, pos);
  if (attributes & CONTROL_BIT) {
    const marker = controlMarker(buf.subarray(pos, pos + batchSize(buf, pos)));
    const aborted = marker && state.markerAppended(producerId, producerEpoch, marker.commit, marker.coordinatorEpoch, baseOffset, timestampMs);
    if (aborted) log.addAbortedTxn(aborted);
    return lastOffset + 1;
  }
  const baseSequence = batchBaseSequence(buf, pos);
  const delta = lastOffset - baseOffset;
  state.appended(
    {
      producerId,
      producerEpoch,
      baseSequence,
      lastSequence: lastSequenceOf(baseSequence, delta),
      recordCount: delta + 1,
      transactional: (attributes & TRANSACTIONAL_BIT) !== 0,
      maxTimestampMs: timestampMs,
    },
    baseOffset,
    null,
  );
  return lastOffset + 1;
}

function controlMarker(batch: Buffer): { commit: boolean; coordinatorEpoch: number } | null {
  const record = decodeBatches(batch, { verifyCrc: false })[0]?.records[0];
  if (!record) return null;
  const control = decodeControlRecord(record);
  if (control.type !== ControlRecordType.Commit && control.type !== ControlRecordType.Abort) return null;
  return { commit: control.type === ControlRecordType.Commit, coordinatorEpoch: control.coordinatorEpoch ?? -1 };
}

/** Kafka's DefaultRecordBatch.incrementSequence: sequences wrap to 0 after Int32.MAX_VALUE. */
function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  if (baseSequence < 0) return -1;
  const last = baseSequence + lastOffsetDelta;
  return last > 0x7fff_ffff ? last - 0x8000_0000 : last;
}
