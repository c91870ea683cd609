/**
 * A partition's leader epoch history (Kafka's LeaderEpochFileCache): for each leader epoch that
 * wrote to the log, the first offset it wrote. Followers use it (through OffsetForLeaderEpoch on
 * the leader) to find where their log diverged from the leader's after a leader change.
 *
 * Entries are strictly increasing in both epoch and start offset. The file store persists them
 * as `leader-epoch-checkpoint` (format in file/leader-epoch-checkpoint.ts); the memory store keeps
 * them with the partition's data. Pure and synchronous: the owner decides when to persist.
 */

/** Kafka's UNDEFINED_EPOCH and UNDEFINED_EPOCH_OFFSET. */
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

export interface EpochEndOffset {
  leaderEpoch: number;
  endOffset: number;
}

export class LeaderEpochCache {
  private entries: EpochEntry[];

  constructor(entries: EpochEntry[] = []) {
    this.entries = entries.map((e) => ({ ...e }));
  }

  /** A copy of the entries, oldest first. */
  list(): EpochEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /** The newest epoch that wrote, or UNDEFINED_EPOCH. */
  get latestEpoch(): number {
    return this.entries.length === 0 ? UNDEFINED_EPOCH : this.entries[this.entries.length - 1]!.epoch;
  }

  /**
   * Records that `epoch` starts at `startOffset` (Kafka's assign). A repeat of the latest epoch
   * at a later offset changes nothing; entries it contradicts (an epoch at or above it, or a
   * start offset at or above its start) are dropped first. Returns whether anything changed.
   */
  assign(epoch: number, startOffset: number): boolean {
    if (epoch < 0 || startOffset < 0) return false;
    const last = this.entries[this.entries.length - 1];
    if (last && last.epoch === epoch && last.startOffset <= startOffset) return false;
    while (this.entries.length > 0) {
      const tail = this.entries[this.entries.length - 1]!;
      if (tail.epoch < epoch && tail.startOffset < startOffset) break;
      this.entries.pop();
    }
    this.entries.push({ epoch, startOffset });
    return true;
  }

  /** The log was truncated to `endOffset`: epochs starting there or later never wrote. */
  truncateFromEnd(endOffset: number): boolean {
    const before = this.entries.length;
    while (this.entries.length > 0 && this.entries[this.entries.length - 1]!.startOffset >= endOffset) this.entries.pop();
    return this.entries.length !== before;
  }

  /**
   * The log start moved to `startOffset`: entries wholly below it go, and the last one starting
   * below it now starts there (Kafka's truncateFromStart).
   */
  truncateFromStart(startOffset: number): boolean {
    let firstKept = 0;
    while (firstKept + 1 < this.entries.length && this.entries[firstKept + 1]!.startOffset <= startOffset) firstKept++;
    const first = this.entries[firstKept];
    if (!first || (firstKept === 0 && first.startOffset >= startOffset)) return false;
    this.entries = this.entries.slice(firstKept);
    if (first.startOffset < startOffset) first.startOffset = startOffset;
    return true;
  }

  /**
   * Kafka's endOffsetFor (OffsetForLeaderEpoch): the largest epoch <= `requestedEpoch` this log
   * has, and the offset where the next epoch after `requestedEpoch` started (the log end when
   * `requestedEpoch` is the latest). An unknown or future epoch gets UNDEFINED for both.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEndOffset {
    if (requestedEpoch === UNDEFINED_EPOCH || this.entries.length === 0) {
      return { leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    }
    if (requestedEpoch === this.latestEpoch) return { leaderEpoch: requestedEpoch, endOffset: logEndOffset };
    const higher = this.entries.findIndex((e) => e.epoch > requestedEpoch);
    if (higher < 0) return { leaderEpoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
    const endOffset = this.entries[higher]!.startOffset;
    // No entry at or below the requested epoch: Kafka answers the requested epoch itself.
    return { leaderEpoch: higher === 0 ? requestedEpoch : this.entries[higher - 1]!.epoch, endOffset };
  }
}
