/**
 * Admin: topics, partitions, configs, consumer groups (with lag), offsets, record deletion and the
 * cluster's description. Each call sends to the broker Kafka routes it to (any broker, the
 * controller, a partition's leader, or the group coordinator) and throws a KafkaError carrying the
 * first per-resource error.
 */
import { Api } from './apis.js';
import { Cluster, type BrokerInfo, type TopicInfo } from './cluster.js';
import { findGroupCoordinator } from './coordinator.js';
import { ErrorCode, KafkaError, throwIfError } from './errors.js';
import { decodeAssignment } from './group.js';
import type { ConsumerRecord } from './messages.js';
import { decodeBatches } from '../records/record-batch.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from './offsets.js';
import { resolveClientOptions, type ClientOptions } from './options.js';
import { withRetries } from './retry.js';
import * as security from './admin-security.js';

export type AdminOptions = ClientOptions;

export interface NewTopic {
  topic: string;
  /** Default -1: the broker's num.partitions. */
  numPartitions?: number;
  /** Default -1: the broker's default. */
  replicationFactor?: number;
  configs?: Record<string, string>;
}

export type ConfigResourceType = 'topic' | 'broker';
const RESOURCE_TYPE: Record<ConfigResourceType, number> = { topic: 2, broker: 4 };
const CONFIG_SOURCES = ['UNKNOWN', 'DYNAMIC_TOPIC_CONFIG', 'DYNAMIC_BROKER_CONFIG', 'DYNAMIC_DEFAULT_BROKER_CONFIG', 'STATIC_BROKER_CONFIG', 'DEFAULT_CONFIG', 'DYNAMIC_BROKER_LOGGER_CONFIG', 'CLIENT_METRICS_CONFIG', 'GROUP_CONFIG'];

export interface ConfigEntry {
  name: string;
  value: string | null;
  readOnly: boolean;
  isDefault: boolean;
  isSensitive: boolean;
  source: string;
}

export interface ConfigResourceResult {
  type: ConfigResourceType;
  name: string;
  configs: ConfigEntry[];
}

export interface GroupListing {
  groupId: string;
  protocolType: string;
  state: string;
}

export interface GroupMemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  assignment: Array<{ topic: string; partitions: number[] }>;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  members: GroupMemberDescription[];
}

export interface PartitionLag {
  topic: string;
  partition: number;
  /** -1 when the group has no committed offset. */
  currentOffset: number;
  logEndOffset: number;
  /** -1 when unknown (no committed offset). */
  lag: number;
  consumerId: string | null;
  host: string | null;
  clientId: string | null;
}

export class Admin {
  private readonly cluster: Cluster;

  constructor(options: AdminOptions) {
    this.cluster = new Cluster(resolveClientOptions(options, 'brook-admin'));
  }

  async connect(): Promise<void> {
    await this.cluster.anyConnection();
  }

  // -- topics ---------------------------------------------------------------------------------

  async listTopics(options: { includeInternal?: boolean } = {}): Promise<string[]> {
    const topics = await this.cluster.fetchAll();
    return topics.filter((t) => options.includeInternal || !t.isInternal).map((t) => t.name).sort();
  }

  async createTopics(options: { topics: NewTopic[]; validateOnly?: boolean; timeoutMs?: number }): Promise<void> {
    const conn = await this.controller();
    const res = await conn.send(Api.createTopics, {
      topics: options.topics.map((t) => ({
        name: t.topic,
        numPartitions: t.numPartitions ?? -1,
        replicationFactor: t.replicationFactor ?? -1,
        assignments: [],
        configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
      timeoutMs: options.timeoutMs ?? this.cluster.options.requestTimeoutMs,
      validateOnly: options.validateOnly ?? false,
    });
    for (const t of res.topics) throwIfError(t.errorCode, `create topic ${t.name}`, t.errorMessage);
  }

  async deleteTopics(options: { topics: string[]; timeoutMs?: number }): Promise<void> {
    const conn = await this.controller();
    const res = await conn.send(Api.deleteTopics, {
      topicNames: options.topics,
      topics: options.topics.map((name) => ({ name, topicId: 'AAAAAAAAAAAAAAAAAAAAAA' })),
      timeoutMs: options.timeoutMs ?? this.cluster.options.requestTimeoutMs,
    });
    for (const t of res.responses) throwIfError(t.errorCode, `delete topic ${t.name}`, t.errorMessage);
    for (const t of options.topics) this.cluster.forget(t);
  }

  /** Partitions, leaders and replicas of topics (all topics when none are named; internal ones only if asked). */
  async describeTopics(options: { topics?: string[]; includeInternal?: boolean } = {}): Promise<TopicInfo[]> {
    if (!options.topics || options.topics.length === 0) {
      return (await this.cluster.fetchAll()).filter((t) => options.includeInternal || !t.isInternal).sort((a, b) => (a.name < b.name ? -1 : 1));
    }
    const out: TopicInfo[] = [];
    for (const name of options.topics) {
      this.cluster.forget(name);
      out.push(await this.cluster.topic(name));
    }
    return out;
  }

  /** Grows topics to `count` partitions. */
  async createPartitions(options: { topicPartitions: Array<{ topic: string; count: number }>; timeoutMs?: number; validateOnly?: boolean }): Promise<void> {
    const conn = await this.controller();
    const res = await conn.send(Api.createPartitions, {
      topics: options.topicPartitions.map((t) => ({ name: t.topic, count: t.count, assignments: null })),
      timeoutMs: options.timeoutMs ?? this.cluster.options.requestTimeoutMs,
      validateOnly: options.validateOnly ?? false,
    });
    for (const t of res.results) throwIfError(t.errorCode, `create partitions for ${t.name}`, t.errorMessage);
    for (const t of options.topicPartitions) this.cluster.forget(t.topic);
  }

  /**
   * Moves partitions to new replica sets (replicas: null cancels a move in progress); the move
   * completes in the background once the new replicas are in sync (see listPartitionReassignments).
   */
  async alterPartitionReassignments(options: { topics: Array<{ topic: string; partitionAssignment: Array<{ partition: number; replicas: number[] | null }> }>; timeoutMs?: number }): Promise<void> {
    const conn = await this.controller();
    const res = await conn.send(Api.alterPartitionReassignments, {
      timeoutMs: options.timeoutMs ?? this.cluster.options.requestTimeoutMs,
      topics: options.topics.map((t) => ({ name: t.topic, partitions: t.partitionAssignment.map((p) => ({ partitionIndex: p.partition, replicas: p.replicas })) })),
    });
    throwIfError(res.errorCode, 'AlterPartitionReassignments', res.errorMessage);
    for (const t of res.responses) for (const p of t.partitions) throwIfError(p.errorCode, `reassign ${t.name}-${p.partitionIndex}`, p.errorMessage);
    for (const t of options.topics) this.cluster.forget(t.topic);
  }

  /** Partitions being moved (all, or those named), with the full replica set and the replicas being added and removed. */
  async listPartitionReassignments(options: { topics?: Array<{ topic: string; partitions: number[] }>; timeoutMs?: number } = {}): Promise<Array<{ topic: string; partition: number; replicas: number[]; addingReplicas: number[]; removingReplicas: number[] }>> {
    const conn = await this.controller();
    const res = await conn.send(Api.listPartitionReassignments, {
      timeoutMs: options.timeoutMs ?? this.cluster.options.requestTimeoutMs,
      topics: options.topics ? options.topics.map((t) => ({ name: t.topic, partitionIndexes: t.partitions })) : null,
    });
    throwIfError(res.errorCode, 'ListPartitionReassignments', res.errorMessage);
    return res.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas, addingReplicas: p.addingReplicas, removingReplicas: p.removingReplicas })));
  }

  async describeCluster(): Promise<{ clusterId: string | null; controllerId: number; brokers: BrokerInfo[] }> {
    const conn = await this.cluster.anyConnection();
    if (conn.versionOf(Api.describeCluster) >= 0) {
      const res = await conn.send(Api.describeCluster, { includeClusterAuthorizedOperations: false });
      throwIfError(res.errorCode, 'DescribeCluster', res.errorMessage);
      return {
        clusterId: res.clusterId,
        controllerId: res.controllerId ?? -1,
        brokers: res.brokers.map((b) => ({ nodeId: b.brokerId, host: b.host, port: b.port, rack: b.rack ?? null })),
      };
    }
    await this.cluster.fetchAll();
    return { clusterId: this.cluster.clusterId, controllerId: this.cluster.controllerId, brokers: [...this.cluster.brokers.values()] };
  }

  // -- offsets and records ----------------------------------------------------------------------

  /** Per partition of a topic: the offset for a timestamp, or earliest/latest. */
  async listOffsets(topic: string, spec: 'earliest' | 'latest' | { timestamp: number } = 'latest'): Promise<Array<{ partition: number; offset: number }>> {
    const info = await this.cluster.topicWithRetries(topic);
    const ts = spec === 'earliest' ? EARLIEST_TIMESTAMP : spec === 'latest' ? LATEST_TIMESTAMP : spec.timestamp;
    const res = await listOffsets(this.cluster, info.partitions.map((p) => ({ topic, partition: p.partition, timestamp: ts })));
    return info.partitions.map((p) => ({ partition: p.partition, offset: res.get(`${topic}\0${p.partition}`) ?? -1 }));
  }

  /**
   * Offsets of any set of partitions, across topics, in one ListOffsets per leader: earliest,
   * latest, or the first at or after a timestamp (-1 when none is).
   */
  async listPartitionOffsets(
    partitions: Array<{ topic: string; partition: number }>,
    spec: 'earliest' | 'latest' | { timestamp: number },
  ): Promise<Array<{ topic: string; partition: number; offset: number }>> {
    if (partitions.length === 0) return [];
    for (const topic of new Set(partitions.map((p) => p.topic))) await this.cluster.topicWithRetries(topic);
    const ts = spec === 'earliest' ? EARLIEST_TIMESTAMP : spec === 'latest' ? LATEST_TIMESTAMP : spec.timestamp;
    const res = await listOffsets(this.cluster, partitions.map((p) => ({ topic: p.topic, partition: p.partition, timestamp: ts })));
    return partitions.map((p) => ({ topic: p.topic, partition: p.partition, offset: res.get(`${p.topic}\0${p.partition}`) ?? -1 }));
  }

  /** Earliest (low) and latest (high) offsets of each partition. */
  async fetchTopicOffsets(topic: string): Promise<Array<{ partition: number; low: number; high: number }>> {
    const [low, high] = await Promise.all([this.listOffsets(topic, 'earliest'), this.listOffsets(topic, 'latest')]);
    return low.map((l, i) => ({ partition: l.partition, low: l.offset, high: high[i]!.offset }));
  }

  /** Deletes records before `offset` in each partition (-1: up to the high watermark). Returns the new low watermarks. */
  async deleteRecords(options: { topic: string; partitions: Array<{ partition: number; offset: number }>; timeoutMs?: number }): Promise<Array<{ partition: number; lowWatermark: number }>> {
    await this.cluster.topicWithRetries(options.topic);
    const byLeader = new Map<number, Array<{ partition: number; offset: number }>>();
    for (const p of options.partitions) {
      const leader = this.cluster.leaderOf(options.topic, p.partition);
      if (leader < 0) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${options.topic}-${p.partition} does not exist`);
      let l = byLeader.get(leader);
      if (!l) byLeader.set(leader, (l = []));
      l.push(p);
    }
    const out: Array<{ partition: number; lowWatermark: number }> = [];
    for (const [leader, list] of byLeader) {
      const conn = await this.cluster.connectionTo(leader);
      const res = await conn.send(Api.deleteRecords, {
        topics: [{ name: options.topic, partitions: list.map((p) => ({ partitionIndex: p.partition, offset: p.offset })) }],
        timeoutMs: options.timeoutMs ?? this.cluster.options.requestTimeoutMs,
      });
      for (const t of res.topics) {
        for (const p of t.partitions) {
          throwIfError(p.errorCode, `delete records ${t.name}-${p.partitionIndex}`);
          out.push({ partition: p.partitionIndex, lowWatermark: p.lowWatermark });
        }
      }
    }
    return out.sort((a, b) => a.partition - b.partition);
  }

  /**
   * Records of one partition from `offset`: one Fetch to its leader, no group and no wait (for
   * browsing tools such as the console). Control records are skipped; under read_uncommitted
   * (the default) aborted records are returned, as a read_uncommitted consumer sees them.
   */
  async readPartition(
    topic: string,
    partition: number,
    offset: number,
    options: { maxBytes?: number; maxRecords?: number } = {},
  ): Promise<{ records: ConsumerRecord[]; highWatermark: number; logStartOffset: number }> {
    const maxBytes = options.maxBytes ?? 1024 * 1024;
    const maxRecords = options.maxRecords ?? Infinity;
    const info = await this.cluster.topicWithRetries(topic);
    const leader = info.partitions.find((p) => p.partition === partition)?.leader ?? -1;
    if (leader < 0) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${topic}-${partition} has no leader`);
    const conn = await this.cluster.connectionTo(leader);
    const res = await conn.send(Api.fetch, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: maxBytes }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    throwIfError(res.errorCode, `fetch ${topic}-${partition}`);
    const answer = res.responses[0]?.partitions[0];
    if (!answer) return { records: [], highWatermark: -1, logStartOffset: -1 };
    throwIfError(answer.errorCode, `fetch ${topic}-${partition}`);
    const records: ConsumerRecord[] = [];
    if (answer.records && answer.records.length > 0) {
      outer: for (const batch of decodeBatches(answer.records)) {
        if (batch.isControl) continue;
        for (const r of batch.records) {
          // A fetch starts at the batch holding the offset: skip what comes before it.
          if (r.offset < offset) continue;
          if (records.length >= maxRecords) break outer;
          records.push({ topic, partition, offset: r.offset, timestamp: r.timestampMs, key: r.key, value: r.value, headers: r.headers });
        }
      }
    }
    return { records, highWatermark: answer.highWatermark, logStartOffset: answer.logStartOffset ?? -1 };
  }

  // -- configs ----------------------------------------------------------------------------------

  async describeConfigs(options: { resources: Array<{ type: ConfigResourceType; name: string; configNames?: string[] }> }): Promise<ConfigResourceResult[]> {
    const conn = await this.cluster.anyConnection();
    const res = await conn.send(Api.describeConfigs, {
      resources: options.resources.map((r) => ({ resourceType: RESOURCE_TYPE[r.type], resourceName: r.name, configurationKeys: r.configNames ?? null })),
      includeSynonyms: false,
      includeDocumentation: false,
    });
    return res.results.map((r) => {
      throwIfError(r.errorCode, `describe configs of ${r.resourceName}`, r.errorMessage);
      return {
        type: r.resourceType === 4 ? 'broker' : 'topic',
        name: r.resourceName,
        configs: r.configs.map((c) => ({
          name: c.name,
          value: c.value,
          readOnly: c.readOnly,
          isDefault: c.isDefault ?? c.configSource === 5,
          isSensitive: c.isSensitive,
          source: CONFIG_SOURCES[c.configSource ?? 0] ?? 'UNKNOWN',
        })),
      };
    });
  }

  /**
   * Sets (value string) or removes (value null) configs. Uses IncrementalAlterConfigs when the
   * broker has it; plain AlterConfigs replaces the whole set, so there we merge with the current
   * dynamic values first.
   */
  async alterConfigs(options: { resources: Array<{ type: ConfigResourceType; name: string; configs: Record<string, string | null> }>; validateOnly?: boolean }): Promise<void> {
    const conn = await this.cluster.anyConnection();
    const validateOnly = options.validateOnly ?? false;
    if (conn.versionOf(Api.incrementalAlterConfigs) >= 0) {
      const res = await conn.send(Api.incrementalAlterConfigs, {
        resources: options.resources.map((r) => ({
          resourceType: RESOURCE_TYPE[r.type],
          resourceName: r.name,
          configs: Object.entries(r.configs).map(([name, value]) => ({ name, configOperation: value === null ? 1 : 0, value })),
        })),
        validateOnly,
      });
      for (const r of res.responses) throwIfError(r.errorCode, `alter configs of ${r.resourceName}`, r.errorMessage);
      return;
    }
    const current = await this.describeConfigs({ resources: options.resources.map((r) => ({ type: r.type, name: r.name })) });
    const res = await conn.send(Api.alterConfigs, {
      resources: options.resources.map((r, i) => {
        const merged = new Map<string, string | null>();
        // A broker's own set is DYNAMIC_BROKER_CONFIG; the cluster default's ('') DYNAMIC_DEFAULT_BROKER_CONFIG.
        const own = r.type === 'topic' ? 'DYNAMIC_TOPIC_CONFIG' : r.name === '' ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG';
        for (const c of current[i]!.configs) if (c.source === own) merged.set(c.name, c.value);
        for (const [name, value] of Object.entries(r.configs)) {
          if (value === null) merged.delete(name);
          else merged.set(name, value);
        }
        return { resourceType: RESOURCE_TYPE[r.type], resourceName: r.name, configs: [...merged].map(([name, value]) => ({ name, value })) };
      }),
      validateOnly,
    });
    for (const r of res.responses) throwIfError(r.errorCode, `alter configs of ${r.resourceName}`, r.errorMessage);
  }

  // -- groups -----------------------------------------------------------------------------------

  async listGroups(): Promise<GroupListing[]> {
    await this.cluster.fetchAll();
    const brokers = [...this.cluster.brokers.keys()];
    const out: GroupListing[] = [];
    for (const id of brokers) {
      const conn = await this.cluster.connectionTo(id);
      const res = await conn.send(Api.listGroups, {});
      throwIfError(res.errorCode, 'ListGroups');
      for (const g of res.groups) out.push({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState ?? '' });
    }
    return out.sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    const out: GroupDescription[] = [];
    for (const groupId of groupIds) {
      const conn = await findGroupCoordinator(this.cluster, groupId);
      const res = await conn.send(Api.describeGroups, { groups: [groupId], includeAuthorizedOperations: false });
      for (const g of res.groups) {
        throwIfError(g.errorCode, `describe group ${g.groupId}`);
        out.push({
          groupId: g.groupId,
          state: g.groupState,
          protocolType: g.protocolType,
          protocol: g.protocolData,
          members: g.members.map((m) => ({
            memberId: m.memberId,
            groupInstanceId: m.groupInstanceId ?? null,
            clientId: m.clientId,
            clientHost: m.clientHost,
            assignment: g.protocolType === 'consumer' ? safeAssignment(m.memberAssignment) : [],
          })),
        });
      }
    }
    return out;
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    for (const groupId of groupIds) {
      const conn = await findGroupCoordinator(this.cluster, groupId);
      const res = await conn.send(Api.deleteGroups, { groupsNames: [groupId] });
      for (const r of res.results) throwIfError(r.errorCode, `delete group ${r.groupId}`);
    }
  }

  /** Committed offsets of a group (all partitions it has offsets for). */
  async fetchGroupOffsets(groupId: string, topics?: string[]): Promise<Array<{ topic: string; partition: number; offset: number; metadata: string | null }>> {
    const conn = await findGroupCoordinator(this.cluster, groupId);
    let request;
    if (topics) {
      const list = [];
      for (const t of topics) list.push({ name: t, partitionIndexes: (await this.cluster.topicWithRetries(t)).partitions.map((p) => p.partition) });
      request = { groupId, topics: list, requireStable: false };
    } else request = { groupId, topics: null, requireStable: false };
    const res = await conn.send(Api.offsetFetch, request);
    throwIfError(res.errorCode, `fetch offsets of group ${groupId}`);
    const out = [];
    for (const t of res.topics ?? []) {
      for (const p of t.partitions) {
        throwIfError(p.errorCode, `fetch offsets ${t.name}-${p.partitionIndex}`);
        out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, metadata: p.metadata });
      }
    }
    return out.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** Kafka's `kafka-consumer-groups --describe`: per partition, committed offset, log end, lag, owner. */
  async describeGroupLag(groupId: string): Promise<PartitionLag[]> {
    const [description] = await this.describeGroups([groupId]);
    const committed = await this.fetchGroupOffsets(groupId);
    const owners = new Map<string, GroupMemberDescription>();
    for (const m of description?.members ?? []) for (const tp of m.assignment) for (const p of tp.partitions) owners.set(`${tp.topic}\0${p}`, m);
    const rows = new Map<string, { topic: string; partition: number; offset: number }>();
    for (const c of committed) rows.set(`${c.topic}\0${c.partition}`, c);
    for (const k of owners.keys()) {
      if (rows.has(k)) continue;
      const [topic, p] = k.split('\0') as [string, string];
      rows.set(k, { topic, partition: Number(p), offset: -1 });
    }
    const ends = await listOffsets(this.cluster, [...rows.values()].map((r) => ({ topic: r.topic, partition: r.partition, timestamp: LATEST_TIMESTAMP })));
    return [...rows]
      .map(([k, r]) => {
        const end = ends.get(k) ?? -1;
        const owner = owners.get(k);
        return {
          topic: r.topic,
          partition: r.partition,
          currentOffset: r.offset,
          logEndOffset: end,
          lag: r.offset >= 0 && end >= 0 ? Math.max(0, end - r.offset) : -1,
          consumerId: owner?.memberId ?? null,
          host: owner?.clientHost ?? null,
          clientId: owner?.clientId ?? null,
        };
      })
      .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
  }

  /** Sets a group's committed offsets (the group must have no active members, as in Kafka). */
  async setGroupOffsets(groupId: string, offsets: Array<{ topic: string; partition: number; offset: number }>): Promise<void> {
    const conn = await findGroupCoordinator(this.cluster, groupId);
    const byTopic = new Map<string, Array<{ partitionIndex: number; committedOffset: number; committedLeaderEpoch: number; committedMetadata: string }>>();
    for (const o of offsets) {
      let l = byTopic.get(o.topic);
      if (!l) byTopic.set(o.topic, (l = []));
      l.push({ partitionIndex: o.partition, committedOffset: o.offset, committedLeaderEpoch: -1, committedMetadata: '' });
    }
    const res = await conn.send(Api.offsetCommit, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })) });
    for (const t of res.topics) for (const p of t.partitions) throwIfError(p.errorCode, `commit offset ${t.name}-${p.partitionIndex} for group ${groupId}`);
  }

  /** OffsetDelete: removes a group's committed offsets for these partitions (no member may be consuming them). */
  async deleteGroupOffsets(groupId: string, partitions: Array<{ topic: string; partition: number }>): Promise<void> {
    if (partitions.length === 0) return;
    const conn = await findGroupCoordinator(this.cluster, groupId);
    const byTopic = new Map<string, Array<{ partitionIndex: number }>>();
    for (const p of partitions) {
      let l = byTopic.get(p.topic);
      if (!l) byTopic.set(p.topic, (l = []));
      l.push({ partitionIndex: p.partition });
    }
    const res = await conn.send(Api.offsetDelete, { groupId, topics: [...byTopic].map(([name, list]) => ({ name, partitions: list })) });
    throwIfError(res.errorCode, `delete offsets of group ${groupId}`);
    for (const t of res.topics) for (const p of t.partitions) throwIfError(p.errorCode, `delete offset ${t.name}-${p.partitionIndex} of group ${groupId}`);
  }

  // -- security: ACLs, SCRAM credentials, client quotas (admin-security.ts) ---------------------

  async createAcls(acls: security.AclBinding[]): Promise<void> {
    return security.createAcls(await this.cluster.anyConnection(), acls);
  }

  async describeAcls(filter: security.AclFilter): Promise<security.AclBinding[]> {
    return security.describeAcls(await this.cluster.anyConnection(), filter);
  }

  async deleteAcls(filters: security.AclFilter[]): Promise<security.AclBinding[][]> {
    return security.deleteAcls(await this.cluster.anyConnection(), filters);
  }

  async describeUserScramCredentials(users?: string[]): Promise<security.ScramCredentialInfo[]> {
    return security.describeUserScramCredentials(await this.cluster.anyConnection(), users);
  }

  async alterUserScramCredentials(changes: Parameters<typeof security.alterUserScramCredentials>[1]): Promise<void> {
    return security.alterUserScramCredentials(await this.cluster.anyConnection(), changes);
  }

  async describeClientQuotas(components: security.QuotaFilterComponent[], strict = false): ReturnType<typeof security.describeClientQuotas> {
    return security.describeClientQuotas(await this.cluster.anyConnection(), components, strict);
  }

  async alterClientQuotas(entries: Parameters<typeof security.alterClientQuotas>[1], validateOnly = false): Promise<void> {
    return security.alterClientQuotas(await this.cluster.anyConnection(), entries, validateOnly);
  }

  async close(): Promise<void> {
    await this.cluster.close();
  }

  disconnect(): Promise<void> {
    return this.close();
  }

  /** The controller for topic changes (any broker forwards in KRaft; Brook is one node). */
  private async controller() {
    return withRetries(this.cluster.options, async () => {
      await this.cluster.fetchAll();
      const id = this.cluster.controllerId;
      return id >= 0 && this.cluster.brokers.has(id) ? this.cluster.connectionTo(id) : this.cluster.anyConnection();
    });
  }
}

function safeAssignment(buf: Buffer): Array<{ topic: string; partitions: number[] }> {
  try {
    return [...decodeAssignment(buf)].map(([topic, partitions]) => ({ topic, partitions }));
  } catch {
    return [];
  }
}
