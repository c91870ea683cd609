/**
 * The group coordinator's settings: the Kafka `group.*` / `offsets.*` broker configs it reads,
 * plus Brook's own memory bounds (not Kafka configs) that keep what clients can make the
 * coordinator hold finite.
 */
import type { BrokerConfig } from '../config/broker-config.js';

export interface GroupSettings {
  /** `offsets.topic.num.partitions`: partitions of __consumer_offsets when it is created. */
  offsetsTopicNumPartitions: number;
  /** `offsets.topic.segment.bytes`: segment.bytes of __consumer_offsets. */
  offsetsTopicSegmentBytes: number;
  /** `offsets.retention.minutes`, in ms. */
  offsetsRetentionMs: number;
  /** `offsets.retention.check.interval.ms` */
  offsetsRetentionCheckIntervalMs: number;
  /** `offset.metadata.max.bytes`: longest metadata string of a commit (UTF-16 units, as Kafka). */
  offsetMetadataMaxBytes: number;
  /** `group.initial.rebalance.delay.ms` */
  initialRebalanceDelayMs: number;
  /** `group.min.session.timeout.ms` */
  minSessionTimeoutMs: number;
  /** `group.max.session.timeout.ms` */
  maxSessionTimeoutMs: number;
  /** `group.max.size` */
  maxSize: number;
  /** A new member's JoinGroup waits at most this long (Kafka's fixed 5 minutes). */
  newMemberJoinTimeoutMs: number;
  limits: GroupLimits;
}

/** Bounds on client-growable state. Exceeding one gives a Kafka error, never unbounded memory. */
export interface GroupLimits {
  /** Longest group id in UTF-8 bytes; longer ids get INVALID_GROUP_ID. */
  maxGroupIdBytes: number;
  /** Most groups the coordinator holds (members or offsets); beyond it COORDINATOR_NOT_AVAILABLE. */
  maxGroups: number;
  /** Hard cap on members (joined plus pending) of one group, whatever group.max.size says. */
  maxMembersPerGroup: number;
  /** Bytes of ids, protocol metadata, assignments and offset metadata held for all groups. */
  memoryBudgetBytes: number;
  /**
   * Cluster mode: whether this broker coordinates the group now (it leads the group's
   * __consumer_offsets partition and has loaded it); requests for other groups get NOT_COORDINATOR.
   */
  ownsGroup?: (groupId: string) => boolean;
}

export const defaultGroupLimits: GroupLimits = {
  maxGroupIdBytes: 4096,
  maxGroups: 100_000,
  maxMembersPerGroup: 10_000,
  memoryBudgetBytes: 256 * 1024 * 1024,
};

export const NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

export function groupSettingsFromConfig(config: BrokerConfig, limits: Partial<GroupLimits> = {}): GroupSettings {
  return {
    offsetsTopicNumPartitions: config.offsetsTopicNumPartitions,
    offsetsTopicSegmentBytes: config.offsetsTopicSegmentBytes,
    offsetsRetentionMs: config.offsetsRetentionMinutes * 60_000,
    offsetsRetentionCheckIntervalMs: config.offsetsRetentionCheckIntervalMs,
    offsetMetadataMaxBytes: config.offsetMetadataMaxBytes,
    initialRebalanceDelayMs: config.groupInitialRebalanceDelayMs,
    minSessionTimeoutMs: config.groupMinSessionTimeoutMs,
    maxSessionTimeoutMs: config.groupMaxSessionTimeoutMs,
    maxSize: config.groupMaxSize,
    newMemberJoinTimeoutMs: NEW_MEMBER_JOIN_TIMEOUT_MS,
    limits: { ...defaultGroupLimits, ...limits },
  };
}
