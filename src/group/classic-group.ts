/**
 * One classic group's state (Kafka's ClassicGroup): members, static-member ids, the pending
 * sets of a rebalance, the generation and the chosen protocol. Pure bookkeeping: the rebalance
 * decisions live in membership.ts, which is the only caller of the mutating methods.
 *
 * Every byte a member, pending member id or assignment holds is charged to the coordinator's
 * MemoryBudget here (callers check `fits` first) and released when it goes away.
 */
import { ErrorCode } from '../protocol/errors.js';
import { canTransition, type GroupState } from './group-state.js';
import { ClassicMember, EMPTY_BYTES, memberBytes, protocolsBytes, type JoinResponseMember, type JoinResult, type Protocol, type SyncResult } from './member.js';
import { CONSUMER_PROTOCOL_TYPE, subscribedTopics } from './consumer-protocol.js';
import { ENTRY_OVERHEAD_BYTES, stringBytes, type MemoryBudget } from './memory-budget.js';
import type { Timer } from './scheduler.js';

export class ClassicGroup {
  state: GroupState;
  previousState: GroupState = 'Dead';
  currentStateTimestampMs: number | null;
  protocolType: string | null = null;
  protocolName: string | null = null;
  generationId = 0;
  leaderId: string | null = null;
  /** Set when a member joins during the initial (from Empty) rebalance: extends its delay. */
  newMemberAdded = false;
  /** Topics the members subscribe to (consumer protocol only); null when unknown. */
  subscribedTopics: Set<string> | null = null;
  joinTimer: Timer | null = null;
  syncTimer: Timer | null = null;

  private readonly members = new Map<string, ClassicMember>();
  private readonly memberCharges = new Map<string, number>();
  private readonly staticMembers = new Map<string, string>();
  /** Members told MEMBER_ID_REQUIRED, with the timer that forgets them if they never rejoin. */
  private readonly pendingJoinMembers = new Map<string, Timer | null>();
  private readonly pendingSyncMembers = new Set<string>();
  private readonly supportedProtocols = new Map<string, number>();
  private awaitingJoinCount = 0;

  constructor(
    readonly groupId: string,
    initialState: GroupState,
    private readonly clock: () => number,
    private readonly budget: MemoryBudget,
  ) {
    this.state = initialState;
    this.currentStateTimestampMs = clock();
  }

  // --- queries -------------------------------------------------------------------------------

  is(state: GroupState): boolean {
    return this.state === state;
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  member(memberId: string): ClassicMember | undefined {
    return this.members.get(memberId);
  }

  get size(): number {
    return this.members.size;
  }

  get numPendingJoin(): number {
    return this.pendingJoinMembers.size;
  }

  get numAwaitingJoin(): number {
    return this.awaitingJoinCount;
  }

  allMembers(): IterableIterator<ClassicMember> {
    return this.members.values();
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  isPendingMember(memberId: string): boolean {
    return this.pendingJoinMembers.has(memberId);
  }

  staticMemberId(groupInstanceId: string): string | undefined {
    return this.staticMembers.get(groupInstanceId);
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.awaitingJoinCount && this.pendingJoinMembers.size === 0;
  }

  hasReceivedSyncFromAllMembers(): boolean {
    return this.pendingSyncMembers.size === 0;
  }

  pendingSyncMemberIds(): string[] {
    return [...this.pendingSyncMembers];
  }

  /** The largest rebalance timeout of the members: how long a rebalance may take. */
  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  canRebalance(): boolean {
    return canTransition(this.state, 'PreparingRebalance');
  }

  get usesConsumerProtocol(): boolean {
    return this.protocolType === CONSUMER_PROTOCOL_TYPE;
  }

  /** Checks the member id (and, for static members, that the instance id maps to it). */
  validateMember(memberId: string, groupInstanceId: string | null): number {
    if (groupInstanceId !== null) {
      const existing = this.staticMembers.get(groupInstanceId);
      if (existing === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      if (existing !== memberId) return ErrorCode.FENCED_INSTANCE_ID;
    }
    return this.members.has(memberId) ? ErrorCode.NONE : ErrorCode.UNKNOWN_MEMBER_ID;
  }

  /**
   * Whether a member offering `protocolType` and `protocolNames` may join: the first member of
   * an empty group sets the type; later ones must share it and one protocol all members support.
   */
  supportsProtocols(protocolType: string, protocolNames: readonly string[]): boolean {
    if (this.is('Empty')) return protocolType.length > 0 && protocolNames.length > 0;
    if (this.protocolType !== protocolType) return false;
    return protocolNames.some((name) => (this.supportedProtocols.get(name) ?? 0) === this.members.size);
  }

  /** The protocol every member supports that most members prefer (Kafka's vote). */
  selectProtocol(): string {
    const candidates = new Set<string>();
    for (const [name, count] of this.supportedProtocols) if (count === this.members.size) candidates.add(name);
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const choice = m.vote(candidates);
      votes.set(choice, (votes.get(choice) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, count] of votes) {
      if (count > bestVotes) {
        best = name;
        bestVotes = count;
      }
    }
    if (best === null) throw new Error(`cannot select a protocol for empty group ${this.groupId}`);
    return best;
  }

  /** Whether the group is actively subscribed to `topic` (unknown: only if it uses the consumer protocol). */
  isSubscribedToTopic(topic: string): boolean {
    if (this.subscribedTopics !== null) return this.subscribedTopics.has(topic);
    return this.usesConsumerProtocol;
  }

  computeSubscribedTopics(): Set<string> | null {
    if (!this.usesConsumerProtocol) return null;
    if (this.members.size === 0) return new Set();
    if (this.protocolName === null) return null;
    const all = new Set<string>();
    for (const m of this.members.values()) {
      const topics = subscribedTopics(m.metadata(this.protocolName));
      if (topics === null) return null;
      for (const t of topics) all.add(t);
    }
    return all;
  }

  /** Members in JoinGroup-response form, for the leader. */
  currentMembersForJoin(): JoinResponseMember[] {
    const out: JoinResponseMember[] = [];
    for (const m of this.members.values()) {
      out.push({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, metadata: m.metadata(this.protocolName) });
    }
    return out;
  }

  /** Member id -> assignment, for the group metadata record. */
  assignments(): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const m of this.members.values()) out.set(m.memberId, m.assignment);
    return out;
  }

  // --- state changes -------------------------------------------------------------------------

  transitionTo(state: GroupState): void {
    if (!canTransition(this.state, state)) {
      throw new Error(`group ${this.groupId} cannot go from ${this.state} to ${state}`);
    }
    this.previousState = this.state;
    this.state = state;
    this.currentStateTimestampMs = this.clock();
  }

  /** Adds a member (the caller checked the budget and protocols). */
  add(member: ClassicMember, awaitingJoin: ((result: JoinResult) => void) | null): void {
    if (member.groupInstanceId !== null) {
      if (this.staticMembers.has(member.groupInstanceId)) throw new Error(`static member ${member.groupInstanceId} is already in group ${this.groupId}`);
      this.staticMembers.set(member.groupInstanceId, member.memberId);
    }
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    this.charge(member.memberId, memberBytes(member) + member.assignment.length);
    this.countProtocols(member.protocols, 1);
    member.awaitingJoin = awaitingJoin;
    if (awaitingJoin) this.awaitingJoinCount++;
    this.removePendingJoin(member.memberId);
  }

  /** Removes a member; a JoinGroup or SyncGroup it still waits on is answered UNKNOWN_MEMBER_ID. */
  remove(memberId: string): void {
    const member = this.members.get(memberId);
    if (member) {
      this.completeJoin(member, errorJoin('', ErrorCode.UNKNOWN_MEMBER_ID));
      this.completeSync(member, errorSync(ErrorCode.UNKNOWN_MEMBER_ID));
      this.members.delete(memberId);
      this.countProtocols(member.protocols, -1);
      if (member.isAwaitingJoin) this.awaitingJoinCount--;
      if (member.groupInstanceId !== null) this.staticMembers.delete(member.groupInstanceId);
      member.cancelHeartbeat();
      this.budget.release(this.memberCharges.get(memberId) ?? 0);
      this.memberCharges.delete(memberId);
    }
    if (this.isLeader(memberId)) {
      const next = this.members.keys().next();
      this.leaderId = next.done ? null : next.value;
    }
    this.removePendingJoin(memberId);
    this.pendingSyncMembers.delete(memberId);
  }

  /** Replaces a member's protocols and timeouts; `awaitingJoin` parks its JoinGroup response. */
  updateMember(member: ClassicMember, protocols: Protocol[], rebalanceTimeoutMs: number, sessionTimeoutMs: number, awaitingJoin: ((result: JoinResult) => void) | null): void {
    this.countProtocols(member.protocols, -1);
    this.charge(member.memberId, protocolsBytes(protocols) - protocolsBytes(member.protocols));
    member.protocols = protocols;
    this.countProtocols(protocols, 1);
    member.rebalanceTimeoutMs = rebalanceTimeoutMs;
    member.sessionTimeoutMs = sessionTimeoutMs;
    if (awaitingJoin && !member.isAwaitingJoin) this.awaitingJoinCount++;
    else if (!awaitingJoin && member.isAwaitingJoin) this.awaitingJoinCount--;
    member.awaitingJoin = awaitingJoin;
  }

  setAssignment(member: ClassicMember, assignment: Buffer): void {
    this.charge(member.memberId, assignment.length - member.assignment.length);
    member.assignment = assignment;
  }

  /**
   * Swaps a static member's id for a new one, keeping everything else. Fences whoever waits on
   * the old id with FENCED_INSTANCE_ID. Returns the member under its new id.
   */
  replaceStaticMember(groupInstanceId: string, oldMemberId: string, newMemberId: string): ClassicMember {
    const old = this.members.get(oldMemberId);
    if (!old) throw new Error(`cannot replace unknown member ${oldMemberId}`);
    this.completeJoin(old, fencedJoin(oldMemberId));
    this.completeSync(old, errorSync(ErrorCode.FENCED_INSTANCE_ID));
    old.cancelHeartbeat();
    const replacement = new ClassicMember({ ...old, memberId: newMemberId, protocols: old.protocols, assignment: old.assignment });
    const charge = this.memberCharges.get(oldMemberId) ?? 0;
    this.memberCharges.delete(oldMemberId);
    this.members.delete(oldMemberId);
    this.members.set(newMemberId, replacement);
    this.memberCharges.set(newMemberId, charge);
    const idDelta = stringBytes(newMemberId) - stringBytes(oldMemberId);
    this.charge(newMemberId, idDelta);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    if (this.pendingSyncMembers.delete(oldMemberId)) this.pendingSyncMembers.add(newMemberId);
    this.staticMembers.set(groupInstanceId, newMemberId);
    return replacement;
  }

  /** A dynamic member told MEMBER_ID_REQUIRED; it must rejoin with this id before `timer` fires. */
  addPendingMember(memberId: string, timer: Timer | null): void {
    if (this.members.has(memberId)) throw new Error(`pending member ${memberId} is already a member`);
    if (this.pendingJoinMembers.has(memberId)) return;
    this.pendingJoinMembers.set(memberId, timer);
    this.budget.reserve(pendingBytes(memberId));
  }

  addPendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.add(memberId);
  }

  removePendingSyncMember(memberId: string): void {
    this.pendingSyncMembers.delete(memberId);
  }

  clearPendingSyncMembers(): void {
    this.pendingSyncMembers.clear();
  }

  /** Members that have not rejoined in the current rebalance. */
  notYetRejoined(): ClassicMember[] {
    const out: ClassicMember[] = [];
    for (const m of this.members.values()) if (!m.isAwaitingJoin) out.push(m);
    return out;
  }

  /**
   * Keeps the leader if it rejoined, else picks any member that did. False when the group has
   * no leader or nobody rejoined.
   */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader?.isAwaitingJoin) return true;
    for (const m of this.members.values()) {
      if (m.isAwaitingJoin) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  initNextGeneration(): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance');
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty');
    }
    this.pendingSyncMembers.clear();
  }

  /** Answers a parked JoinGroup; false if the member was not waiting. */
  completeJoin(member: ClassicMember, result: JoinResult): boolean {
    const respond = member.awaitingJoin;
    if (!respond) return false;
    member.awaitingJoin = null;
    this.awaitingJoinCount--;
    respond(result);
    return true;
  }

  completeAllJoins(errorCode: number): void {
    for (const m of this.members.values()) this.completeJoin(m, errorJoin(m.memberId, errorCode));
  }

  /** Answers a parked SyncGroup; false if the member was not waiting. */
  completeSync(member: ClassicMember, result: SyncResult): boolean {
    const respond = member.awaitingSync;
    if (!respond) return false;
    member.awaitingSync = null;
    respond(result);
    return true;
  }

  completeAllSyncs(errorCode: number): void {
    for (const m of this.members.values()) this.completeSync(m, errorSync(errorCode));
  }

  /** Cancels the group's timers and every member's session timer. */
  cancelTimers(): void {
    this.joinTimer?.cancel();
    this.joinTimer = null;
    this.syncTimer?.cancel();
    this.syncTimer = null;
    for (const m of this.members.values()) m.cancelHeartbeat();
    for (const timer of this.pendingJoinMembers.values()) timer?.cancel();
  }

  /** Releases everything this group charged to the budget (the group is going away). */
  releaseAll(): void {
    for (const charge of this.memberCharges.values()) this.budget.release(charge);
    this.memberCharges.clear();
    for (const [id, timer] of this.pendingJoinMembers) {
      timer?.cancel();
      this.budget.release(pendingBytes(id));
    }
    this.pendingJoinMembers.clear();
  }

  private removePendingJoin(memberId: string): void {
    if (!this.pendingJoinMembers.has(memberId)) return;
    this.pendingJoinMembers.get(memberId)?.cancel();
    this.pendingJoinMembers.delete(memberId);
    this.budget.release(pendingBytes(memberId));
  }

  private charge(memberId: string, deltaBytes: number): void {
    this.memberCharges.set(memberId, (this.memberCharges.get(memberId) ?? 0) + deltaBytes);
    if (deltaBytes >= 0) this.budget.reserve(deltaBytes);
    else this.budget.release(-deltaBytes);
  }

  private countProtocols(protocols: readonly Protocol[], delta: number): void {
    for (const p of protocols) this.supportedProtocols.set(p.name, (this.supportedProtocols.get(p.name) ?? 0) + delta);
    for (const p of protocols) if (this.supportedProtocols.get(p.name) === 0) this.supportedProtocols.delete(p.name);
  }
}

export function pendingBytes(memberId: string): number {
  return ENTRY_OVERHEAD_BYTES + stringBytes(memberId);
}

export function errorJoin(memberId: string, errorCode: number): JoinResult {
  return { errorCode, memberId, generationId: -1, protocolType: null, protocolName: null, leader: '', skipAssignment: false, members: [] };
}

export function errorSync(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY_BYTES };
}

function fencedJoin(memberId: string): JoinResult {
  return errorJoin(memberId, ErrorCode.FENCED_INSTANCE_ID);
}
