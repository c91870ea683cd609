/**
 * The leader's side of one partition (Kafka's Partition as leader): each follower's log end
 * offset and last caught-up time from its fetches, the high watermark (min log end over the ISR,
 * never backwards), ISR shrink/expand proposals through the IsrWriter, and acks=all waits.
 *
 * Follower progress follows Kafka's Replica.updateFetchState: a fetch at or past the leader's
 * log end makes the follower caught up now; a fetch at or past the leader's log end of the
 * follower's previous fetch makes it caught up as of that previous fetch.
 */
import type { Partition } from '../../broker/partition.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { IsrWriter, PartitionState } from '../contract.js';
import type { Scheduler, TimerHandle } from './scheduler.js';

interface FollowerProgress {
  /** -1 until its first fetch in this leader epoch. */
  logEndOffset: number;
  lastCaughtUpMs: number;
  lastFetchMs: number;
  lastFetchLeaderLogEndOffset: number;
}

interface AckWaiter {
  requiredOffset: number;
  minInsyncReplicas: number;
  resolve: (errorCode: number) => void;
  timer: TimerHandle;
}

export class LeaderPartition {
  private readonly followers = new Map<number, FollowerProgress>();
  private pendingIsr: number[] | null = null;
  private readonly ackWaiters = new Set<AckWaiter>();
  private resigned = false;
  /** Offset where this leader epoch started (a follower below it cannot join the ISR). */
  readonly epochStartOffset: number;

  constructor(
    public state: PartitionState,
    readonly replica: Partition,
    private readonly localId: number,
    private readonly scheduler: Scheduler,
    private readonly isrWriter: IsrWriter,
    private readonly lagTimeMaxMs: number,
    private readonly onStateAdopted: (state: PartitionState) => void = () => undefined,
  ) {
    this.epochStartOffset = replica.logEndOffset;
    const now = scheduler.now();
    for (const id of state.replicas) {
      if (id === localId) continue;
      // Kafka resets followers on a leader change; ISR members count as caught up from now.
      this.followers.set(id, { logEndOffset: -1, lastCaughtUpMs: state.isr.includes(id) ? now : 0, lastFetchMs: 0, lastFetchLeaderLogEndOffset: -1 });
    }
    this.maybeAdvanceHighWatermark();
  }

  get leaderEpoch(): number {
    return this.state.leaderEpoch;
  }

  get isr(): readonly number[] {
    return this.state.isr;
  }

  /** A follower fetched at `fetchOffset`: its progress, maybe ISR expansion, maybe a new HW. */
  onFollowerFetch(replicaId: number, fetchOffset: number): void {
    const progress = this.followers.get(replicaId);
    if (!progress || this.resigned) return;
    const now = this.scheduler.now();
    const leaderEnd = this.replica.logEndOffset;
    if (fetchOffset >= leaderEnd) progress.lastCaughtUpMs = Math.max(progress.lastCaughtUpMs, now);
    else if (fetchOffset >= progress.lastFetchLeaderLogEndOffset && progress.lastFetchLeaderLogEndOffset >= 0) {
      progress.lastCaughtUpMs = Math.max(progress.lastCaughtUpMs, progress.lastFetchMs);
    }
    progress.lastFetchLeaderLogEndOffset = leaderEnd;
    progress.lastFetchMs = now;
    progress.logEndOffset = fetchOffset;
    this.maybeExpandIsr(replicaId, progress);
    this.maybeAdvanceHighWatermark();
  }

  /** The leader appended: with a one-replica ISR the HW follows at once. */
  onLocalAppend(): void {
    this.maybeAdvanceHighWatermark();
  }

  /** Periodic check (every lagTimeMaxMs / 2): followers lagging too long leave the ISR. */
  maybeShrinkIsr(): void {
    if (this.resigned || this.pendingIsr) return;
    const now = this.scheduler.now();
    const lagging = this.state.isr.filter((id) => {
      if (id === this.localId) return false;
      const p = this.followers.get(id);
      return !p || now - p.lastCaughtUpMs > this.lagTimeMaxMs;
    });
    if (lagging.length === 0) return;
    this.proposeIsr(this.state.isr.filter((id) => !lagging.includes(id)));
  }

  /**
   * acks=all: resolves with NONE once the HW passes `requiredOffset` and the ISR still has
   * `minInsyncReplicas` members, NOT_ENOUGH_REPLICAS_AFTER_APPEND if it no longer does,
   * REQUEST_TIMED_OUT after `timeoutMs`, NOT_LEADER_OR_FOLLOWER if leadership moves meanwhile.
   */
  waitForAcks(requiredOffset: number, minInsyncReplicas: number, timeoutMs: number): Promise<number> {
    if (this.resigned) return Promise.resolve(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const done = this.ackOutcome(requiredOffset, minInsyncReplicas);
    if (done !== null) return Promise.resolve(done);
    return new Promise((resolve) => {
      const waiter: AckWaiter = {
        requiredOffset,
        minInsyncReplicas,
        resolve,
        timer: this.scheduler.setTimeout(() => {
          this.ackWaiters.delete(waiter);
          resolve(ErrorCode.REQUEST_TIMED_OUT);
        }, timeoutMs),
      };
      this.ackWaiters.add(waiter);
    });
  }

  /** Adopts a newer state of the same leader epoch (an ISR change written by anyone). */
  adopt(state: PartitionState): void {
    if (state.leaderEpoch !== this.state.leaderEpoch || state.partitionEpoch < this.state.partitionEpoch) return;
    this.state = state;
    const now = this.scheduler.now();
    // Replicas reassigned away are no longer tracked; new ones start as out of sync followers.
    for (const id of this.followers.keys()) if (!state.replicas.includes(id)) this.followers.delete(id);
    for (const id of state.replicas) {
      if (id !== this.localId && !this.followers.has(id)) {
        this.followers.set(id, { logEndOffset: -1, lastCaughtUpMs: now, lastFetchMs: 0, lastFetchLeaderLogEndOffset: -1 });
      }
    }
    this.maybeAdvanceHighWatermark();
    this.completeAckWaiters();
  }

  /** Leadership moved away: waiting acks=all produces fail with NOT_LEADER_OR_FOLLOWER. */
  resign(): void {
    this.resigned = true;
    for (const w of this.ackWaiters) {
      this.scheduler.clearTimeout(w.timer);
      w.resolve(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    }
    this.ackWaiters.clear();
  }

  get isResigned(): boolean {
    return this.resigned;
  }

  private maybeExpandIsr(replicaId: number, progress: FollowerProgress): void {
    if (this.pendingIsr || this.state.isr.includes(replicaId)) return;
    // Kafka's isFollowerInSync: caught up to the HW and into this leader epoch.
    if (progress.logEndOffset >= this.replica.highWatermark && progress.logEndOffset >= this.epochStartOffset) {
      this.proposeIsr([...this.state.isr, replicaId].sort((a, b) => a - b));
    }
  }

  private proposeIsr(isr: number[]): void {
    this.pendingIsr = isr;
    const proposedFrom = this.state;
    this.isrWriter.alterIsr(proposedFrom, isr).then(
      (next) => {
        this.pendingIsr = null;
        if (this.resigned) return;
        this.onStateAdopted(next);
        this.adopt(next);
      },
      () => {
        // Not written (etcd unreachable): the next fetch or check proposes again.
        this.pendingIsr = null;
      },
    );
  }

  /** HW = min log end over the ISR (and a pending expansion, as Kafka's maximal ISR), never backwards. */
  private maybeAdvanceHighWatermark(): void {
    if (this.resigned) return;
    let hw = this.replica.logEndOffset;
    const members = this.pendingIsr ? new Set([...this.state.isr, ...this.pendingIsr]) : this.state.isr;
    for (const id of members) {
      if (id === this.localId) continue;
      const p = this.followers.get(id);
      hw = Math.min(hw, p ? p.logEndOffset : -1);
    }
    if (hw > this.replica.highWatermark) {
      this.replica.setHighWatermark(hw);
      this.completeAckWaiters();
    }
  }

  private ackOutcome(requiredOffset: number, minInsyncReplicas: number): number | null {
    if (this.replica.highWatermark < requiredOffset) return null;
    return this.state.isr.length >= minInsyncReplicas ? ErrorCode.NONE : ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND;
  }

  private completeAckWaiters(): void {
    for (const w of this.ackWaiters) {
      const outcome = this.ackOutcome(w.requiredOffset, w.minInsyncReplicas);
      if (outcome === null) continue;
      this.ackWaiters.delete(w);
      this.scheduler.clearTimeout(w.timer);
      w.resolve(outcome);
    }
  }
}
