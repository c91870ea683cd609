/**
 * What the console needs from a Kafka cluster, as one small interface. The console server only
 * talks to this (brook-client.ts implements it on Brook's own src/client), so the client can be
 * swapped without touching the HTTP API or the pages.
 */

export interface BrokerNode {
  nodeId: number;
  host: string;
  port: number;
  rack: string | null;
}

export interface ClusterOverview {
  clusterId: string | null;
  controllerId: number | null;
  brokers: BrokerNode[];
  topicCount: number;
  partitionCount: number;
  underReplicatedPartitions: number;
  offlinePartitions: number;
  /** Sum of all partitions' end offsets: its rate of change is the cluster's messages in per second. */
  endOffsetTotal: number;
}

export interface TopicSummary {
  name: string;
  partitions: number;
  replicationFactor: number;
  internal: boolean;
  /** Sum of (high watermark - low watermark) over partitions: records currently retained. */
  messages: number;
}

export interface PartitionDetail {
  partition: number;
  leader: number;
  replicas: number[];
  isr: number[];
  lowWatermark: number;
  highWatermark: number;
}

export interface ConfigEntry {
  name: string;
  value: string | null;
  isDefault: boolean;
  /** Set on this topic (not inherited from the broker or Kafka's default). */
  isOverride: boolean;
  readOnly: boolean;
  sensitive: boolean;
}

export interface TopicDetail {
  name: string;
  internal: boolean;
  partitions: PartitionDetail[];
  configs: ConfigEntry[];
}

export interface MessageHeader {
  key: string;
  value: string | null;
}

export interface BrowsedMessage {
  partition: number;
  offset: number;
  timestampMs: number;
  key: string | null;
  value: string | null;
  headers: MessageHeader[];
}

export interface BrowseRequest {
  topic: string;
  partition: number;
  /** First offset to return; clamped to the partition's low watermark. */
  offset: number;
  /** When set, start at the first record with a timestamp at or after this instead of `offset`. */
  timestampMs?: number;
  limit: number;
}

export interface BrowseResult {
  messages: BrowsedMessage[];
  lowWatermark: number;
  highWatermark: number;
  /** Offset to ask for next. */
  nextOffset: number;
}

export interface ProduceRequest {
  topic: string;
  /** null lets the client's partitioner choose (by key). */
  partition: number | null;
  key: string | null;
  value: string | null;
  headers: MessageHeader[];
}

export interface ProduceResult {
  partition: number;
  offset: number;
}

export interface CreateTopicRequest {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface GroupSummary {
  groupId: string;
  protocolType: string;
  state: string;
  members: number;
}

export interface GroupPartitionLag {
  topic: string;
  partition: number;
  committedOffset: number;
  highWatermark: number;
  lag: number;
}

export interface GroupMember {
  memberId: string;
  clientId: string;
  host: string;
}

export interface GroupDetail extends GroupSummary {
  membersDetail: GroupMember[];
  offsets: GroupPartitionLag[];
  totalLag: number;
}

import type { ResetOffsetsRequest, ResetOffsetsResult } from './reset-offsets.js';

/** A request the cluster refused (unknown topic, already exists...), shown to the user as is. */
export class ClusterRequestError extends Error {
  override name = 'ClusterRequestError';
  constructor(
    message: string,
    /** HTTP status the console answers with: 404 for missing things, 409 for conflicts, else 400. */
    readonly status = 400,
  ) {
    super(message);
  }
}

export interface ClusterClient {
  overview(): Promise<ClusterOverview>;
  listTopics(): Promise<TopicSummary[]>;
  /** Throws ClusterRequestError(404) for an unknown topic. */
  topic(name: string): Promise<TopicDetail>;
  createTopic(request: CreateTopicRequest): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  /** Sets (string) or removes (null) topic config overrides; other overrides are kept. */
  alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<void>;
  browse(request: BrowseRequest): Promise<BrowseResult>;
  produce(request: ProduceRequest): Promise<ProduceResult>;
  listGroups(): Promise<GroupSummary[]>;
  group(groupId: string): Promise<GroupDetail>;
  /** Moves an empty group's committed offsets (reset-offsets.ts); 409 while it has members. */
  resetGroupOffsets(request: ResetOffsetsRequest): Promise<ResetOffsetsResult>;
  close(): Promise<void>;
}
