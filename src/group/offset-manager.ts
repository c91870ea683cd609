/**
 * Committed offsets: OffsetCommit, OffsetFetch, OffsetDelete and retention, following Kafka's
 * OffsetMetadataManager and ClassicGroup.validateOffsetCommit. A commit is answered only once
 * its records are durable in __consumer_offsets; OffsetFetch reads only durable offsets.
 */
import { ErrorCode } from '../protocol/errors.js';
import type { Logger } from '../log/logger.js';
import type { ClassicGroup } from './classic-group.js';
import { groupIdError, type GroupRegistry } from './group-registry.js';
import type { GroupWriter } from './group-writer.js';
import type { TxnProducer } from './group-log.js';
import type { Membership } from './membership.js';
import type { MemoryBudget } from './memory-budget.js';
import type { OffsetAndMetadata, OffsetRef, OffsetStore } from './offset-store.js';
import { groupTombstone, offsetCommitRecord, offsetTombstone, type CoordinatorRecord } from './records.js';
import type { GroupSettings } from './settings.js';

export interface CommitPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  /** v1 only; -1 means "now". */
  commitTimestampMs: number;
  committedMetadata: string | null;
}

export interface CommitRequest {
  groupId: string;
  /** -1 for a commit outside group management (admin tools, assign() consumers, v0). */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v2-v4 per-request retention; -1 means the broker's offsets.retention.minutes. */
  retentionTimeMs: number;
  topics: { name: string; partitions: CommitPartition[] }[];
  /** OffsetCommit v9+ answers GROUP_ID_NOT_FOUND (not ILLEGAL_GENERATION) for a missing group. */
  missingGroupIsNotFound: boolean;
}

/** TxnOffsetCommit: the member was checked by the handler; the producer by the txn coordinator. */
export interface TxnCommitRequest {
  groupId: string;
  producerId: number;
  producerEpoch: number;
  topics: { name: string; partitions: CommitPartition[] }[];
}

export type PartitionErrors = { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];

export interface FetchedPartition {
  partitionIndex: number;
  committedOffset: number;
  committedLeaderEpoch: number;
  metadata: string;
  errorCode: number;
}

export interface FetchResult {
  errorCode: number;
  topics: { name: string; partitions: FetchedPartition[] }[];
}

export interface OffsetManagerDeps {
  settings: GroupSettings;
  groups: GroupRegistry;
  offsets: OffsetStore;
  writer: GroupWriter;
  membership: Membership;
  budget: MemoryBudget;
  clock: () => number;
  logger: Logger;
  /** Whether the topic partition exists (commits to unknown partitions are refused, as in Kafka). */
  partitionExists: (topic: string, partition: number) => boolean;
}

export class OffsetManager {
  constructor(private readonly deps: OffsetManagerDeps) {}

  // --- OffsetCommit --------------------------------------------------------------------------

  async commit(req: CommitRequest): Promise<PartitionErrors> {
    const groupError = this.commitGroupError(req);
    if (groupError !== ErrorCode.NONE) return allPartitions(req.topics, groupError);
    return this.write(req, null);
  }

  /**
   * TxnOffsetCommit (Kafka's handleTxnCommitOffsets): the offsets are written now as transactional
   * records of the producer and stay pending until the transaction's marker reaches the group's
   * partition (completeTxn); OffsetFetch does not return them before.
   */
  async commitTransactional(req: TxnCommitRequest): Promise<PartitionErrors> {
    const idError = groupIdError(req.groupId, this.deps.settings.limits);
    if (idError !== ErrorCode.NONE) return allPartitions(req.topics, idError);
    if (this.deps.groups.get(req.groupId)?.is('Dead')) return allPartitions(req.topics, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    const commit: CommitRequest = { groupId: req.groupId, generationId: -1, memberId: '', groupInstanceId: null, retentionTimeMs: -1, topics: req.topics, missingGroupIsNotFound: false };
    return this.write(commit, { producerId: req.producerId, producerEpoch: req.producerEpoch });
  }

  /** A transaction marker for `producerId` was written to the partition of the groups `inPartition` accepts. */
  completeTxn(producerId: number, commit: boolean, inPartition: (groupId: string) => boolean): void {
    for (const groupId of this.deps.offsets.completeTxn(producerId, commit, inPartition)) {
      // Committed offsets need their group (Kafka creates it when the offsets materialise).
      if (!this.deps.groups.get(groupId)) this.deps.groups.install(groupId, 'Empty');
    }
  }

  private async write(req: CommitRequest, txn: TxnProducer | null): Promise<PartitionErrors> {
    const { groups, offsets } = this.deps;
    const now = this.deps.clock();
    const expireTimestampMs = req.retentionTimeMs === -1 ? null : now + req.retentionTimeMs;
    const response: PartitionErrors = [];
    const writes: { topic: string; partition: number; value: OffsetAndMetadata; errors: { errorCode: number } }[] = [];
    let newBytes = groups.creationBytes(req.groupId);
    for (const topic of req.topics) {
      const partitions: PartitionErrors[number]['partitions'] = [];
      response.push({ name: topic.name, partitions });
      for (const p of topic.partitions) {
        const result = { partitionIndex: p.partitionIndex, errorCode: ErrorCode.NONE as number };
        partitions.push(result);
        const value: OffsetAndMetadata = {
          offset: p.committedOffset,
          leaderEpoch: p.committedLeaderEpoch,
          metadata: p.committedMetadata ?? '',
          commitTimestampMs: p.commitTimestampMs === -1 ? now : p.commitTimestampMs,
          expireTimestampMs,
        };
        result.errorCode = this.partitionCommitError(topic.name, p, value);
        if (result.errorCode !== ErrorCode.NONE) continue;
        const bytes = Math.max(0, offsets.bytesToAdd(req.groupId, topic.name, p.partitionIndex, value));
        if (!this.deps.budget.fits(newBytes + bytes)) {
          result.errorCode = ErrorCode.COORDINATOR_NOT_AVAILABLE;
          continue;
        }
        newBytes += bytes;
        writes.push({ topic: topic.name, partition: p.partitionIndex, value, errors: result });
      }
    }
    if (writes.length === 0) return response;
    // A commit outside group management creates a "simple" group (no protocol) to hold the offsets.
    const group = groups.get(req.groupId) ?? groups.create(req.groupId);
    if (!group) return allPartitions(req.topics, ErrorCode.COORDINATOR_NOT_AVAILABLE);
    this.keepSessionAlive(group, req.memberId);
    const records = writes.map((w) => offsetCommitRecord(req.groupId, w.topic, w.partition, w.value));
    if (txn) {
      const error = await this.deps.writer.write(req.groupId, records, txn);
      for (const w of writes) {
        if (error === ErrorCode.NONE) offsets.addPendingTxn(txn.producerId, req.groupId, w.topic, w.partition, w.value);
        w.errors.errorCode = error;
      }
      return response;
    }
    for (const w of writes) offsets.begin(req.groupId, w.topic, w.partition, w.value);
    const error = await this.deps.writer.write(req.groupId, records);
    for (const w of writes) {
      offsets.settle(req.groupId, w.topic, w.partition, w.value, error === ErrorCode.NONE);
      w.errors.errorCode = error;
    }
    return response;
  }

  /** The group-level checks of ClassicGroup.validateOffsetCommit. */
  private commitGroupError(req: CommitRequest): number {
    const idError = groupIdError(req.groupId, this.deps.settings.limits);
    if (idError !== ErrorCode.NONE) return idError;
    const group = this.deps.groups.get(req.groupId);
    if (!group) {
      if (req.generationId < 0) return ErrorCode.NONE;
      return req.missingGroupIsNotFound ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
    }
    if (group.is('Dead')) return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    if (req.generationId < 0 && group.is('Empty')) return ErrorCode.NONE;
    if (req.generationId >= 0 || req.memberId !== '' || req.groupInstanceId !== null) {
      const memberError = group.validateMember(req.memberId, req.groupInstanceId);
      if (memberError !== ErrorCode.NONE) return memberError;
      if (req.generationId !== group.generationId) return ErrorCode.ILLEGAL_GENERATION;
    } else if (!group.is('Empty')) {
      // No member id and no generation: only allowed while nobody owns the partitions.
      return ErrorCode.UNKNOWN_MEMBER_ID;
    }
    // The member has the new generation from JoinGroup but no assignment yet.
    if (group.is('CompletingRebalance')) return ErrorCode.REBALANCE_IN_PROGRESS;
    return ErrorCode.NONE;
  }

  private partitionCommitError(topic: string, p: CommitPartition, value: OffsetAndMetadata): number {
    if (!this.deps.partitionExists(topic, p.partitionIndex)) return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    if (value.metadata.length > this.deps.settings.offsetMetadataMaxBytes) return ErrorCode.OFFSET_METADATA_TOO_LARGE;
    return ErrorCode.NONE;
  }

  /** Classic consumers' commits count as heartbeats while Stable or PreparingRebalance. */
  private keepSessionAlive(group: ClassicGroup, memberId: string): void {
    if (!group.is('Stable') && !group.is('PreparingRebalance')) return;
    const member = group.member(memberId);
    if (member) this.deps.membership.rescheduleHeartbeat(group, member);
  }

  // --- OffsetFetch ---------------------------------------------------------------------------

  /**
   * Durable offsets of the group; `topics` null means all of them. With `requireStable` (v7+), a
   * partition an undecided transaction wrote an offset for answers UNSTABLE_OFFSET_COMMIT (the
   * client retries until the transaction is decided).
   */
  fetch(groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null, requireStable = false): FetchResult {
    const result = this.fetchDurable(groupId, topics);
    if (requireStable) {
      for (const t of result.topics) {
        for (const p of t.partitions) {
          if (this.deps.offsets.hasPendingTxn(groupId, t.name, p.partitionIndex)) Object.assign(p, UNSTABLE);
        }
      }
    }
    return result;
  }

  private fetchDurable(groupId: string, topics: { name: string; partitionIndexes: number[] }[] | null): FetchResult {
    const idError = groupIdError(groupId, this.deps.settings.limits);
    if (idError !== ErrorCode.NONE) return { errorCode: idError, topics: [] };
    const group = this.deps.groups.get(groupId);
    const known = group !== undefined && !group.is('Dead');
    if (topics === null) return { errorCode: ErrorCode.NONE, topics: known ? this.fetchAll(groupId) : [] };
    return {
      errorCode: ErrorCode.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitionIndexes.map((partitionIndex) => {
          const value = known ? this.deps.offsets.get(groupId, t.name, partitionIndex) : undefined;
          return fetched(partitionIndex, value);
        }),
      })),
    };
  }

  private fetchAll(groupId: string): FetchResult['topics'] {
    const out: FetchResult['topics'] = [];
    for (const [name, partitions] of this.deps.offsets.committedByTopic(groupId)) {
      out.push({ name, partitions: [...partitions].map(([index, value]) => fetched(index, value)) });
    }
    return out;
  }

  // --- OffsetDelete --------------------------------------------------------------------------

  async deleteOffsets(groupId: string, topics: { name: string; partitions: number[] }[]): Promise<{ errorCode: number; topics: PartitionErrors }> {
    const idError = groupIdError(groupId, this.deps.settings.limits);
    if (idError !== ErrorCode.NONE) return { errorCode: idError, topics: [] };
    const group = this.deps.groups.get(groupId);
    if (!group || group.is('Dead')) return { errorCode: ErrorCode.GROUP_ID_NOT_FOUND, topics: [] };
    // A classic group with members may only lose offsets of topics it does not consume (consumer protocol).
    if (!group.is('Empty') && !group.usesConsumerProtocol) return { errorCode: ErrorCode.NON_EMPTY_GROUP, topics: [] };
    const refs: OffsetRef[] = [];
    const response: PartitionErrors = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((partitionIndex) => {
        let errorCode: number = ErrorCode.NONE;
        if (!this.deps.partitionExists(t.name, partitionIndex)) errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else if (group.isSubscribedToTopic(t.name)) errorCode = ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC;
        else if (this.deps.offsets.hasLatest(groupId, t.name, partitionIndex)) refs.push({ topic: t.name, partition: partitionIndex });
        return { partitionIndex, errorCode };
      }),
    }));
    const error = await this.writeTombstones(groupId, refs, []);
    return { errorCode: error, topics: error === ErrorCode.NONE ? response : [] };
  }

  /** Writes offset tombstones (plus `extra` records) and settles the store; returns the error. */
  async writeTombstones(groupId: string, refs: OffsetRef[], extra: CoordinatorRecord[]): Promise<number> {
    const { offsets } = this.deps;
    const records = refs.map((r) => offsetTombstone(groupId, r.topic, r.partition)).concat(extra);
    for (const r of refs) offsets.begin(groupId, r.topic, r.partition, null);
    const error = await this.deps.writer.write(groupId, records);
    for (const r of refs) offsets.settle(groupId, r.topic, r.partition, null, error === ErrorCode.NONE);
    return error;
  }

  // --- retention -----------------------------------------------------------------------------

  /**
   * Drops offsets past offsets.retention.minutes (Kafka's offset expiration condition), and
   * deletes Empty groups left with no offsets. Returns once the tombstones are written.
   */
  async expire(): Promise<void> {
    const now = this.deps.clock();
    const work: Promise<unknown>[] = [];
    for (const group of [...this.deps.groups.all()]) {
      const { expired, allExpired } = this.expiredOffsets(group, now);
      const deleteGroup = allExpired && group.is('Empty');
      if (expired.length === 0 && !deleteGroup) continue;
      const extra = deleteGroup ? [groupTombstone(group.groupId)] : [];
      if (deleteGroup) this.deps.groups.remove(group);
      if (expired.length > 0) this.deps.logger.info({ group: group.groupId, offsets: expired.length }, 'expiring committed offsets');
      work.push(this.writeTombstones(group.groupId, expired, extra));
    }
    await Promise.all(work);
  }

  private expiredOffsets(group: ClassicGroup, now: number): { expired: OffsetRef[]; allExpired: boolean } {
    const { offsets, settings } = this.deps;
    const baseTimestamp = expirationBase(group);
    if (baseTimestamp === null) return { expired: [], allExpired: false };
    const expired: OffsetRef[] = [];
    let allExpired = !offsets.hasInFlight(group.groupId);
    for (const [topic, partition, value] of offsets.settled(group.groupId)) {
      const old = value.expireTimestampMs !== null ? now >= value.expireTimestampMs : now - baseTimestamp(value) >= settings.offsetsRetentionMs;
      if (!group.isSubscribedToTopic(topic) && old) expired.push({ topic, partition });
      else allExpired = false;
    }
    return { expired, allExpired };
  }
}

/**
 * From when an offset's retention counts (ClassicGroup.offsetExpirationCondition): an Empty
 * group's offsets from when it became empty, a Stable consumer group's unsubscribed topics and
 * a simple group's offsets from their commit. Null: nothing of this group expires now.
 */
function expirationBase(group: ClassicGroup): ((value: OffsetAndMetadata) => number) | null {
  if (group.protocolType === null || group.protocolType === '') return (v) => v.commitTimestampMs;
  if (group.is('Empty')) return (v) => group.currentStateTimestampMs ?? v.commitTimestampMs;
  if (group.usesConsumerProtocol && group.subscribedTopics !== null && group.is('Stable')) return (v) => v.commitTimestampMs;
  return null;
}

const UNSTABLE = { committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT };

function fetched(partitionIndex: number, value: OffsetAndMetadata | undefined): FetchedPartition {
  if (!value) return { partitionIndex, committedOffset: -1, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.NONE };
  return { partitionIndex, committedOffset: value.offset, committedLeaderEpoch: value.leaderEpoch, metadata: value.metadata, errorCode: ErrorCode.NONE };
}

function allPartitions(topics: CommitRequest['topics'], errorCode: number): PartitionErrors {
  return topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })) }));
}
