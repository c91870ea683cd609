/**
 * One member of a classic group: identity, the protocols it offered in its last JoinGroup, its
 * assignment, and the JoinGroup / SyncGroup responses it is waiting for. The group owns its
 * members; the coordinator changes them only through ClassicGroup.
 */
import type { Timer } from './scheduler.js';
import { ENTRY_OVERHEAD_BYTES, stringBytes } from './memory-budget.js';

export interface Protocol {
  name: string;
  /** A private copy (never a view into a request frame, which would pin the whole frame). */
  metadata: Buffer;
}

export interface JoinResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

/** What JoinGroup answers, independent of the wire version. */
export interface JoinResult {
  errorCode: number;
  memberId: string;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  skipAssignment: boolean;
  members: JoinResponseMember[];
}

/** What SyncGroup answers, independent of the wire version. */
export interface SyncResult {
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Buffer;
}

export const EMPTY_BYTES = Buffer.alloc(0);

export interface MemberInit {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  assignment?: Buffer;
}

export class ClassicMember {
  readonly memberId: string;
  readonly groupInstanceId: string | null;
  readonly clientId: string;
  readonly clientHost: string;
  readonly protocolType: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocols: Protocol[];
  assignment: Buffer;
  /** Joined during the current rebalance and has not yet received a JoinGroup response. */
  isNew = false;
  awaitingJoin: ((result: JoinResult) => void) | null = null;
  awaitingSync: ((result: SyncResult) => void) | null = null;
  heartbeatTimer: Timer | null = null;

  constructor(init: MemberInit) {
    this.memberId = init.memberId;
    this.groupInstanceId = init.groupInstanceId;
    this.clientId = init.clientId;
    this.clientHost = init.clientHost;
    this.protocolType = init.protocolType;
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs;
    this.sessionTimeoutMs = init.sessionTimeoutMs;
    this.protocols = init.protocols;
    this.assignment = init.assignment ?? EMPTY_BYTES;
  }

  get isStatic(): boolean {
    return this.groupInstanceId !== null;
  }

  get isAwaitingJoin(): boolean {
    return this.awaitingJoin !== null;
  }

  get isAwaitingSync(): boolean {
    return this.awaitingSync !== null;
  }

  /**
   * Whether an expired session timer may be ignored: members waiting in a rebalance satisfy it
   * automatically (their timer is re-armed when the rebalance answers them), new members never.
   */
  get hasSatisfiedHeartbeat(): boolean {
    if (this.isNew) return false;
    return this.isAwaitingJoin || this.isAwaitingSync;
  }

  /** The metadata this member sent for `protocolName` (empty if it did not offer it). */
  metadata(protocolName: string | null): Buffer {
    if (protocolName === null) return EMPTY_BYTES;
    return this.protocols.find((p) => p.name === protocolName)?.metadata ?? EMPTY_BYTES;
  }

  /** Whether a JoinGroup offered exactly the protocols (names, order and metadata) we have. */
  matches(protocols: readonly Protocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false;
    return protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata));
  }

  /** The member's most preferred protocol among `candidates`. */
  vote(candidates: ReadonlySet<string>): string {
    const choice = this.protocols.find((p) => candidates.has(p.name));
    if (!choice) throw new Error(`member ${this.memberId} supports none of the candidate protocols`);
    return choice.name;
  }

  cancelHeartbeat(): void {
    this.heartbeatTimer?.cancel();
    this.heartbeatTimer = null;
  }
}

/** Bytes a member's identity and protocols cost (the assignment is counted separately). */
export function memberBytes(init: MemberInit): number {
  let bytes = ENTRY_OVERHEAD_BYTES + stringBytes(init.memberId) + stringBytes(init.groupInstanceId) + stringBytes(init.clientId);
  bytes += stringBytes(init.clientHost) + stringBytes(init.protocolType);
  return bytes + protocolsBytes(init.protocols);
}

export function protocolsBytes(protocols: readonly Protocol[]): number {
  let bytes = 0;
  for (const p of protocols) bytes += ENTRY_OVERHEAD_BYTES + stringBytes(p.name) + p.metadata.length;
  return bytes;
}
