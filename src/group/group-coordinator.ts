/**
 * The group coordinator: the single owner of every consumer group and committed offset on this
 * broker. API handlers call it; it delegates the rebalance protocol to Membership, offsets to
 * OffsetManager, and persistence to a GroupLog (__consumer_offsets).
 *
 *   const coordinator = new GroupCoordinator({ settings, log, partitionExists, ... });
 *   await coordinator.load();        // replay __consumer_offsets, arm timers
 *   ...                              // serve requests
 *   coordinator.stop();              // cancel timers (broker shutdown)
 *
 * Single-threaded: every method runs to completion on the event loop; only log appends are
 * awaited, and state that depends on them is re-checked when they resolve.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { Logger } from '../log/logger.js';
import { ClassicGroup } from './classic-group.js';
import { partitionForGroup } from './coordinator-partition.js';
import { GroupRegistry, groupIdError } from './group-registry.js';
import type { GroupLog } from './group-log.js';
import { parseGroupState } from './group-state.js';
import { GroupWriter } from './group-writer.js';
import { Membership, type HeartbeatRequest, type JoinRequest, type LeaveResult, type LeavingMember, type SyncRequest } from './membership.js';
import { ClassicMember, EMPTY_BYTES, type JoinResult, type SyncResult } from './member.js';
import { MemoryBudget } from './memory-budget.js';
import { OffsetManager, type CommitRequest, type FetchResult, type PartitionErrors, type TxnCommitRequest } from './offset-manager.js';
import { OffsetStore } from './offset-store.js';
import { decodeRecord, groupTombstone, type GroupMetadataValue } from './records.js';
import { nodeScheduler, type Scheduler, type Timer } from './scheduler.js';
import type { GroupSettings } from './settings.js';

export interface GroupCoordinatorDeps {
  settings: GroupSettings;
  log: GroupLog;
  logger: Logger;
  /** Partition count of __consumer_offsets (the existing topic's, else the configured one). */
  numPartitions: () => number;
  partitionExists: (topic: string, partition: number) => boolean;
  clock?: () => number;
  scheduler?: Scheduler;
  newUuid?: () => string;
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Buffer;
  memberAssignment: Buffer;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedMember[];
  /** Not on the wire (DescribeGroups has no generation): for tests and tools in this process. */
  generationId: number;
}

export interface ListedGroup {
  groupId: string;
  protocolType: string;
  groupState: string;
  groupType: string;
}

const CLASSIC_GROUP_TYPE = 'classic';

export class GroupCoordinator {
  readonly settings: GroupSettings;
  private readonly clock: () => number;
  private readonly scheduler: Scheduler;
  private readonly logger: Logger;
  private readonly budget: MemoryBudget;
  private readonly groups: GroupRegistry;
  private readonly offsets: OffsetStore;
  private readonly membership: Membership;
  private readonly offsetManager: OffsetManager;
  private readonly numPartitions: () => number;
  private retentionTimer: Timer | null = null;
  private stopped = false;

  constructor(deps: GroupCoordinatorDeps) {
    this.settings = deps.settings;
    this.clock = deps.clock ?? Date.now;
    this.scheduler = deps.scheduler ?? nodeScheduler;
    this.logger = deps.logger;
    this.numPartitions = deps.numPartitions;
    this.budget = new MemoryBudget(deps.settings.limits.memoryBudgetBytes);
    this.groups = new GroupRegistry(deps.settings.limits, this.budget, this.clock);
    this.offsets = new OffsetStore(this.budget);
    const writer = new GroupWriter(deps.log, (groupId) => this.partitionFor(groupId), deps.logger);
    this.membership = new Membership({
      settings: deps.settings,
      groups: this.groups,
      writer,
      scheduler: this.scheduler,
      budget: this.budget,
      logger: deps.logger,
      hasOffsets: (groupId) => this.offsets.hasGroup(groupId),
      ...(deps.newUuid ? { newUuid: deps.newUuid } : {}),
    });
    this.offsetManager = new OffsetManager({
      settings: deps.settings,
      groups: this.groups,
      offsets: this.offsets,
      writer,
      membership: this.membership,
      budget: this.budget,
      clock: this.clock,
      logger: deps.logger,
      partitionExists: deps.partitionExists,
    });
  }

  /** The __consumer_offsets partition that stores this group. */
  partitionFor(groupId: string): number {
    return partitionForGroup(groupId, this.numPartitions());
  }

  /** Bytes of client-growable state held now (for tests and metrics). */
  get memoryUsedBytes(): number {
    return this.budget.used;
  }

  get groupCount(): number {
    return this.groups.size;
  }

  // --- lifecycle -----------------------------------------------------------------------------

  /**
   * Rebuilds groups and offsets from records (oldest first), arms the members' session timers
   * and starts the retention check. `replayAll` feeds every stored record to the first callback
   * (with the producer id of a transactional batch, else -1) and every transaction marker of
   * partition `partition` to the second.
   */
  async load(
    replayAll?: (
      replay: (key: Buffer, value: Buffer | null, producerId?: number) => void,
      replayMarker: (partition: number, producerId: number, commit: boolean) => void,
    ) => Promise<void>,
  ): Promise<void> {
    let skipped = 0;
    if (replayAll) {
      await replayAll(
        (key, value, producerId = -1) => {
          try {
            if (!this.replay(key, value, producerId)) skipped++;
          } catch (err) {
            skipped++;
            this.logger.warn({ err: String(err) }, 'skipping a malformed __consumer_offsets record');
          }
        },
        (partition, producerId, commit) => this.onTransactionCompleted(producerId, partition, commit),
      );
    }
    if (skipped > 0) this.logger.warn({ records: skipped }, 'skipped __consumer_offsets records this coordinator does not use');
    for (const group of this.groups.all()) this.membership.onGroupLoaded(group);
    this.logger.info({ groups: this.groups.size }, 'group coordinator loaded');
    this.scheduleRetentionCheck();
  }

  /** Cancels every timer; parked JoinGroup/SyncGroup requests are answered NOT_COORDINATOR. */
  stop(): void {
    this.stopped = true;
    this.retentionTimer?.cancel();
    this.retentionTimer = null;
    for (const group of this.groups.all()) {
      group.completeAllJoins(ErrorCode.NOT_COORDINATOR);
      group.completeAllSyncs(ErrorCode.NOT_COORDINATOR);
      group.cancelTimers();
    }
  }

  // --- membership ----------------------------------------------------------------------------

  joinGroup(request: JoinRequest): Promise<JoinResult> {
    return this.membership.join(request);
  }

  syncGroup(request: SyncRequest): Promise<SyncResult> {
    return this.membership.sync(request);
  }

  heartbeat(request: HeartbeatRequest): number {
    return this.membership.heartbeat(request);
  }

  leaveGroup(groupId: string, members: LeavingMember[]): LeaveResult {
    return this.membership.leave(groupId, members);
  }

  // --- offsets -------------------------------------------------------------------------------

  commitOffsets(request: CommitRequest): Promise<PartitionErrors> {
    return this.offsetManager.commit(request);
  }

  /**
   * TxnOffsetCommit: writes the offsets as transactional records of the producer; they stay
   * pending until onTransactionCompleted (member checks are the handler's).
   */
  commitTxnOffsets(request: TxnCommitRequest): Promise<PartitionErrors> {
    return this.offsetManager.commitTransactional(request);
  }

  /**
   * A COMMIT or ABORT marker of `producerId` was written to __consumer_offsets partition
   * `partition` (or replayed from it): that partition's groups commit or drop the offsets the
   * transaction wrote (Kafka's scheduleHandleTxnCompletion).
   */
  onTransactionCompleted(producerId: number, partition: number, commit: boolean): void {
    this.offsetManager.completeTxn(producerId, commit, (groupId) => this.partitionFor(groupId) === partition);
  }

  fetchOffsets(groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable = false): FetchResult {
    return this.offsetManager.fetch(groupId, topics, requireStable);
  }

  deleteOffsets(groupId: string, topics: { name: string; partitions: number[] }[]): Promise<{ errorCode: number; topics: PartitionErrors }> {
    return this.offsetManager.deleteOffsets(groupId, topics);
  }

  /** Runs the offsets retention check now (the timer calls this every check interval). */
  expireOffsets(): Promise<void> {
    return this.offsetManager.expire();
  }

  // --- admin ---------------------------------------------------------------------------------

  describeGroups(groupIds: string[]): DescribedGroup[] {
    return groupIds.map((groupId) => this.describe(groupId));
  }

  private describe(groupId: string): DescribedGroup {
    const idError = groupIdError(groupId, this.settings.limits);
    if (idError !== ErrorCode.NONE) return { errorCode: idError, groupId, groupState: '', protocolType: '', protocolData: '', members: [], generationId: -1 };
    const group = this.groups.get(groupId);
    if (!group) return { errorCode: ErrorCode.NONE, groupId, groupState: 'Dead', protocolType: '', protocolData: '', members: [], generationId: -1 };
    // Metadata and assignments are only shown once the group is Stable (as Kafka does).
    const stable = group.is('Stable');
    const members: DescribedMember[] = [];
    for (const m of group.allMembers()) members.push(describeMember(m, stable ? group.protocolName : null));
    return {
      errorCode: ErrorCode.NONE,
      groupId,
      groupState: group.state,
      protocolType: group.protocolType ?? '',
      protocolData: stable ? (group.protocolName ?? '') : '',
      members,
      generationId: group.generationId,
    };
  }

  /** Groups matching the state filter (any case) and type filter ("classic"); empty filters match all. */
  listGroups(statesFilter: string[], typesFilter: string[]): ListedGroup[] {
    const states = new Set(statesFilter.map((s) => parseGroupState(s) ?? s));
    if (typesFilter.length > 0 && !typesFilter.some((t) => t.toLowerCase() === CLASSIC_GROUP_TYPE)) return [];
    const out: ListedGroup[] = [];
    for (const group of this.groups.all()) {
      if (states.size > 0 && !states.has(group.state)) continue;
      out.push({ groupId: group.groupId, protocolType: group.protocolType ?? '', groupState: group.state, groupType: CLASSIC_GROUP_TYPE });
    }
    return out;
  }

  /** Deletes Empty groups with their offsets: tombstones first, answered once durable. */
  deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]> {
    return Promise.all(groupIds.map(async (groupId) => ({ groupId, errorCode: await this.deleteGroup(groupId) })));
  }

  private async deleteGroup(groupId: string): Promise<number> {
    const idError = groupIdError(groupId, this.settings.limits);
    if (idError !== ErrorCode.NONE) return idError;
    const group = this.groups.get(groupId);
    if (!group || group.is('Dead')) return ErrorCode.GROUP_ID_NOT_FOUND;
    if (!group.is('Empty')) return ErrorCode.NON_EMPTY_GROUP;
    const refs = this.offsets.latestRefs(groupId);
    this.groups.remove(group);
    return this.offsetManager.writeTombstones(groupId, refs, [groupTombstone(groupId)]);
  }

  // --- replay --------------------------------------------------------------------------------

  /**
   * Applies one stored record; false if it is of a type this coordinator ignores. An offset of a
   * transactional batch (`producerId` >= 0) is pending until that producer's marker is replayed.
   */
  replay(key: Buffer, value: Buffer | null, producerId = -1): boolean {
    const record = decodeRecord(key, value);
    if (record.type === 'offset' && producerId >= 0) {
      if (record.value) this.offsets.addPendingTxn(producerId, record.group, record.topic, record.partition, record.value);
      return true;
    }
    if (record.type === 'offset') {
      if (record.value && !this.groups.get(record.group)) this.groups.install(record.group, 'Empty');
      this.offsets.replay(record.group, record.topic, record.partition, record.value);
      return true;
    }
    if (record.type === 'group') {
      const existing = this.groups.get(record.group);
      if (!record.value) {
        if (existing) this.groups.remove(existing);
        this.offsets.dropGroup(record.group);
      } else {
        this.installGroup(record.group, record.value);
      }
      return true;
    }
    return false;
  }

  private installGroup(groupId: string, value: GroupMetadataValue): void {
    const group: ClassicGroup = this.groups.install(groupId, value.members.length === 0 ? 'Empty' : 'Stable');
    for (const m of value.members) {
      const member = new ClassicMember({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId ?? null,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeout === undefined || m.rebalanceTimeout === -1 ? m.sessionTimeout : m.rebalanceTimeout,
        sessionTimeoutMs: m.sessionTimeout,
        protocolType: value.protocolType,
        // Copies: the decoded bytes are views into log reads we must not pin.
        protocols: [{ name: value.protocol ?? '', metadata: Buffer.from(m.subscription) }],
        assignment: m.assignment.length > 0 ? Buffer.from(m.assignment) : EMPTY_BYTES,
      });
      group.add(member, null);
    }
    group.generationId = value.generation;
    group.protocolType = value.protocolType === '' ? null : value.protocolType;
    group.protocolName = value.protocol;
    group.leaderId = value.leader;
    const timestamp = value.currentStateTimestamp;
    group.currentStateTimestampMs = timestamp === undefined || timestamp === -1 ? null : timestamp;
    group.subscribedTopics = group.computeSubscribedTopics();
  }

  private scheduleRetentionCheck(): void {
    if (this.stopped) return;
    this.retentionTimer = this.scheduler.schedule(this.settings.offsetsRetentionCheckIntervalMs, () => {
      // Re-arm first: a check still writing tombstones is harmless to overlap (in-flight entries are skipped).
      this.scheduleRetentionCheck();
      this.expireOffsets().catch((err) => this.logger.error({ err: String(err) }, 'offset expiration failed'));
    });
  }
}

function describeMember(m: ClassicMember, protocolName: string | null): DescribedMember {
  return {
    memberId: m.memberId,
    groupInstanceId: m.groupInstanceId,
    clientId: m.clientId,
    clientHost: m.clientHost,
    memberMetadata: protocolName !== null ? m.metadata(protocolName) : EMPTY_BYTES,
    memberAssignment: protocolName !== null ? m.assignment : EMPTY_BYTES,
  };
}
