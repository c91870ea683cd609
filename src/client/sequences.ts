/**
 * Per-partition sequence numbers of an idempotent producer (Java's TxnPartitionEntry). A batch gets
 * its base sequence when first sent and keeps it through retries, so the broker can drop a resent
 * batch it already has. Order rules, as in Kafka's client:
 * - at most `maxInFlight` batches of a partition are unacknowledged at once;
 * - once any of them must be resent, the partition goes one batch at a time: only the oldest
 *   unacknowledged batch may go, and only when nothing of the partition is on the wire, so the
 *   broker sees the sequences in order again; new batches wait until the resends are done.
 */

export interface SequencedBatch {
  /** -1 until first sent. */
  baseSequence: number;
  readonly records: { length: number };
  /** Sent and not yet answered. */
  onWire: boolean;
}

const MAX_SEQUENCE = 0x7fffffff;

/** Kafka's sequences wrap from Int32.MAX to 0. */
export function addSequence(base: number, delta: number): number {
  return base > MAX_SEQUENCE - delta ? delta - (MAX_SEQUENCE - base) - 1 : base + delta;
}

export class PartitionSequences<B extends SequencedBatch> {
  nextSequence = 0;
  /** Sent at least once, not yet acknowledged or failed, in sequence order. */
  readonly unacked: B[] = [];

  /** Gives a never-sent batch the partition's next sequence. */
  assign(batch: B): void {
    batch.baseSequence = this.nextSequence;
    this.nextSequence = addSequence(this.nextSequence, batch.records.length);
    this.unacked.push(batch);
  }

  /** The batch left the pipeline: acknowledged, or failed for good. */
  remove(batch: B): void {
    const i = this.unacked.indexOf(batch);
    if (i >= 0) this.unacked.splice(i, 1);
  }

  /** True when a sent batch waits to be resent: the partition then goes one batch at a time. */
  get resending(): boolean {
    for (const b of this.unacked) if (!b.onWire) return true;
    return false;
  }

  get onWire(): number {
    let n = 0;
    for (const b of this.unacked) if (b.onWire) n++;
    return n;
  }

  canSendNew(maxInFlight: number): boolean {
    return this.unacked.length < maxInFlight && !this.resending;
  }

  /** A resend goes only as the oldest unacknowledged batch with nothing else of the partition on the wire. */
  canResend(batch: B): boolean {
    return this.unacked[0] === batch && this.onWire === 0;
  }

  /**
   * Whether the broker's OUT_OF_ORDER_SEQUENCE_NUMBER for this batch means data is really missing
   * (it is the oldest batch we are waiting for) rather than fallout from an earlier batch's failure.
   */
  isOldest(batch: B): boolean {
    return this.unacked[0] === batch;
  }

  /** After an epoch bump: sequences restart at 0, the batches still owed renumbered in their order. */
  restart(): B[] {
    this.nextSequence = 0;
    const owed = this.unacked.splice(0);
    for (const b of owed) this.assign(b);
    return owed;
  }
}

/** Sequence state of every partition the producer wrote to, keyed by `topic\0partition`. */
export class SequenceBook<B extends SequencedBatch> {
  private readonly partitions = new Map<string, PartitionSequences<B>>();

  of(key: string): PartitionSequences<B> {
    let p = this.partitions.get(key);
    if (!p) this.partitions.set(key, (p = new PartitionSequences<B>()));
    return p;
  }

  /** Any batch of any partition on the wire (an epoch bump waits for none). */
  get anyOnWire(): boolean {
    for (const p of this.partitions.values()) if (p.onWire > 0) return true;
    return false;
  }

  /** Epoch bump: every partition restarts at 0; returns the renumbered batches (their bytes must be re-encoded). */
  restartAll(): B[] {
    const owed: B[] = [];
    for (const [k, p] of this.partitions) {
      owed.push(...p.restart());
      if (p.unacked.length === 0) this.partitions.delete(k);
    }
    return owed;
  }
}
