/**
 * The broker's view of one partition: its log plus what the log does not know about, the high
 * watermark and the fetches waiting for new data.
 *
 * On a single node the high watermark is the end of what the log has written to the OS: a record
 * becomes visible to consumers only once its append has resolved, so nothing a consumer saw can
 * vanish in a crash. In cluster mode (`replicated`) the high watermark belongs to replication
 * (src/cluster/replication): it moves only through setHighWatermark, appends stamp the leader
 * epoch, and waiting fetches are also woken by appends (replica fetches read up to the log end).
 */
import type { AppendInfo, AppendResult, PartitionLog } from '../storage/types.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export type Wakeup = () => void;

export class Partition {
  private highWatermarkOffset: number;
  private readonly waiters = new Set<Wakeup>();

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
  ) {
    this.highWatermarkOffset = log.logEndOffset;
  }

  get highWatermark(): number {
    return this.highWatermarkOffset;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  /** Cluster mode: replication owns the high watermark (set by the ReplicaManager). */
  replicated = false;
  /** The leader epoch appends are stamped with while this broker leads the partition (cluster mode). */
  leaderEpoch: number | undefined = undefined;
  /** Told after each append resolves while leading (cluster mode): the HW may move. */
  onLeaderAppend: (() => void) | null = null;
  /** Set by the broker: drops derived state (producer state) after the log was truncated or changed hands. */
  onLogReset: ((validBelowOffset: number) => Promise<void>) | null = null;

  /** Replication moves the high watermark (never backwards) and wakes waiting fetches. */
  setHighWatermark(offset: number): void {
    if (offset <= this.highWatermarkOffset) return;
    this.highWatermarkOffset = offset;
    this.wakeWaiters();
  }

  /** Where producer state is rebuilt up to: everything in the log once replicated (a new leader's HW may lag). */
  get producerStateEndOffset(): number {
    return this.replicated ? this.log.logEndOffset : this.highWatermarkOffset;
  }

  async append(records: Buffer, infos: AppendInfo[]): Promise<AppendResult> {
    if (this.replicated) return this.appendAsLeader(records, infos);
    const result = await this.log.append(records, infos);
    if (result.lastOffset + 1 > this.highWatermarkOffset) {
      this.highWatermarkOffset = result.lastOffset + 1;
      this.wakeWaiters();
    }
    return result;
  }

  private async appendAsLeader(records: Buffer, infos: AppendInfo[]): Promise<AppendResult> {
    // Internal writers (group and transaction coordinators, markers) must never extend a
    // follower's log: it would diverge from its leader's. The ReplicaManager sets both while leading.
    if (this.leaderEpoch === undefined && this.onLeaderAppend === null) throw new KafkaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `This broker does not lead ${this.topic}-${this.index}`);
    const result = await this.log.append(records, infos, this.leaderEpoch);
    this.wakeWaiters();
    this.onLeaderAppend?.();
    return result;
  }

  /**
   * Wakes waiting fetches after a follower append or truncation (cluster mode). A HW past the log
   * end after a truncation (it started at the log end when the broker restarted) comes back to it.
   */
  logChanged(): void {
    if (this.highWatermarkOffset > this.log.logEndOffset) this.highWatermarkOffset = this.log.logEndOffset;
    this.wakeWaiters();
  }

  /** Registers a one-shot callback for the next high watermark advance (log end too in cluster mode). */
  onNewData(wakeup: Wakeup): void {
    this.waiters.add(wakeup);
  }

  cancelWait(wakeup: Wakeup): void {
    this.waiters.delete(wakeup);
  }

  private wakeWaiters(): void {
    if (this.waiters.size === 0) return;
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wakeup of woken) wakeup();
  }
}
