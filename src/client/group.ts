/**
 * Consumer group membership (the classic protocol, as Kafka defines it): FindCoordinator,
 * JoinGroup, SyncGroup (the leader runs the assignor), Heartbeat, LeaveGroup, plus the group's
 * offset APIs (OffsetCommit/OffsetFetch). The consumer drives it: ensureActive() before each poll,
 * and callbacks to revoke and assign partitions.
 */
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { decodeConsumerProtocolAssignment, encodeConsumerProtocolAssignment } from '../protocol/generated/data/consumer-protocol-assignment.js';
import { decodeConsumerProtocolSubscription, encodeConsumerProtocolSubscription } from '../protocol/generated/data/consumer-protocol-subscription.js';
import { Api } from './apis.js';
import { withholdTransfers, type Assignor, type MemberSubscription, type TopicPartitions } from './assignors.js';
import type { Cluster } from './cluster.js';
import type { Connection } from './connection.js';
import { findGroupCoordinator } from './coordinator.js';
import { ClientClosedError, ErrorCode, isRetriable, KafkaError, throwIfError } from './errors.js';
import { backoffMs, sleep, withRetries } from './retry.js';

const PROTOCOL_TYPE = 'consumer';
const CONSUMER_PROTOCOL_VERSION = 3;

export interface GroupOptions {
  groupId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  assignors: Assignor[];
  /**
   * read_committed consumers ask for stable offsets only (KIP-447): the broker answers
   * UNSTABLE_OFFSET_COMMIT, retried, while a transaction holding offsets for the partition is open.
   */
  requireStable?: boolean;
}

export interface GroupCallbacks {
  /** Partitions leave this member: commit their offsets, drop their buffered records. */
  onRevoke(partitions: TopicPartitions[]): Promise<void>;
  /** Partitions join this member: set up their positions. */
  onAssign(partitions: TopicPartitions[]): Promise<void>;
  /** The heartbeat learned a rebalance is needed (wakes a waiting poll). */
  onRejoinNeeded(): void;
}

export interface OffsetAndMetadata {
  offset: number;
  metadata?: string | null;
}

export class GroupMembership {
  memberId = '';
  generationId = -1;
  protocolName: string | null = null;
  /** Current assignment, topic -> partitions. */
  assignment = new Map<string, number[]>();
  private subscription: string[] = [];
  private coordinator: Connection | null = null;
  private rejoinNeeded = true;
  private joining: Promise<void> | null = null;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly cooperative: boolean;

  constructor(
    private readonly cluster: Cluster,
    private readonly options: GroupOptions,
    private readonly callbacks: GroupCallbacks,
  ) {
    // Like Java: the cooperative protocol only when every configured assignor supports it.
    this.cooperative = options.assignors.length > 0 && options.assignors.every((a) => a.cooperative);
  }

  get groupId(): string {
    return this.options.groupId;
  }

  get instanceId(): string | null {
    return this.options.groupInstanceId;
  }

  get needsRejoin(): boolean {
    return this.rejoinNeeded;
  }

  subscribe(topics: string[]): void {
    this.subscription = [...new Set(topics)];
    this.rejoinNeeded = true;
  }

  get subscribedTopics(): readonly string[] {
    return this.subscription;
  }

  /** Joins (or rejoins) when needed; concurrent callers share one rebalance. */
  ensureActive(): Promise<void> {
    if (!this.rejoinNeeded || this.closed) return Promise.resolve();
    this.joining ??= this.rebalance().finally(() => {
      this.joining = null;
    });
    return this.joining;
  }

  async coordinatorConnection(): Promise<Connection> {
    if (this.coordinator?.isOpen) return this.coordinator;
    this.coordinator = null;
    if (this.closed) throw new ClientClosedError('consumer');
    this.coordinator = await findGroupCoordinator(this.cluster, this.groupId);
    return this.coordinator;
  }

  private async rebalance(): Promise<void> {
    this.stopHeartbeat();
    if (!this.cooperative && this.assignment.size > 0) {
      // Eager protocol: give everything up before joining.
      const revoked = toTopicPartitions(this.assignment);
      this.assignment = new Map();
      await this.callbacks.onRevoke(revoked);
    }
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        this.rejoinNeeded = false;
        await this.joinAndSync();
        if (!this.rejoinNeeded) {
          this.startHeartbeat();
          return;
        }
      } catch (err) {
        this.rejoinNeeded = true;
        if (this.closed) return;
        if (!isRetriable(err) && !isRejoinError(err)) throw err;
        if (attempt >= 20) throw err;
        if (isRetriable(err)) await sleep(backoffMs(this.cluster.options, Math.min(attempt, 5)));
      }
    }
  }

  private async joinAndSync(): Promise<void> {
    const conn = await this.coordinatorConnection();
    const owned = toTopicPartitions(this.assignment);
    const metadata = encodeSubscription(this.subscription, owned, this.generationId);
    const join = await conn.send(
      Api.joinGroup,
      {
        groupId: this.groupId,
        sessionTimeoutMs: this.options.sessionTimeoutMs,
        rebalanceTimeoutMs: this.options.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: this.options.groupInstanceId,
        protocolType: PROTOCOL_TYPE,
        protocols: this.options.assignors.map((a) => ({ name: a.name, metadata })),
        reason: null,
      },
      { timeoutMs: this.options.rebalanceTimeoutMs + 5000 },
    );
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = join.memberId;
      this.rejoinNeeded = true;
      return;
    }
    this.handleGroupError(join.errorCode, 'JoinGroup');
    this.memberId = join.memberId;
    this.generationId = join.generationId ?? -1;
    this.protocolName = join.protocolName;
    const assignments = join.leader === join.memberId ? await this.leaderAssign(join.protocolName!, join.members) : [];
    const sync = await conn.send(
      Api.syncGroup,
      {
        groupId: this.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: this.options.groupInstanceId,
        protocolType: PROTOCOL_TYPE,
        protocolName: join.protocolName,
        assignments,
      },
      { timeoutMs: this.options.rebalanceTimeoutMs + 5000 },
    );
    this.handleGroupError(sync.errorCode, 'SyncGroup');
    await this.applyAssignment(decodeAssignment(sync.assignment));
  }

  private async applyAssignment(next: Map<string, number[]>): Promise<void> {
    const prev = this.assignment;
    const revoked = diff(prev, next);
    const added = diff(next, prev);
    this.assignment = next;
    if (revoked.length > 0) {
      await this.callbacks.onRevoke(revoked);
      // Cooperative: partitions we gave up may be waiting for us to rejoin before moving.
      if (this.cooperative) this.rejoinNeeded = true;
    }
    if (added.length > 0) await this.callbacks.onAssign(added);
  }

  private async leaderAssign(protocolName: string, members: Array<{ memberId: string; groupInstanceId?: string | null; metadata: Buffer }>) {
    const assignor = this.options.assignors.find((a) => a.name === protocolName);
    if (!assignor) throw new KafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `the group chose assignor ${protocolName}, which this consumer does not have`);
    const subs: MemberSubscription[] = members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, ...decodeSubscription(m.metadata) }));
    const topics = [...new Set(subs.flatMap((s) => s.topics))];
    const partitionsPerTopic = new Map<string, number>();
    for (const t of topics) {
      try {
        const info = await this.cluster.topicWithRetries(t);
        partitionsPerTopic.set(t, info.partitions.length);
      } catch (err) {
        if (!(err instanceof KafkaError) || err.code !== ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) throw err;
      }
    }
    let result = assignor.assign(subs, partitionsPerTopic);
    if (this.cooperative) result = withholdTransfers(result, subs);
    return subs.map((s) => ({ memberId: s.memberId, assignment: encodeAssignment(result.get(s.memberId) ?? new Map()) }));
  }

  private handleGroupError(errorCode: number, what: string): void {
    if (errorCode === ErrorCode.NONE) return;
    if (errorCode === ErrorCode.UNKNOWN_MEMBER_ID || errorCode === ErrorCode.FENCED_INSTANCE_ID) this.memberId = '';
    if (errorCode === ErrorCode.UNKNOWN_MEMBER_ID || errorCode === ErrorCode.ILLEGAL_GENERATION) this.generationId = -1;
    if (errorCode === ErrorCode.NOT_COORDINATOR || errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.coordinator = null;
    throwIfError(errorCode, `${what} for group ${this.groupId}`);
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    if (this.closed) return;
    this.heartbeatTimer = setTimeout(() => void this.heartbeat(), this.options.heartbeatIntervalMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private async heartbeat(): Promise<void> {
    this.heartbeatTimer = null;
    if (this.closed || this.rejoinNeeded) return;
    try {
      const conn = await this.coordinatorConnection();
      const res = await conn.send(Api.heartbeat, { groupId: this.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId });
      this.handleGroupError(res.errorCode, 'Heartbeat');
    } catch (err) {
      if (this.closed) return;
      if (isRejoinError(err) || !isRetriable(err)) {
        this.rejoinNeeded = true;
        this.callbacks.onRejoinNeeded();
        // Rejoin now rather than at the next poll, so that a slow or idle reader does not hold
        // the whole group's rebalance up. A failure here is retried by the next ensureActive().
        this.ensureActive().catch(() => {});
        return;
      }
      this.coordinator = null;
    }
    if (!this.closed && !this.rejoinNeeded && this.joining === null) this.startHeartbeat();
  }

  /** Commits offsets (the next offset to read) for this group. */
  async commit(offsets: Map<string, Map<number, OffsetAndMetadata>>): Promise<void> {
    if (offsets.size === 0) return;
    const conn = await this.coordinatorConnection();
    const res = await conn.send(Api.offsetCommit, {
      groupId: this.groupId,
      generationIdOrMemberEpoch: this.generationId,
      memberId: this.memberId,
      groupInstanceId: this.options.groupInstanceId,
      topics: [...offsets].map(([name, parts]) => ({
        name,
        partitions: [...parts].map(([partitionIndex, o]) => ({ partitionIndex, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: o.metadata ?? '' })),
      })),
    });
    for (const t of res.topics) {
      for (const p of t.partitions) {
        if (p.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || p.errorCode === ErrorCode.ILLEGAL_GENERATION || p.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
          this.rejoinNeeded = true;
        }
        if (p.errorCode === ErrorCode.NOT_COORDINATOR || p.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.coordinator = null;
        throwIfError(p.errorCode, `OffsetCommit ${t.name}-${p.partitionIndex} for group ${this.groupId}`);
      }
    }
  }

  /** Committed offsets (-1 when none) for partitions. */
  async committed(partitions: TopicPartitions[]): Promise<Map<string, Map<number, number>>> {
    return withRetries(this.cluster.options, () => this.fetchCommitted(partitions));
  }

  private async fetchCommitted(partitions: TopicPartitions[]): Promise<Map<string, Map<number, number>>> {
    const conn = await this.coordinatorConnection();
    const res = await conn.send(Api.offsetFetch, {
      groupId: this.groupId,
      topics: partitions.map((tp) => ({ name: tp.topic, partitionIndexes: tp.partitions })),
      requireStable: this.options.requireStable ?? false,
    });
    if (res.errorCode === ErrorCode.NOT_COORDINATOR || res.errorCode === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.coordinator = null;
    throwIfError(res.errorCode, `OffsetFetch for group ${this.groupId}`);
    const out = new Map<string, Map<number, number>>();
    for (const t of res.topics ?? []) {
      const m = new Map<number, number>();
      for (const p of t.partitions) {
        throwIfError(p.errorCode, `OffsetFetch ${t.name}-${p.partitionIndex}`);
        m.set(p.partitionIndex, p.committedOffset);
      }
      out.set(t.name, m);
    }
    return out;
  }

  /** Leaves the group (best effort) and stops heartbeats. */
  async leave(): Promise<void> {
    this.stopHeartbeat();
    if (this.closed) return;
    this.closed = true;
    if (!this.memberId || !this.coordinator?.isOpen) return;
    try {
      const v = this.coordinator.versionOf(Api.leaveGroup);
      await this.coordinator.send(
        Api.leaveGroup,
        v >= 3 ? { groupId: this.groupId, members: [{ memberId: this.memberId, groupInstanceId: this.options.groupInstanceId, reason: 'consumer closed' }] } : { groupId: this.groupId, memberId: this.memberId },
        { timeoutMs: 5000 },
      );
    } catch {
      // Leaving is a courtesy: the session timeout removes us anyway.
    }
  }
}

function isRejoinError(err: unknown): boolean {
  if (!(err instanceof KafkaError)) return false;
  return (
    err.code === ErrorCode.REBALANCE_IN_PROGRESS ||
    err.code === ErrorCode.UNKNOWN_MEMBER_ID ||
    err.code === ErrorCode.ILLEGAL_GENERATION ||
    err.code === ErrorCode.MEMBER_ID_REQUIRED ||
    err.code === ErrorCode.NOT_COORDINATOR ||
    err.code === ErrorCode.COORDINATOR_NOT_AVAILABLE ||
    err.code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS
  );
}

export function toTopicPartitions(assignment: Map<string, number[]>): TopicPartitions[] {
  return [...assignment].map(([topic, partitions]) => ({ topic, partitions: [...partitions] }));
}

/** Partitions in a but not in b. */
function diff(a: Map<string, number[]>, b: Map<string, number[]>): TopicPartitions[] {
  const out: TopicPartitions[] = [];
  for (const [topic, partitions] of a) {
    const other = new Set(b.get(topic) ?? []);
    const only = partitions.filter((p) => !other.has(p));
    if (only.length > 0) out.push({ topic, partitions: only });
  }
  return out;
}

export function encodeSubscription(topics: string[], owned: TopicPartitions[], generationId: number): Buffer {
  const w = new Writer(64);
  w.int16(CONSUMER_PROTOCOL_VERSION);
  encodeConsumerProtocolSubscription(w, { topics, userData: null, ownedPartitions: owned, generationId, rackId: null }, CONSUMER_PROTOCOL_VERSION);
  return w.toBuffer();
}

export function decodeSubscription(buf: Buffer): { topics: string[]; ownedPartitions: TopicPartitions[]; generationId: number } {
  const r = new Reader(buf);
  const version = Math.min(r.int16(), CONSUMER_PROTOCOL_VERSION);
  const s = decodeConsumerProtocolSubscription(r, version);
  return { topics: s.topics, ownedPartitions: s.ownedPartitions ?? [], generationId: s.generationId ?? -1 };
}

export function encodeAssignment(topics: Map<string, number[]>): Buffer {
  const w = new Writer(64);
  w.int16(CONSUMER_PROTOCOL_VERSION);
  encodeConsumerProtocolAssignment(w, { assignedPartitions: [...topics].map(([topic, partitions]) => ({ topic, partitions })), userData: null }, CONSUMER_PROTOCOL_VERSION);
  return w.toBuffer();
}

export function decodeAssignment(buf: Buffer): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (buf.length < 2) return out;
  const r = new Reader(buf);
  const version = Math.min(r.int16(), CONSUMER_PROTOCOL_VERSION);
  for (const tp of decodeConsumerProtocolAssignment(r, version).assignedPartitions) out.set(tp.topic, [...tp.partitions]);
  return out;
}
