/**
 * The ReplicaManager: this broker's side of replication, driven by coordination through
 * applyPartitionState (see ../contract.ts). For each partition with a local replica it is either
 * the leader (a LeaderPartition: follower progress, HW, ISR, acks=all) or a follower (the
 * partition is in the ReplicaFetcher of its leader's broker). It also serves the leader side of
 * the wire: replica Fetch requests (read to the log end, report follower progress) and
 * OffsetForLeaderEpoch from the epoch cache.
 *
 * Role changes of one partition run one at a time, in call order; a state already applied (same
 * leader epoch, partition epoch not newer) changes nothing.
 */
import type { Partition } from '../../broker/partition.js';
import type { Logger } from '../../log/logger.js';
import { ErrorCode } from '../../protocol/errors.js';
import { OffsetOutOfRangeError } from '../../storage/types.js';
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from '../../storage/leader-epoch-cache.js';
import type { IsrWriter, PartitionState, ReplicaRoleSink } from '../contract.js';
import { ReplicaFetcher } from './fetcher.js';
import { LeaderPartition } from './leader.js';
import { realScheduler, type Scheduler, type TimerHandle } from './scheduler.js';
import { defaultReplicationSettings, type ReplicationSettings } from './settings.js';
import { limiterFor, type ByteRateLimiter } from './throttle.js';
import type { EpochAnswer, EpochQuery, ReplicaFetchRequest, ReplicaFetchResult, ReplicaTransport } from './transport.js';

export interface ReplicaManagerOptions {
  localId: number;
  isrWriter: IsrWriter;
  transport: ReplicaTransport;
  /** The local replica of a partition named in etcd's state, opened (and created) if needed. */
  openReplica: (state: PartitionState) => Promise<Partition>;
  scheduler?: Scheduler;
  settings?: Partial<ReplicationSettings>;
  logger?: Logger;
  /**
   * The log under `replica` changed outside the produce path (truncated, or appended as a
   * follower before becoming leader): derived state such as producer state must be dropped.
   * Everything below `validBelowOffset` is unchanged. Default: `replica.onLogReset`.
   */
  onLogReset?: (replica: Partition, validBelowOffset: number) => Promise<void>;
}

interface LocalPartition {
  state: PartitionState;
  replica: Partition;
  leader: LeaderPartition | null;
  /** The fetcher's source broker while following, else -1. */
  followingFrom: number;
}

/** No check: the client does not know the leader epoch (Kafka's -1). */
const NO_EPOCH_CHECK = -1;

export class ReplicaManager implements ReplicaRoleSink {
  readonly localId: number;
  readonly settings: ReplicationSettings;
  private readonly scheduler: Scheduler;
  private readonly local = new Map<string, LocalPartition>();
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly chains = new Map<string, Promise<void>>();
  private isrTimer: TimerHandle | null = null;
  private closed = false;
  /** Reassignment catch-up limits (throttle.ts); null when unlimited. */
  private readonly leaderThrottle: ByteRateLimiter | null;
  private readonly followerThrottle: ByteRateLimiter | null;

  constructor(private readonly options: ReplicaManagerOptions) {
    this.localId = options.localId;
    this.scheduler = options.scheduler ?? realScheduler;
    this.settings = { ...defaultReplicationSettings, ...options.settings };
    this.leaderThrottle = limiterFor(this.settings.leaderThrottledRateBytesPerSec, this.scheduler.now());
    this.followerThrottle = limiterFor(this.settings.followerThrottledRateBytesPerSec, this.scheduler.now());
    this.armIsrCheck();
  }

  applyPartitionState(state: PartitionState): Promise<void> {
    const key = keyOf(state.topic, state.partition);
    const next = (this.chains.get(key) ?? Promise.resolve()).then(() => this.apply(key, state));
    const settled = next.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return next;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.isrTimer) this.scheduler.clearTimeout(this.isrTimer);
    for (const p of this.local.values()) p.leader?.resign();
    await Promise.all([...this.fetchers.values()].map((f) => f.stop()));
    this.fetchers.clear();
    await this.options.transport.close();
  }

  /** The applied state of a partition with a local replica. */
  stateOf(topic: string, partition: number): PartitionState | undefined {
    return this.local.get(keyOf(topic, partition))?.state;
  }

  leaderOf(topic: string, partition: number): LeaderPartition | null {
    return this.local.get(keyOf(topic, partition))?.leader ?? null;
  }

  /**
   * Produce checks before the append: NOT_LEADER_OR_FOLLOWER unless this broker leads the
   * partition; with acks=all, NOT_ENOUGH_REPLICAS while the ISR is below min.insync.replicas.
   */
  checkProduce(topic: string, partition: number, acks: number, minInsyncReplicas: number): number {
    const leader = this.leaderOf(topic, partition);
    if (!leader || leader.isResigned) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (acks === -1 && leader.isr.length < minInsyncReplicas) return ErrorCode.NOT_ENOUGH_REPLICAS;
    return ErrorCode.NONE;
  }

  /** acks=all after the append (see LeaderPartition.waitForAcks). */
  waitForAcks(topic: string, partition: number, requiredOffset: number, minInsyncReplicas: number, timeoutMs: number): Promise<number> {
    const leader = this.leaderOf(topic, partition);
    if (!leader) return Promise.resolve(ErrorCode.NOT_LEADER_OR_FOLLOWER);
    return leader.waitForAcks(requiredOffset, minInsyncReplicas, timeoutMs);
  }

  /**
   * Checks a request's currentLeaderEpoch (Fetch, OffsetForLeaderEpoch, ListOffsets) against this
   * leader: NOT_LEADER_OR_FOLLOWER if not leading, FENCED_LEADER_EPOCH if older, UNKNOWN_LEADER_EPOCH if newer.
   */
  checkLeaderEpoch(topic: string, partition: number, currentLeaderEpoch: number): number {
    const leader = this.leaderOf(topic, partition);
    if (!leader) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (currentLeaderEpoch === NO_EPOCH_CHECK) return ErrorCode.NONE;
    if (currentLeaderEpoch < leader.leaderEpoch) return ErrorCode.FENCED_LEADER_EPOCH;
    if (currentLeaderEpoch > leader.leaderEpoch) return ErrorCode.UNKNOWN_LEADER_EPOCH;
    return ErrorCode.NONE;
  }

  /** OffsetForLeaderEpoch on the leader, from its epoch cache. */
  offsetsForLeaderEpoch(queries: EpochQuery[]): EpochAnswer[] {
    return queries.map((q) => {
      const answer = (errorCode: number, leaderEpoch = UNDEFINED_EPOCH, endOffset = UNDEFINED_EPOCH_OFFSET): EpochAnswer => ({
        topic: q.topic, partition: q.partition, errorCode, leaderEpoch, endOffset,
      });
      const p = this.local.get(keyOf(q.topic, q.partition));
      if (!p) return answer(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
      const check = this.checkLeaderEpoch(q.topic, q.partition, q.currentLeaderEpoch);
      if (check !== ErrorCode.NONE) return answer(check);
      const end = p.replica.log.endOffsetForEpoch(q.leaderEpoch);
      return answer(ErrorCode.NONE, end.leaderEpoch, end.endOffset);
    });
  }

  /**
   * A follower's Fetch: per partition, epoch checks, its progress reported to the leader side
   * (which may move the HW), then whole batches up to the log end. With fewer than minBytes it
   * waits for an append up to maxWaitMs.
   */
  async serveFetch(request: ReplicaFetchRequest): Promise<ReplicaFetchResult[]> {
    const deadlineMs = this.scheduler.now() + Math.max(0, request.maxWaitMs);
    for (const p of request.partitions) {
      const leader = this.leaderOf(p.topic, p.partition);
      if (leader && this.checkLeaderEpoch(p.topic, p.partition, p.currentLeaderEpoch) === ErrorCode.NONE
        && p.fetchOffset <= leader.replica.logEndOffset) {
        leader.onFollowerFetch(request.replicaId, p.fetchOffset);
      }
    }
    for (;;) {
      const results = await Promise.all(request.partitions.map((p) => this.readForFollower(p, request.maxBytes, request.replicaId)));
      const bytes = results.reduce((n, r) => n + r.records.reduce((m, b) => m + b.length, 0), 0);
      const anyError = results.some((r) => r.errorCode !== ErrorCode.NONE);
      const waitMs = deadlineMs - this.scheduler.now();
      if (bytes >= request.minBytes || anyError || waitMs <= 0 || this.closed) return results;
      if (!(await this.waitForAppend(request, waitMs))) return results;
    }
  }

  private async readForFollower(p: ReplicaFetchRequest['partitions'][number], maxBytes: number, replicaId: number): Promise<ReplicaFetchResult> {
    const local = this.local.get(keyOf(p.topic, p.partition));
    const base = { topic: p.topic, partition: p.partition, records: [] as Buffer[] };
    if (!local) return { ...base, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1, logStartOffset: -1 };
    const replica = local.replica;
    const offsets = { highWatermark: replica.highWatermark, logStartOffset: replica.logStartOffset };
    const check = this.checkLeaderEpoch(p.topic, p.partition, p.currentLeaderEpoch);
    if (check !== ErrorCode.NONE) return { ...base, ...offsets, errorCode: check };
    if (p.fetchOffset > replica.logEndOffset || p.fetchOffset < replica.logStartOffset) {
      return { ...base, ...offsets, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
    }
    // A replica being added by a reassignment catches up within leader.replication.throttled.rate.
    const throttled = this.leaderThrottle !== null && (local.state.addingReplicas?.includes(replicaId) ?? false);
    const allowance = throttled ? this.leaderThrottle!.available(this.scheduler.now()) : Infinity;
    if (allowance <= 0) return { ...base, ...offsets, errorCode: ErrorCode.NONE };
    try {
      const read = await replica.log.read(p.fetchOffset, { maxBytes: Math.min(p.maxBytes, maxBytes, allowance), minOneBatch: true });
      if (throttled) this.leaderThrottle!.consume(read.chunks.reduce((n, b) => n + b.length, 0), this.scheduler.now());
      return { ...base, ...offsets, highWatermark: replica.highWatermark, errorCode: ErrorCode.NONE, records: read.chunks };
    } catch (err) {
      if (err instanceof OffsetOutOfRangeError) return { ...base, ...offsets, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE };
      this.options.logger?.error({ topic: p.topic, partition: p.partition, err: String(err) }, 'replica read failed');
      return { ...base, ...offsets, errorCode: ErrorCode.KAFKA_STORAGE_ERROR };
    }
  }

  /** Resolves true when any fetched partition gets an append, false after waitMs. */
  private waitForAppend(request: ReplicaFetchRequest, waitMs: number): Promise<boolean> {
    const replicas = request.partitions
      .map((p) => this.local.get(keyOf(p.topic, p.partition))?.replica)
      .filter((r): r is Partition => r !== undefined);
    const ends = replicas.map((r) => r.logEndOffset);
    if (replicas.some((r, i) => r.logEndOffset !== ends[i])) return Promise.resolve(true);
    return new Promise((resolve) => {
      const finish = (woken: boolean) => {
        this.scheduler.clearTimeout(timer);
        for (const r of replicas) r.cancelWait(wakeup);
        resolve(woken);
      };
      const wakeup = () => finish(true);
      const timer = this.scheduler.setTimeout(() => finish(false), waitMs);
      for (const r of replicas) r.onNewData(wakeup);
    });
  }

  private async apply(key: string, state: PartitionState): Promise<void> {
    if (this.closed) return;
    const current = this.local.get(key);
    if (!state.replicas.includes(this.localId)) {
      if (current) this.stopReplica(key, current);
      return;
    }
    if (current && current.state.leaderEpoch === state.leaderEpoch) {
      // Same leader epoch: at most an ISR change (or a replay of the same state).
      if (state.partitionEpoch > current.state.partitionEpoch) {
        current.state = state;
        current.leader?.adopt(state);
        if (current.followingFrom >= 0) this.fetchers.get(current.followingFrom)?.setThrottled(key, this.isAdding(state));
      }
      return;
    }
    if (current && state.leaderEpoch < current.state.leaderEpoch) return;
    const replica = current?.replica ?? (await this.options.openReplica(state));
    replica.replicated = true;
    const p: LocalPartition = current ?? { state, replica, leader: null, followingFrom: -1 };
    p.state = state;
    this.local.set(key, p);
    if (state.leader === this.localId) await this.becomeLeader(key, p);
    else this.becomeFollower(key, p);
  }

  private async becomeLeader(key: string, p: LocalPartition): Promise<void> {
    this.unfollow(key, p);
    p.leader?.resign();
    const replica = p.replica;
    replica.leaderEpoch = undefined;
    replica.onLeaderAppend = null;
    // Kafka's makeLeader: the new epoch starts at the log end; follower appends did not track producers.
    await replica.log.assignLeaderEpoch(p.state.leaderEpoch, replica.logEndOffset);
    await this.resetLog(replica, replica.logEndOffset);
    const leader = new LeaderPartition(p.state, replica, this.localId, this.scheduler, this.options.isrWriter,
      this.settings.replicaLagTimeMaxMs, (adopted) => {
        if (p.leader !== leader) return;
        // A stale proposal answered with a newer leader epoch: this broker was fenced; apply it.
        if (adopted.leaderEpoch !== p.state.leaderEpoch) void this.applyPartitionState(adopted).catch(() => undefined);
        else if (adopted.partitionEpoch > p.state.partitionEpoch) p.state = adopted;
      });
    p.leader = leader;
    replica.leaderEpoch = p.state.leaderEpoch;
    replica.onLeaderAppend = () => leader.onLocalAppend();
    replica.logChanged();
    this.options.logger?.info({ topic: replica.topic, partition: replica.index, leaderEpoch: p.state.leaderEpoch, isr: p.state.isr }, 'became leader');
  }

  private becomeFollower(key: string, p: LocalPartition): void {
    p.leader?.resign();
    p.leader = null;
    p.replica.leaderEpoch = undefined;
    p.replica.onLeaderAppend = null;
    this.unfollow(key, p);
    // Waiting fetches (consumers, followers of the old leader) answer NOT_LEADER_OR_FOLLOWER now.
    p.replica.logChanged();
    if (p.state.leader < 0) return;
    let fetcher = this.fetchers.get(p.state.leader);
    if (!fetcher) {
      fetcher = new ReplicaFetcher(p.state.leader, this.localId, this.options.transport, this.scheduler, this.settings,
        this.options.logger ?? null, (replica, offset) => this.resetLog(replica, offset), this.followerThrottle);
      this.fetchers.set(p.state.leader, fetcher);
    }
    fetcher.add(key, p.replica, p.state.leaderEpoch, this.isAdding(p.state));
    p.followingFrom = p.state.leader;
    this.options.logger?.info({ topic: p.replica.topic, partition: p.replica.index, leader: p.state.leader, leaderEpoch: p.state.leaderEpoch }, 'became follower');
  }

  private isAdding(state: PartitionState): boolean {
    return state.addingReplicas?.includes(this.localId) ?? false;
  }

  private stopReplica(key: string, p: LocalPartition): void {
    p.leader?.resign();
    p.leader = null;
    p.replica.leaderEpoch = undefined;
    p.replica.onLeaderAppend = null;
    this.unfollow(key, p);
    this.local.delete(key);
    p.replica.logChanged();
  }

  private unfollow(key: string, p: LocalPartition): void {
    if (p.followingFrom < 0) return;
    const fetcher = this.fetchers.get(p.followingFrom);
    p.followingFrom = -1;
    if (!fetcher) return;
    fetcher.remove(key);
    if (fetcher.size === 0) {
      this.fetchers.delete(fetcher.sourceId);
      void fetcher.stop();
    }
  }

  private resetLog(replica: Partition, validBelowOffset: number): Promise<void> {
    if (this.options.onLogReset) return this.options.onLogReset(replica, validBelowOffset);
    return replica.onLogReset?.(validBelowOffset) ?? Promise.resolve();
  }

  private armIsrCheck(): void {
    const periodMs = Math.max(1, Math.floor(this.settings.replicaLagTimeMaxMs / 2));
    this.isrTimer = this.scheduler.setTimeout(() => {
      if (this.closed) return;
      for (const p of this.local.values()) p.leader?.maybeShrinkIsr();
      this.armIsrCheck();
    }, periodMs);
  }
}

export function keyOf(topic: string, partition: number): string {
  return `${topic} ${partition}`;
}
