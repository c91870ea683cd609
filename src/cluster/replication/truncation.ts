/**
 * Where a new follower cuts its log, from the leader's OffsetForLeaderEpoch answer (Kafka's
 * AbstractFetcherThread.getOffsetTruncationState). The follower asks for the end offset of its
 * latest epoch; the leader answers with the largest epoch it has at or below that one and where
 * that epoch ended in its log.
 */
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET, type EpochEndOffset } from '../../storage/leader-epoch-cache.js';

export interface TruncationStep {
  offset: number;
  /** False: cut to `offset`, then ask again with the local epoch now at the end (Kafka repeats too). */
  done: boolean;
}

/**
 * `leader`: the leader's answer for the follower's latest epoch. `localEndOffsetFor`: the
 * follower's own endOffsetForEpoch. `highWatermark`: the follower's HW (the fallback when the
 * leader knows no epochs, as before KIP-101).
 */
export function truncationFor(
  leader: EpochEndOffset,
  localLogEndOffset: number,
  highWatermark: number,
  localEndOffsetFor: (epoch: number) => EpochEndOffset,
): TruncationStep {
  if (leader.endOffset === UNDEFINED_EPOCH_OFFSET) return { offset: Math.min(highWatermark, localLogEndOffset), done: true };
  if (leader.leaderEpoch === UNDEFINED_EPOCH) return { offset: Math.min(leader.endOffset, localLogEndOffset), done: true };
  const local = localEndOffsetFor(leader.leaderEpoch);
  if (local.endOffset === UNDEFINED_EPOCH_OFFSET || local.leaderEpoch === leader.leaderEpoch) {
    return { offset: Math.min(leader.endOffset, localLogEndOffset), done: true };
  }
  // The follower never had the leader's epoch: cut to the end of its own earlier epoch, ask again.
  return { offset: Math.min(leader.endOffset, local.endOffset, localLogEndOffset), done: false };
}
