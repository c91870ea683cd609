/**
 * The classic rebalance protocol: JoinGroup, SyncGroup, Heartbeat and LeaveGroup driving the
 * group state machine, following Kafka's GroupMetadataManager (classic part):
 *
 *   Empty --join--> PreparingRebalance --all joined / rebalance timeout--> CompletingRebalance
 *     ^                 ^      |                                              | leader's SyncGroup
 *     |                 |      +--no members left--> Empty                     v   stored
 *     |                 +------- join / leave / session expiry ----------- Stable
 *   DeleteGroups / expiry: Empty --> Dead
 *
 * Responses that wait for the rebalance (JoinGroup, SyncGroup) are parked as callbacks on the
 * member and answered when the state machine gets there. Every timer (session, join, initial
 * delay, pending sync, pending member) goes through the injected Scheduler, so unit tests drive
 * the whole machine with a manual clock.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '../protocol/errors.js';
import type { Logger } from '../log/logger.js';
import { errorJoin, errorSync, pendingBytes, type ClassicGroup } from './classic-group.js';
import { groupIdError, type GroupRegistry } from './group-registry.js';
import type { GroupWriter } from './group-writer.js';
import { ClassicMember, EMPTY_BYTES, memberBytes, protocolsBytes, type JoinResult, type MemberInit, type Protocol, type SyncResult } from './member.js';
import type { MemoryBudget } from './memory-budget.js';
import { groupMetadataRecord } from './records.js';
import type { Scheduler } from './scheduler.js';
import type { GroupSettings } from './settings.js';

export interface JoinRequest {
  groupId: string;
  /** '' for a member joining for the first time. */
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: Protocol[];
  /** JoinGroup v4+: a new dynamic member first gets MEMBER_ID_REQUIRED and a member id. */
  requireKnownMemberId: boolean;
  /** JoinGroup v9+: a rejoining static leader may be told to skip the assignment. */
  supportsSkipAssignment: boolean;
}

export interface SyncRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Buffer }[];
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeavingMember {
  memberId: string;
  groupInstanceId: string | null;
}

export interface LeaveResult {
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface MembershipDeps {
  settings: GroupSettings;
  groups: GroupRegistry;
  writer: GroupWriter;
  scheduler: Scheduler;
  budget: MemoryBudget;
  logger: Logger;
  /** Whether a group has committed offsets (they keep an otherwise empty group alive). */
  hasOffsets: (groupId: string) => boolean;
  newUuid?: () => string;
}

export class Membership {
  private readonly settings: GroupSettings;
  private readonly groups: GroupRegistry;
  private readonly writer: GroupWriter;
  private readonly scheduler: Scheduler;
  private readonly budget: MemoryBudget;
  private readonly logger: Logger;
  private readonly newUuid: () => string;
  private readonly hasOffsets: (groupId: string) => boolean;

  constructor(deps: MembershipDeps) {
    this.settings = deps.settings;
    this.groups = deps.groups;
    this.writer = deps.writer;
    this.scheduler = deps.scheduler;
    this.budget = deps.budget;
    this.logger = deps.logger;
    this.newUuid = deps.newUuid ?? randomUUID;
    this.hasOffsets = deps.hasOffsets;
  }

  // --- JoinGroup -----------------------------------------------------------------------------

  join(request: JoinRequest): Promise<JoinResult> {
    return new Promise((respond) => this.handleJoin(request, respond));
  }

  private handleJoin(req: JoinRequest, respond: (r: JoinResult) => void): void {
    const invalid = this.joinRequestError(req);
    if (invalid !== ErrorCode.NONE) return respond(errorJoin(req.memberId, invalid));
    const isNewMember = req.memberId === '';
    let group = this.groups.get(req.groupId);
    const createdGroup = !group;
    if (!group) {
      if (!isNewMember) return respond(errorJoin(req.memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      group = this.groups.create(req.groupId) ?? undefined;
      if (!group) return respond(errorJoin(req.memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    }
    if (!this.acceptJoiningMember(group, req.memberId)) {
      group.remove(req.memberId);
      respond(errorJoin('', ErrorCode.GROUP_MAX_SIZE_REACHED));
    } else if (isNewMember) {
      this.joinNewMember(group, req, respond);
    } else {
      this.joinExistingMember(group, req, respond);
    }
    // A join that left nothing behind in a group it created leaves no group either.
    if (createdGroup && group.size === 0 && group.numPendingJoin === 0 && group.is('Empty')) this.groups.remove(group);
  }

  private joinRequestError(req: JoinRequest): number {
    const idError = groupIdError(req.groupId, this.settings.limits);
    if (idError !== ErrorCode.NONE) return idError;
    if (req.sessionTimeoutMs < this.settings.minSessionTimeoutMs || req.sessionTimeoutMs > this.settings.maxSessionTimeoutMs) {
      return ErrorCode.INVALID_SESSION_TIMEOUT;
    }
    return ErrorCode.NONE;
  }

  private get maxGroupSize(): number {
    return Math.min(this.settings.maxSize, this.settings.limits.maxMembersPerGroup);
  }

  /** Kafka's group.max.size rule, counting members still expected to rejoin as in Kafka. */
  private acceptJoiningMember(group: ClassicGroup, memberId: string): boolean {
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true;
      case 'PreparingRebalance':
        return (group.member(memberId)?.isAwaitingJoin ?? false) || group.numAwaitingJoin < this.maxGroupSize;
      case 'CompletingRebalance':
      case 'Stable':
        return group.has(memberId) || group.size < this.maxGroupSize;
    }
  }

  private joinNewMember(group: ClassicGroup, req: JoinRequest, respond: (r: JoinResult) => void): void {
    if (group.is('Dead')) return respond(errorJoin('', ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, protocolNames(req.protocols))) {
      return respond(errorJoin('', ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    const newMemberId = `${req.groupInstanceId ?? req.clientId}-${this.newUuid()}`;
    if (req.groupInstanceId !== null) {
      const existing = group.staticMemberId(req.groupInstanceId);
      if (existing !== undefined) return this.replaceStaticMember(group, req, existing, newMemberId, respond);
      return this.addMemberThenRebalance(group, req, newMemberId, respond);
    }
    if (req.requireKnownMemberId) return this.addPendingMember(group, req, newMemberId, respond);
    this.addMemberThenRebalance(group, req, newMemberId, respond);
  }

  /** JoinGroup v4+: hand out a member id and wait for the member to come back with it. */
  private addPendingMember(group: ClassicGroup, req: JoinRequest, memberId: string, respond: (r: JoinResult) => void): void {
    const full = group.size + group.numPendingJoin >= this.settings.limits.maxMembersPerGroup || group.numPendingJoin >= this.maxGroupSize;
    if (full || !this.budget.fits(pendingBytes(memberId))) return respond(errorJoin('', ErrorCode.GROUP_MAX_SIZE_REACHED));
    const timer = this.scheduler.schedule(req.sessionTimeoutMs, () => this.expirePendingMember(group, memberId));
    group.addPendingMember(memberId, timer);
    respond({ ...errorJoin(memberId, ErrorCode.MEMBER_ID_REQUIRED) });
  }

  private joinExistingMember(group: ClassicGroup, req: JoinRequest, respond: (r: JoinResult) => void): void {
    const memberId = req.memberId;
    if (group.is('Dead')) return respond(errorJoin(memberId, ErrorCode.COORDINATOR_NOT_AVAILABLE));
    if (!group.supportsProtocols(req.protocolType, protocolNames(req.protocols))) {
      return respond(errorJoin(memberId, ErrorCode.INCONSISTENT_GROUP_PROTOCOL));
    }
    if (group.isPendingMember(memberId)) {
      // Pending ids are only handed to dynamic members.
      if (req.groupInstanceId !== null) return respond(errorJoin(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
      return this.addMemberThenRebalance(group, req, memberId, respond);
    }
    const error = group.validateMember(memberId, req.groupInstanceId);
    if (error !== ErrorCode.NONE) return respond(errorJoin(memberId, error));
    const member = group.member(memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        return this.updateMemberThenRebalance(group, member, req, respond);
      case 'CompletingRebalance':
        // Same metadata: the member lost our JoinGroup response; answer it again.
        if (member.matches(req.protocols)) return respond(this.generationJoin(group, memberId, group.isLeader(memberId)));
        return this.updateMemberThenRebalance(group, member, req, respond);
      case 'Stable':
        // A leader's rejoin forces a rebalance (it may have seen topic metadata change).
        if (group.isLeader(memberId) || !member.matches(req.protocols)) return this.updateMemberThenRebalance(group, member, req, respond);
        return respond(this.generationJoin(group, memberId, false));
      default:
        return respond(errorJoin(memberId, ErrorCode.UNKNOWN_MEMBER_ID));
    }
  }

  private addMemberThenRebalance(group: ClassicGroup, req: JoinRequest, memberId: string, respond: (r: JoinResult) => void): void {
    const init: MemberInit = {
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
    };
    const tooMany = group.size + group.numPendingJoin > this.settings.limits.maxMembersPerGroup;
    if (tooMany || !this.budget.fits(memberBytes(init))) {
      group.remove(memberId);
      return respond(errorJoin('', ErrorCode.GROUP_MAX_SIZE_REACHED));
    }
    const member = new ClassicMember(init);
    member.isNew = true;
    if (group.is('PreparingRebalance') && group.previousState === 'Empty') group.newMemberAdded = true;
    group.add(member, respond);
    // A new member cannot heartbeat yet; bound how long its JoinGroup may wait instead.
    this.rescheduleHeartbeat(group, member, this.settings.newMemberJoinTimeoutMs);
    this.maybePrepareRebalanceOrCompleteJoin(group, `adding new member ${memberId}`);
  }

  private updateMemberThenRebalance(group: ClassicGroup, member: ClassicMember, req: JoinRequest, respond: (r: JoinResult) => void): void {
    if (!this.budget.fits(protocolsBytes(req.protocols) - protocolsBytes(member.protocols))) {
      return respond(errorJoin(member.memberId, ErrorCode.GROUP_MAX_SIZE_REACHED));
    }
    // A second JoinGroup while one is parked supersedes it; never leave a request unanswered.
    group.completeJoin(member, errorJoin(member.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);
    this.maybePrepareRebalanceOrCompleteJoin(group, `member ${member.memberId} rejoining in ${group.state}`);
  }

  /** A static member came back with a new process: it takes over its old member id's place. */
  private replaceStaticMember(group: ClassicGroup, req: JoinRequest, oldMemberId: string, newMemberId: string, respond: (r: JoinResult) => void): void {
    const instanceId = req.groupInstanceId!;
    const currentLeader = group.leaderId;
    const member = group.replaceStaticMember(instanceId, oldMemberId, newMemberId);
    this.rescheduleHeartbeat(group, member);
    const old = { protocols: member.protocols, rebalanceTimeoutMs: member.rebalanceTimeoutMs, sessionTimeoutMs: member.sessionTimeoutMs };
    group.updateMember(member, req.protocols, req.rebalanceTimeoutMs, req.sessionTimeoutMs, respond);
    if (group.is('Stable')) {
      if (group.protocolName === group.selectProtocol()) return this.persistReplacedStaticMember(group, req, member, oldMemberId, currentLeader, old);
      return this.maybePrepareRebalanceOrCompleteJoin(group, `static member ${instanceId} changed protocols`);
    }
    if (group.is('CompletingRebalance')) {
      // The leader may already be assigning with the old id: rebalance so the new id gets a share.
      return this.prepareRebalance(group, `static member ${instanceId} rejoined during CompletingRebalance`);
    }
    this.maybeCompleteJoinPhase(group);
  }

  /** Stable group, same protocol: store the new member id without a rebalance. */
  private persistReplacedStaticMember(
    group: ClassicGroup,
    req: JoinRequest,
    member: ClassicMember,
    oldMemberId: string,
    currentLeader: string | null,
    old: { protocols: Protocol[]; rebalanceTimeoutMs: number; sessionTimeoutMs: number },
  ): void {
    const newMemberId = member.memberId;
    const instanceId = req.groupInstanceId!;
    void this.writer.write(group.groupId, [groupMetadataRecord(group, group.assignments())]).then((error) => {
      if (!this.groups.isCurrent(group) || group.member(newMemberId) !== member) return;
      if (error !== ErrorCode.NONE) {
        const respond = member.awaitingJoin;
        group.updateMember(member, old.protocols, old.rebalanceTimeoutMs, old.sessionTimeoutMs, null);
        const restored = group.replaceStaticMember(instanceId, newMemberId, oldMemberId);
        this.rescheduleHeartbeat(group, restored);
        respond?.({ ...this.generationJoin(group, '', false), leader: currentLeader ?? '', errorCode: error });
        return;
      }
      if (req.supportsSkipAssignment) {
        const isLeader = group.isLeader(newMemberId);
        // The leader keeps its assignment; it gets the members (to watch metadata) but skips assigning.
        group.completeJoin(member, { ...this.generationJoin(group, newMemberId, isLeader), skipAssignment: isLeader });
      } else {
        // Older clients would reassign if told they lead; answering with the old leader id avoids it.
        group.completeJoin(member, { ...this.generationJoin(group, newMemberId, false), leader: currentLeader ?? '' });
      }
    });
  }

  /** The current generation's JoinGroup answer, with the member list for the leader. */
  private generationJoin(group: ClassicGroup, memberId: string, withMembers: boolean): JoinResult {
    return {
      errorCode: ErrorCode.NONE,
      memberId,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment: false,
      members: withMembers ? group.currentMembersForJoin() : [],
    };
  }

  // --- rebalance phases ----------------------------------------------------------------------

  private maybePrepareRebalanceOrCompleteJoin(group: ClassicGroup, reason: string): void {
    if (group.canRebalance()) this.prepareRebalance(group, reason);
    else this.maybeCompleteJoinPhase(group);
  }

  /** Completes the join phase early once everyone rejoined (never during the initial delay). */
  private maybeCompleteJoinPhase(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return;
    if (group.previousState === 'Empty') return;
    if (!group.hasAllMembersJoined()) return;
    this.completeJoinPhase(group);
  }

  prepareRebalance(group: ClassicGroup, reason: string): void {
    if (group.is('CompletingRebalance')) this.resetAndPropagateAssignmentWithError(group, ErrorCode.REBALANCE_IN_PROGRESS);
    this.removeSyncExpiration(group);
    const initial = group.is('Empty');
    if (initial) {
      // A new group waits group.initial.rebalance.delay.ms for more members before the first generation.
      const delayMs = this.settings.initialRebalanceDelayMs;
      const remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
      this.scheduleJoin(group, delayMs, () => this.tryCompleteInitialRebalance(group, delayMs, remainingMs));
    }
    group.transitionTo('PreparingRebalance');
    this.logger.info({ group: group.groupId, generation: group.generationId, reason }, 'preparing to rebalance group');
    if (!initial) this.maybeCompleteJoinElseSchedule(group);
  }

  private maybeCompleteJoinElseSchedule(group: ClassicGroup): void {
    if (group.hasAllMembersJoined()) return this.completeJoinPhase(group);
    this.scheduleJoin(group, group.rebalanceTimeoutMs(), () => this.completeJoinPhase(group));
  }

  private tryCompleteInitialRebalance(group: ClassicGroup, delayMs: number, remainingMs: number): void {
    if (!this.groups.isCurrent(group) || !group.is('PreparingRebalance')) return;
    if (group.newMemberAdded && remainingMs !== 0) {
      group.newMemberAdded = false;
      const nextDelayMs = Math.min(this.settings.initialRebalanceDelayMs, remainingMs);
      const nextRemainingMs = Math.max(remainingMs - delayMs, 0);
      this.scheduleJoin(group, nextDelayMs, () => this.tryCompleteInitialRebalance(group, nextDelayMs, nextRemainingMs));
      return;
    }
    this.completeJoinPhase(group);
  }

  /**
   * Ends the join phase: drops dynamic members that did not rejoin, then starts the next
   * generation and answers every parked JoinGroup (the leader gets the member list).
   */
  private completeJoinPhase(group: ClassicGroup): void {
    if (!this.groups.isCurrent(group) || !group.is('PreparingRebalance')) return;
    group.joinTimer?.cancel();
    group.joinTimer = null;
    for (const m of group.notYetRejoined()) if (!m.isStatic) group.remove(m.memberId);
    if (!group.maybeElectNewJoinedLeader() && group.size > 0) {
      // Only static members that did not rejoin are left: wait for them or their session expiry.
      this.logger.warn({ group: group.groupId }, 'group could not complete rebalance because no members rejoined');
      this.scheduleJoin(group, group.rebalanceTimeoutMs(), () => this.completeJoinPhase(group));
      return;
    }
    group.initNextGeneration();
    if (group.is('Empty')) {
      this.logger.info({ group: group.groupId, generation: group.generationId }, 'group is now empty');
      void this.writer.write(group.groupId, [groupMetadataRecord(group, new Map())]);
      return;
    }
    this.logger.info({ group: group.groupId, generation: group.generationId, members: group.size }, 'stabilized group');
    for (const m of group.allMembers()) {
      group.completeJoin(m, this.generationJoin(group, m.memberId, group.isLeader(m.memberId)));
      this.rescheduleHeartbeat(group, m);
      m.isNew = false;
      group.addPendingSyncMember(m.memberId);
    }
    const generationId = group.generationId;
    group.syncTimer = this.scheduler.schedule(group.rebalanceTimeoutMs(), () => this.expirePendingSync(group, generationId));
  }

  private scheduleJoin(group: ClassicGroup, delayMs: number, fn: () => void): void {
    group.joinTimer?.cancel();
    group.joinTimer = this.scheduler.schedule(delayMs, fn);
  }

  private removeSyncExpiration(group: ClassicGroup): void {
    group.clearPendingSyncMembers();
    group.syncTimer?.cancel();
    group.syncTimer = null;
  }

  /** Members that got their JoinGroup response but never sent SyncGroup are removed. */
  private expirePendingSync(group: ClassicGroup, generationId: number): void {
    if (!this.groups.isCurrent(group) || generationId !== group.generationId) return;
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return;
    if (group.hasReceivedSyncFromAllMembers()) return;
    const pending = group.pendingSyncMemberIds();
    for (const memberId of pending) group.remove(memberId);
    this.prepareRebalance(group, `members ${pending.join(', ')} did not send SyncGroup in time`);
  }

  // --- SyncGroup -----------------------------------------------------------------------------

  sync(request: SyncRequest): Promise<SyncResult> {
    return new Promise((respond) => this.handleSync(request, respond));
  }

  private handleSync(req: SyncRequest, respond: (r: SyncResult) => void): void {
    const idError = groupIdError(req.groupId, this.settings.limits);
    if (idError !== ErrorCode.NONE) return respond(errorSync(idError));
    const group = this.groups.get(req.groupId);
    if (!group || group.is('Empty')) return respond(errorSync(ErrorCode.UNKNOWN_MEMBER_ID));
    const error = this.syncRequestError(group, req);
    if (error !== ErrorCode.NONE) return respond(errorSync(error));
    const member = group.member(req.memberId)!;
    if (group.is('PreparingRebalance')) return respond(errorSync(ErrorCode.REBALANCE_IN_PROGRESS));
    if (group.is('Stable')) {
      this.removePendingSyncMember(group, req.memberId);
      return respond({ errorCode: ErrorCode.NONE, protocolType: group.protocolType, protocolName: group.protocolName, assignment: member.assignment });
    }
    // CompletingRebalance: park the response until the leader's assignment is stored.
    group.completeSync(member, errorSync(ErrorCode.REBALANCE_IN_PROGRESS));
    member.awaitingSync = respond;
    this.removePendingSyncMember(group, req.memberId);
    if (group.isLeader(req.memberId)) this.storeLeaderAssignment(group, req);
  }

  private syncRequestError(group: ClassicGroup, req: SyncRequest): number {
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const memberError = group.validateMember(req.memberId, req.groupInstanceId);
    if (memberError !== ErrorCode.NONE) return memberError;
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    if (inconsistent(req.protocolType, group.protocolType) || inconsistent(req.protocolName, group.protocolName)) {
      return ErrorCode.INCONSISTENT_GROUP_PROTOCOL;
    }
    return ErrorCode.NONE;
  }

  /** Stores the leader's assignment; once durable, every member gets its share and the group is Stable. */
  private storeLeaderAssignment(group: ClassicGroup, req: SyncRequest): void {
    const assignment = new Map<string, Buffer>();
    let newBytes = 0;
    for (const a of req.assignments) {
      if (!group.has(a.memberId)) continue;
      newBytes += a.assignment.length - (assignment.get(a.memberId)?.length ?? 0);
      // Copy: the request frame must not stay pinned by what we keep.
      assignment.set(a.memberId, Buffer.from(a.assignment));
    }
    for (const m of group.allMembers()) if (!assignment.has(m.memberId)) assignment.set(m.memberId, EMPTY_BYTES);
    if (!this.budget.fits(newBytes)) {
      this.resetAndPropagateAssignmentWithError(group, ErrorCode.UNKNOWN_SERVER_ERROR);
      return this.maybePrepareRebalanceOrCompleteJoin(group, 'assignment exceeds the coordinator memory budget');
    }
    const generationId = group.generationId;
    void this.writer.write(group.groupId, [groupMetadataRecord(group, assignment)]).then((error) => {
      // Another member may have joined meanwhile: only finish the generation we stored.
      if (!this.groups.isCurrent(group) || !group.is('CompletingRebalance') || group.generationId !== generationId) return;
      if (error !== ErrorCode.NONE) {
        this.resetAndPropagateAssignmentWithError(group, error);
        return this.maybePrepareRebalanceOrCompleteJoin(group, `storing the assignment failed (${error})`);
      }
      for (const m of group.allMembers()) group.setAssignment(m, assignment.get(m.memberId) ?? EMPTY_BYTES);
      this.propagateAssignment(group, ErrorCode.NONE);
      group.transitionTo('Stable');
    });
  }

  private removePendingSyncMember(group: ClassicGroup, memberId: string): void {
    group.removePendingSyncMember(memberId);
    const done = !group.is('CompletingRebalance') && !group.is('Stable');
    if (done || group.hasReceivedSyncFromAllMembers()) {
      group.syncTimer?.cancel();
      group.syncTimer = null;
    }
  }

  private resetAndPropagateAssignmentWithError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.allMembers()) group.setAssignment(m, EMPTY_BYTES);
    this.propagateAssignment(group, errorCode);
  }

  private propagateAssignment(group: ClassicGroup, errorCode: number): void {
    const ok = errorCode === ErrorCode.NONE;
    for (const m of group.allMembers()) {
      const result: SyncResult = {
        errorCode,
        protocolType: ok ? group.protocolType : null,
        protocolName: ok ? group.protocolName : null,
        assignment: m.assignment,
      };
      // Re-arm the session: an expiry that fired while the member waited was ignored.
      if (group.completeSync(m, result)) this.rescheduleHeartbeat(group, m);
    }
  }

  // --- Heartbeat -----------------------------------------------------------------------------

  heartbeat(req: HeartbeatRequest): number {
    const idError = groupIdError(req.groupId, this.settings.limits);
    if (idError !== ErrorCode.NONE) return idError;
    const group = this.groups.get(req.groupId);
    if (!group) return ErrorCode.UNKNOWN_MEMBER_ID;
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    const memberError = group.validateMember(req.memberId, req.groupInstanceId);
    if (memberError !== ErrorCode.NONE) return memberError;
    if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    const member = group.member(req.memberId)!;
    switch (group.state) {
      case 'PreparingRebalance':
        this.rescheduleHeartbeat(group, member);
        return ErrorCode.REBALANCE_IN_PROGRESS;
      case 'CompletingRebalance':
      case 'Stable':
        this.rescheduleHeartbeat(group, member);
        return ErrorCode.NONE;
      default:
        return ErrorCode.UNKNOWN_MEMBER_ID;
    }
  }

  /** Restarts the member's session timer (heartbeats, commits and rebalance answers call this). */
  rescheduleHeartbeat(group: ClassicGroup, member: ClassicMember, timeoutMs = member.sessionTimeoutMs): void {
    member.cancelHeartbeat();
    const memberId = member.memberId;
    member.heartbeatTimer = this.scheduler.schedule(timeoutMs, () => this.expireHeartbeat(group, memberId));
  }

  private expireHeartbeat(group: ClassicGroup, memberId: string): void {
    if (!this.groups.isCurrent(group) || group.is('Dead')) return;
    const member = group.member(memberId);
    if (!member || member.hasSatisfiedHeartbeat) return;
    this.logger.info({ group: group.groupId, member: memberId }, 'member session expired; removing it from the group');
    this.removeMemberAndUpdateGroup(group, member, `member ${memberId} session expired`);
  }

  private expirePendingMember(group: ClassicGroup, memberId: string): void {
    if (!this.groups.isCurrent(group) || !group.isPendingMember(memberId)) return;
    group.remove(memberId);
    if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoinPhase(group);
    this.dropIfAbandoned(group);
  }

  private removeMemberAndUpdateGroup(group: ClassicGroup, member: ClassicMember, reason: string): void {
    group.remove(member.memberId);
    if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalanceOrCompleteJoin(group, reason);
    else if (group.is('PreparingRebalance') && group.hasAllMembersJoined()) this.completeJoinPhase(group);
  }

  /** A group that never got a member, generation or offset (only ever pending ids) goes away. */
  private dropIfAbandoned(group: ClassicGroup): void {
    if (group.is('Empty') && group.size === 0 && group.numPendingJoin === 0 && group.generationId === 0 && group.protocolType === null && !this.hasOffsets(group.groupId)) {
      this.groups.remove(group);
    }
  }

  // --- LeaveGroup ----------------------------------------------------------------------------

  leave(groupId: string, leaving: LeavingMember[]): LeaveResult {
    const idError = groupIdError(groupId, this.settings.limits);
    if (idError !== ErrorCode.NONE) return { errorCode: idError, members: [] };
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, members: leaving.map((m) => ({ ...m, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })) };
    if (group.is('Dead')) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, members: [] };
    const members = leaving.map((m) => ({ ...m, errorCode: this.leaveOne(group, m) }));
    if (members.some((m) => m.errorCode === ErrorCode.NONE)) {
      if (group.is('Stable') || group.is('CompletingRebalance')) this.maybePrepareRebalanceOrCompleteJoin(group, 'members left the group');
      else if (group.is('PreparingRebalance')) this.maybeCompleteJoinPhase(group);
    }
    this.dropIfAbandoned(group);
    return { errorCode: ErrorCode.NONE, members };
  }

  private leaveOne(group: ClassicGroup, m: LeavingMember): number {
    // An admin may remove a static member by instance id alone.
    if (m.memberId === '') {
      const current = m.groupInstanceId !== null ? group.staticMemberId(m.groupInstanceId) : undefined;
      if (current === undefined) return ErrorCode.UNKNOWN_MEMBER_ID;
      group.remove(current);
      return ErrorCode.NONE;
    }
    if (group.isPendingMember(m.memberId)) {
      group.remove(m.memberId);
      return ErrorCode.NONE;
    }
    const error = group.validateMember(m.memberId, m.groupInstanceId);
    if (error === ErrorCode.NONE) group.remove(m.memberId);
    return error;
  }

  // --- loading -------------------------------------------------------------------------------

  /** Arms session timers for a group loaded from the log; rebalances it if it is over capacity. */
  onGroupLoaded(group: ClassicGroup): void {
    for (const m of group.allMembers()) this.rescheduleHeartbeat(group, m);
    if (group.size > this.maxGroupSize && group.canRebalance()) this.prepareRebalance(group, 'loaded group is over capacity');
  }
}

function protocolNames(protocols: readonly Protocol[]): string[] {
  return protocols.map((p) => p.name);
}

/** SyncGroup v5+: a given protocol type or name must match the group's. */
function inconsistent(requested: string | null, current: string | null): boolean {
  return requested !== null && current !== null && requested !== current;
}
