/**
 * One follower fetcher per source broker (Kafka's ReplicaFetcherThread): fetches every partition
 * this broker follows on that leader in one Fetch with replica id = the local broker id, appends
 * what comes back keeping the leader's offsets, and takes the leader's high watermark (capped at
 * the local log end). A partition joins in the 'truncating' state: before its first fetch it asks
 * the leader for the end of its latest epoch (OffsetForLeaderEpoch) and cuts its log there.
 *
 * The fetcher is the only writer of a followed partition's log, and it does one thing at a time,
 * so truncation never races an append. A partition removed (or re-added in a new epoch) while a
 * request is out has its answer ignored.
 */
import type { Partition } from '../../broker/partition.js';
import { ErrorCode } from '../../protocol/errors.js';
import { batchLastOffsetDelta, batchMaxTimestamp, batchSize } from '../../records/batch-header.js';
import type { AppendInfo } from '../../storage/types.js';
import type { Logger } from '../../log/logger.js';
import { sleep, type Scheduler, type TimerHandle } from './scheduler.js';
import type { ReplicationSettings } from './settings.js';
import type { ReplicaFetchResult, ReplicaTransport } from './transport.js';
import { truncationFor } from './truncation.js';
import type { ByteRateLimiter } from './throttle.js';

interface Followed {
  replica: Partition;
  leaderEpoch: number;
  state: 'truncating' | 'fetching';
  /** Not fetched before this time (after an error for this partition). */
  delayedUntilMs: number;
  /** Answers in a row saying the source does not lead this epoch yet (see delay). */
  notLeaderYet: number;
  /** A replica being added by a reassignment: its fetches count against the follower throttle. */
  throttled: boolean;
}

/** First retry after the source answered that it does not lead yet; doubles up to replica.fetch.backoff.ms. */
const NOT_LEADER_YET_RETRY_MS = 25;

/** Answers from a source that has not caught up with the partition state we follow it by. */
const LEADER_NOT_READY_YET = new Set<number>([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.UNKNOWN_TOPIC_ID,
]);

/** Bound on OffsetForLeaderEpoch rounds for one partition (one per epoch it has). */
const MAX_TRUNCATION_ROUNDS = 64;

export class ReplicaFetcher {
  private readonly partitions = new Map<string, Followed>();
  private stopped = false;
  private running: Promise<void> | null = null;
  private idleWake: (() => void) | null = null;
  private idleTimer: TimerHandle | null = null;

  constructor(
    readonly sourceId: number,
    private readonly localId: number,
    private readonly transport: ReplicaTransport,
    private readonly scheduler: Scheduler,
    private readonly settings: ReplicationSettings,
    private readonly logger: Logger | null,
    /** Told after the log of a followed partition was truncated (producer state goes stale). */
    private readonly onTruncated: (replica: Partition, offset: number) => Promise<void>,
    /** `follower.replication.throttled.rate`, shared by every fetcher of this broker; null: unlimited. */
    private readonly throttle: ByteRateLimiter | null = null,
  ) {}

  get size(): number {
    return this.partitions.size;
  }

  /** Starts following `replica` from this source in `leaderEpoch` (truncating first). */
  add(key: string, replica: Partition, leaderEpoch: number, throttled = false): void {
    this.partitions.set(key, { replica, leaderEpoch, state: 'truncating', delayedUntilMs: 0, notLeaderYet: 0, throttled });
    this.ensureRunning();
    this.wake();
  }

  private ensureRunning(): void {
    if (this.running || this.stopped) return;
    this.running = this.run().finally(() => {
      this.running = null;
      if (this.partitions.size > 0) this.ensureRunning();
    });
  }

  /** The partition started or stopped being a replica added by a reassignment. */
  setThrottled(key: string, throttled: boolean): void {
    const f = this.partitions.get(key);
    if (f) f.throttled = throttled;
  }

  remove(key: string): void {
    this.partitions.delete(key);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.running;
  }

  private wake(): void {
    const w = this.idleWake;
    this.idleWake = null;
    if (this.idleTimer) this.scheduler.clearTimeout(this.idleTimer);
    this.idleTimer = null;
    w?.();
  }

  /** Waits until `ms` passes or a partition is added / the fetcher stops. */
  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.idleWake = resolve;
      this.idleTimer = this.scheduler.setTimeout(() => this.wake(), ms);
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped && this.partitions.size > 0) {
      try {
        const truncated = await this.truncatePending();
        const fetched = await this.fetchOnce();
        if (!truncated && !fetched) await this.idle(this.idleMs());
      } catch (err) {
        this.logger?.warn({ source: this.sourceId, err: String(err) }, 'replica fetch failed; backing off');
        await sleep(this.scheduler, this.settings.replicaFetchBackoffMs);
      }
    }
  }

  /** Until the first delayed partition is due again, at most replica.fetch.backoff.ms. */
  private idleMs(): number {
    let untilMs = this.scheduler.now() + this.settings.replicaFetchBackoffMs;
    for (const f of this.partitions.values()) untilMs = Math.min(untilMs, f.delayedUntilMs);
    return Math.max(1, untilMs - this.scheduler.now());
  }

  /**
   * The pause after an error answer. NOT_LEADER_OR_FOLLOWER, UNKNOWN_LEADER_EPOCH and an unknown
   * partition mean the source has not applied the partition state naming it leader in this epoch
   * (or the new topic) yet: its etcd watch runs behind ours. Those are retried soon, doubling, so a
   * new leader's first followers do not wait a full replica.fetch.backoff.ms. Anything else waits
   * the full backoff for a newer partition state.
   */
  private delay(f: Followed, errorCode: number): void {
    let delayMs = this.settings.replicaFetchBackoffMs;
    if (LEADER_NOT_READY_YET.has(errorCode)) {
      delayMs = Math.min(delayMs, NOT_LEADER_YET_RETRY_MS * 2 ** Math.min(f.notLeaderYet, 10));
      f.notLeaderYet++;
    }
    f.delayedUntilMs = this.scheduler.now() + delayMs;
  }

  /** OffsetForLeaderEpoch for partitions that just started following; returns whether any was done. */
  private async truncatePending(): Promise<boolean> {
    const pending = [...this.partitions].filter(([, f]) => f.state === 'truncating' && f.delayedUntilMs <= this.scheduler.now());
    if (pending.length === 0) return false;
    for (const [key, f] of pending) {
      for (let round = 0; round < MAX_TRUNCATION_ROUNDS; round++) {
        const log = f.replica.log;
        if (log.latestEpoch < 0) {
          // Nothing this log wrote has an epoch: keep what the HW says is committed.
          await this.cut(f, Math.min(f.replica.highWatermark, log.logEndOffset));
          break;
        }
        const [answer] = await this.transport.offsetsForLeaderEpoch(this.sourceId, this.localId, [
          { topic: f.replica.topic, partition: f.replica.index, currentLeaderEpoch: f.leaderEpoch, leaderEpoch: log.latestEpoch },
        ]);
        if (this.partitions.get(key) !== f) break;
        if (!answer || answer.errorCode !== ErrorCode.NONE) {
          this.delay(f, answer?.errorCode ?? ErrorCode.UNKNOWN_SERVER_ERROR);
          break;
        }
        f.notLeaderYet = 0;
        const step = truncationFor(answer, log.logEndOffset, f.replica.highWatermark, (e) => log.endOffsetForEpoch(e));
        await this.cut(f, step.offset);
        if (step.done) break;
      }
      if (this.partitions.get(key) === f && f.delayedUntilMs <= this.scheduler.now()) f.state = 'fetching';
    }
    return true;
  }

  private async cut(f: Followed, offset: number): Promise<void> {
    if (offset >= f.replica.logEndOffset) return;
    await f.replica.log.truncateTo(offset);
    await this.onTruncated(f.replica, f.replica.logEndOffset);
    f.replica.logChanged();
  }

  /** One Fetch for every partition ready to fetch; returns whether one was sent. */
  private async fetchOnce(): Promise<boolean> {
    const now = this.scheduler.now();
    const ready = [...this.partitions].filter(([, f]) => f.state === 'fetching' && f.delayedUntilMs <= now);
    // Throttled partitions wait while the follower throttle is spent; the rest share what is left.
    const allowance = this.throttle?.available(now) ?? Infinity;
    const batch = ready.filter(([, f]) => {
      if (!f.throttled || allowance > 0) return true;
      f.delayedUntilMs = now + this.throttle!.waitMs(now);
      return false;
    });
    if (batch.length === 0) return false;
    const s = this.settings;
    const results = await this.transport.fetch(this.sourceId, {
      replicaId: this.localId,
      maxWaitMs: s.replicaFetchWaitMaxMs,
      minBytes: s.replicaFetchMinBytes,
      maxBytes: s.replicaFetchResponseMaxBytes,
      partitions: batch.map(([, f]) => ({
        topic: f.replica.topic,
        partition: f.replica.index,
        fetchOffset: f.replica.logEndOffset,
        currentLeaderEpoch: f.leaderEpoch,
        logStartOffset: f.replica.logStartOffset,
        maxBytes: f.throttled ? Math.min(s.replicaFetchMaxBytes, allowance) : s.replicaFetchMaxBytes,
      })),
    });
    const byKey = new Map(batch);
    for (const result of results) {
      const key = `${result.topic} ${result.partition}`;
      const f = byKey.get(key);
      if (!f || this.partitions.get(key) !== f) continue;
      if (f.throttled && this.throttle) this.throttle.consume(result.records.reduce((n, b) => n + b.length, 0), this.scheduler.now());
      await this.apply(f, result);
    }
    return true;
  }

  private async apply(f: Followed, result: ReplicaFetchResult): Promise<void> {
    const replica = f.replica;
    if (result.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
      // Our log end is past the leader's (it lost an unreplicated tail): find the cut again.
      f.state = 'truncating';
      return;
    }
    if (result.errorCode !== ErrorCode.NONE) {
      // NOT_LEADER_OR_FOLLOWER / UNKNOWN_LEADER_EPOCH: the leader is behind (soon again); FENCED: we are.
      this.delay(f, result.errorCode);
      return;
    }
    f.notLeaderYet = 0;
    for (const chunk of result.records) {
      if (chunk.length === 0) continue;
      await replica.log.appendAsFollower(chunk, infosOf(chunk));
    }
    if (result.records.length > 0) replica.logChanged();
    replica.setHighWatermark(Math.min(result.highWatermark, replica.logEndOffset));
  }
}

function infosOf(buf: Buffer): AppendInfo[] {
  const infos: AppendInfo[] = [];
  for (let pos = 0; pos < buf.length; pos += batchSize(buf, pos)) {
    infos.push({ recordCount: batchLastOffsetDelta(buf, pos) + 1, maxTimestampMs: batchMaxTimestamp(buf, pos) });
  }
  return infos;
}
