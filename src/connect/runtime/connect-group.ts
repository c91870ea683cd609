/**
 * Group membership for distributed workers: the classic group protocol with protocol type
 * `connect` (JoinGroup, SyncGroup, Heartbeat, LeaveGroup). The leader computes the assignment
 * with the callback it is given. Metadata and assignments are JSON (Brook workers only: not the
 * binary format Java workers use). What a worker keeps across rebalances is decided by the leader's
 * incremental cooperative assignor (incremental-assignor.ts), not here.
 */
import { Api } from '../../client/apis.js';
import { Cluster } from '../../client/cluster.js';
import type { Connection } from '../../client/connection.js';
import { findGroupCoordinator } from '../../client/coordinator.js';
import { ErrorCode, KafkaError } from '../../client/errors.js';
import { resolveClientOptions } from '../../client/options.js';

const PROTOCOL_TYPE = 'connect';
const PROTOCOL_NAME = 'default';

export interface ConnectGroupOptions {
  bootstrapServers: string;
  groupId: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
}

export interface JoinResult {
  memberId: string;
  leaderId: string;
  generationId: number;
  assignment: Buffer;
}

export type AssignFn = (members: Array<{ memberId: string; metadata: Buffer }>) => Map<string, Buffer>;

const REJOIN = new Set<number>([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION, ErrorCode.MEMBER_ID_REQUIRED]);

export class ConnectGroupMember {
  private readonly cluster: Cluster;
  private coordinator: Connection | null = null;
  private memberId = '';
  private generationId = -1;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly o: ConnectGroupOptions,
    /** Called when a heartbeat learns the group is rebalancing. */
    private readonly onRebalanceNeeded: () => void,
  ) {
    this.cluster = new Cluster(resolveClientOptions({ bootstrapServers: o.bootstrapServers }, 'connect-worker'));
  }

  /** Joins (retrying rejoin errors) and returns this member's assignment. */
  async join(metadata: Buffer, assign: AssignFn): Promise<JoinResult> {
    this.stopHeartbeat();
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw new Error('worker is stopping');
      try {
        const result = await this.joinAndSync(metadata, assign);
        if (result) {
          this.startHeartbeat();
          return result;
        }
      } catch (err) {
        if (!(err instanceof KafkaError) || attempt >= 50) throw err;
        if (err.code === ErrorCode.NOT_COORDINATOR || err.code === ErrorCode.COORDINATOR_NOT_AVAILABLE) this.coordinator = null;
        else if (!REJOIN.has(err.code) && !err.retriable) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  private async connection(): Promise<Connection> {
    if (this.coordinator?.isOpen) return this.coordinator;
    this.coordinator = await findGroupCoordinator(this.cluster, this.o.groupId);
    return this.coordinator;
  }

  private check(code: number): void {
    if (code === ErrorCode.NONE) return;
    if (code === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
    if (code === ErrorCode.UNKNOWN_MEMBER_ID || code === ErrorCode.ILLEGAL_GENERATION) this.generationId = -1;
    throw new KafkaError(code);
  }

  private async joinAndSync(metadata: Buffer, assign: AssignFn): Promise<JoinResult | null> {
    const conn = await this.connection();
    const join = await conn.send(
      Api.joinGroup,
      {
        groupId: this.o.groupId,
        sessionTimeoutMs: this.o.sessionTimeoutMs,
        rebalanceTimeoutMs: this.o.rebalanceTimeoutMs,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: PROTOCOL_TYPE,
        protocols: [{ name: PROTOCOL_NAME, metadata }],
        reason: null,
      },
      { timeoutMs: this.o.rebalanceTimeoutMs + 5000 },
    );
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = join.memberId;
      return null;
    }
    this.check(join.errorCode);
    this.memberId = join.memberId;
    this.generationId = join.generationId ?? -1;
    const isLeader = join.leader === join.memberId;
    const assignments = isLeader ? [...assign(join.members.map((m) => ({ memberId: m.memberId, metadata: m.metadata })))].map(([memberId, assignment]) => ({ memberId, assignment })) : [];
    const sync = await conn.send(
      Api.syncGroup,
      {
        groupId: this.o.groupId,
        generationId: this.generationId,
        memberId: this.memberId,
        groupInstanceId: null,
        protocolType: PROTOCOL_TYPE,
        protocolName: PROTOCOL_NAME,
        assignments,
      },
      { timeoutMs: this.o.rebalanceTimeoutMs + 5000 },
    );
    this.check(sync.errorCode);
    return { memberId: this.memberId, leaderId: join.leader, generationId: this.generationId, assignment: sync.assignment };
  }

  private startHeartbeat(): void {
    this.stopHeartbeat();
    if (!this.closed) this.heartbeatTimer = setTimeout(() => void this.heartbeat(), this.o.heartbeatIntervalMs);
  }

  private stopHeartbeat(): void {
    if (this.heartbeatTimer) clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  private async heartbeat(): Promise<void> {
    this.heartbeatTimer = null;
    try {
      const conn = await this.connection();
      const res = await conn.send(Api.heartbeat, { groupId: this.o.groupId, generationId: this.generationId, memberId: this.memberId, groupInstanceId: null });
      this.check(res.errorCode);
    } catch (err) {
      if (this.closed) return;
      if (err instanceof KafkaError && REJOIN.has(err.code)) {
        this.onRebalanceNeeded();
        return;
      }
      this.coordinator = null;
    }
    this.startHeartbeat();
  }

  async leave(): Promise<void> {
    this.stopHeartbeat();
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.memberId && this.coordinator?.isOpen) {
        const v = this.coordinator.versionOf(Api.leaveGroup);
        await this.coordinator.send(
          Api.leaveGroup,
          v >= 3 ? { groupId: this.o.groupId, members: [{ memberId: this.memberId, groupInstanceId: null, reason: 'worker stopping' }] } : { groupId: this.o.groupId, memberId: this.memberId },
          { timeoutMs: 5000 },
        );
      }
    } catch {
      // The session timeout removes us anyway.
    } finally {
      await this.cluster.close();
    }
  }
}
