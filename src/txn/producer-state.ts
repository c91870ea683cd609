/**
 * Producer state of one partition (Kafka's ProducerStateManager): for each producer id its epoch,
 * the last 5 batches it appended (sequence range and offsets), and its open transaction; plus the
 * partition's open transactions (which bound the last stable offset). The aborted transactions
 * read_committed consumers must skip are indexed by the log itself (PartitionLog.addAbortedTxn,
 * Kafka's .txnindex): markerAppended returns the entry to index.
 *
 * Everything here is synchronous. The Produce handler calls check() and then appended() in the
 * same tick as Partition.append, so state follows the log's call order even with many requests
 * in flight. Offsets come from the log end at call time (the log assigns offsets in call order).
 *
 * Sequence rules (Kafka 3.x ProducerAppendInfo.checkSequence / checkProducerEpoch):
 *   epoch < current epoch                   -> INVALID_PRODUCER_EPOCH
 *   same epoch, batch seen in the last 5     -> duplicate: answered with the original offset
 *   new epoch, baseSequence != 0             -> OUT_OF_ORDER_SEQUENCE_NUMBER (unless no epoch known)
 *   same epoch, baseSequence != last + 1     -> OUT_OF_ORDER_SEQUENCE_NUMBER
 *   unknown producer id                      -> accepted with any sequence (KIP-360: Kafka 2.5+
 *                                              no longer answers UNKNOWN_PRODUCER_ID here)
 *   non-transactional batch during a txn     -> INVALID_TXN_STATE
 */
import { ErrorCode } from '../protocol/errors.js';

/** Kafka's ProducerStateEntry.NUM_BATCHES_TO_RETAIN. */
export const BATCHES_TO_RETAIN = 5;
const INT32_MAX = 0x7fffffff;

export interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  timestampMs: number;
  /** Resolves when the batch's append has finished (duplicates wait for it before answering). */
  written: Promise<unknown> | null;
}

export interface ProducerEntry {
  producerId: number;
  producerEpoch: number;
  /** Oldest first, at most BATCHES_TO_RETAIN. */
  batches: BatchMetadata[];
  /** First offset of the producer's open transaction in this partition, or -1. */
  currentTxnFirstOffset: number;
  coordinatorEpoch: number;
  lastTimestampMs: number;
}

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  /** The LSO when the abort marker was written (Kafka's AbortedTxn.lastStableOffset). */
  lastStableOffset: number;
}

/** What the header of a produced batch says (validate.ts BatchInfo has these fields). */
export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  recordCount: number;
  transactional: boolean;
  maxTimestampMs: number;
}

export type CheckResult =
  | { kind: 'append' }
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number; written: Promise<unknown> | null }
  | { kind: 'error'; errorCode: number; message: string };

const APPEND: CheckResult = { kind: 'append' };

export class ProducerStateManager {
  readonly producers = new Map<number, ProducerEntry>();
  /** Open transactions: first offset by producer id (insertion order = offset order). */
  private readonly ongoing = new Map<number, number>();

  /** Decides what to do with a client batch. Does not change state. */
  check(batch: ProducerBatch): CheckResult {
    const entry = this.producers.get(batch.producerId);
    if (!entry) return APPEND;
    if (batch.producerEpoch < entry.producerEpoch) {
      return error(ErrorCode.INVALID_PRODUCER_EPOCH, `Epoch ${batch.producerEpoch} of producer ${batch.producerId} is older than the current epoch ${entry.producerEpoch}`);
    }
    if (batch.producerEpoch === entry.producerEpoch) {
      const dup = entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === batch.lastSequence);
      if (dup) return { kind: 'duplicate', firstOffset: dup.firstOffset, lastOffset: dup.lastOffset, written: dup.written };
      // An entry with no batches (made by a marker) knows the epoch: the producer starts at 0.
      const lastSeq = entry.batches.at(-1)?.lastSeq ?? -1;
      if (!inSequence(lastSeq, batch.baseSequence)) {
        return error(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Out of order sequence number for producer ${batch.producerId}: ${batch.baseSequence} (incoming seq. number), ${lastSeq} (current end sequence number)`);
      }
    } else if (batch.baseSequence !== 0) {
      return error(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, `Invalid sequence number for new epoch of producer ${batch.producerId}: ${batch.producerEpoch} (request epoch), ${batch.baseSequence} (seq. number), ${entry.producerEpoch} (current producer epoch)`);
    }
    if (!batch.transactional && entry.currentTxnFirstOffset >= 0) {
      return error(ErrorCode.INVALID_TXN_STATE, `Expected transactional write from producer ${batch.producerId} at offset with an open transaction`);
    }
    return APPEND;
  }

  /** Records a client batch the log accepted at [firstOffset, firstOffset + recordCount). */
  appended(batch: ProducerBatch, firstOffset: number, written: Promise<unknown> | null): void {
    const entry = this.entryFor(batch.producerId, batch.producerEpoch);
    const lastOffset = firstOffset + batch.recordCount - 1;
    if (batch.producerEpoch !== entry.producerEpoch) {
      entry.producerEpoch = batch.producerEpoch;
      entry.batches = [];
    }
    entry.batches.push({ firstSeq: batch.baseSequence, lastSeq: batch.lastSequence, firstOffset, lastOffset, timestampMs: batch.maxTimestampMs, written });
    if (entry.batches.length > BATCHES_TO_RETAIN) entry.batches.shift();
    entry.lastTimestampMs = batch.maxTimestampMs;
    if (batch.transactional && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = firstOffset;
      this.ongoing.set(batch.producerId, firstOffset);
    }
  }

  /**
   * Records a transaction marker written at `offset`. Returns the aborted transaction it closed,
   * if any, with Kafka's lastStableOffset: the first offset of another open transaction, else the
   * offset after the marker.
   */
  markerAppended(producerId: number, producerEpoch: number, commit: boolean, coordinatorEpoch: number, offset: number, timestampMs: number): AbortedTxn | null {
    const entry = this.entryFor(producerId, producerEpoch);
    if (producerEpoch > entry.producerEpoch) {
      entry.producerEpoch = producerEpoch;
      entry.batches = [];
    }
    entry.coordinatorEpoch = coordinatorEpoch;
    entry.lastTimestampMs = timestampMs;
    const firstOffset = entry.currentTxnFirstOffset;
    entry.currentTxnFirstOffset = -1;
    this.ongoing.delete(producerId);
    if (commit || firstOffset < 0) return null;
    return { producerId, firstOffset, lastOffset: offset, lastStableOffset: this.firstUnstableOffset() ?? offset + 1 };
  }

  /** Whether a marker from this epoch is acceptable (Kafka fences markers with an older epoch). */
  markerEpochValid(producerId: number, producerEpoch: number): boolean {
    const entry = this.producers.get(producerId);
    return !entry || producerEpoch >= entry.producerEpoch;
  }

  /** First offset of the oldest open transaction, or null. */
  firstUnstableOffset(): number | null {
    let min: number | null = null;
    for (const offset of this.ongoing.values()) if (min === null || offset < min) min = offset;
    return min;
  }

  /** Last stable offset given the high watermark. */
  lastStableOffset(highWatermark: number): number {
    const first = this.firstUnstableOffset();
    return first === null ? highWatermark : Math.min(first, highWatermark);
  }

  get ongoingCount(): number {
    return this.ongoing.size;
  }

  /** Forgets producers idle for longer than `expirationMs` with no open transaction. */
  expireProducers(nowMs: number, expirationMs: number): void {
    for (const [id, entry] of this.producers) {
      if (entry.currentTxnFirstOffset < 0 && nowMs - entry.lastTimestampMs >= expirationMs) this.producers.delete(id);
    }
  }

  restoreEntry(entry: ProducerEntry): void {
    this.producers.set(entry.producerId, entry);
    if (entry.currentTxnFirstOffset >= 0) this.ongoing.set(entry.producerId, entry.currentTxnFirstOffset);
  }

  private entryFor(producerId: number, producerEpoch: number): ProducerEntry {
    let entry = this.producers.get(producerId);
    if (!entry) {
      entry = { producerId, producerEpoch, batches: [], currentTxnFirstOffset: -1, coordinatorEpoch: -1, lastTimestampMs: -1 };
      this.producers.set(producerId, entry);
    }
    return entry;
  }
}

/** Kafka's inSequence: next is last + 1, wrapping from Integer.MAX_VALUE to 0. */
export function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function error(errorCode: number, message: string): CheckResult {
  return { kind: 'error', errorCode, message };
}
