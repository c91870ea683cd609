/**
 * ClusterClient on Brook's own client (src/client): Admin for metadata, offsets, configs and
 * groups (and one plain Fetch for browsing, Admin.readPartition), Producer for produce. Works
 * against Brook and any Kafka cluster, like the client itself.
 */
import { Admin, KafkaError, ErrorCode, Producer } from '../client/index.js';
import type { TopicInfo } from '../client/cluster.js';
import { resetGroupOffsets, type ResetOffsetsRequest, type ResetOffsetsResult, type ResetOps } from './reset-offsets.js';
import {
  ClusterRequestError,
  type BrowseRequest,
  type BrowseResult,
  type BrowsedMessage,
  type ClusterClient,
  type ClusterOverview,
  type ConfigEntry,
  type CreateTopicRequest,
  type GroupDetail,
  type GroupPartitionLag,
  type GroupSummary,
  type ProduceRequest,
  type ProduceResult,
  type TopicDetail,
  type TopicSummary,
} from './cluster-client.js';

const MAX_FETCH_BYTES = 4 * 1024 * 1024;
/** How long createTopic waits for the new partitions to have leaders (as kafkajs' waitForLeaders). */
const LEADER_WAIT_ATTEMPTS = 20;
const LEADER_WAIT_MS = 100;

export interface BrookClientOptions {
  /** `host:port[,host:port...]` */
  bootstrapServers: string;
  clientId?: string;
  requestTimeoutMs?: number;
}

export class BrookClusterClient implements ClusterClient {
  private readonly admin: Admin;
  private readonly producer: Producer;

  constructor(options: BrookClientOptions) {
    const common = {
      bootstrapServers: options.bootstrapServers.split(',').map((s) => s.trim()).filter(Boolean),
      clientId: options.clientId ?? 'brook-console',
      requestTimeoutMs: options.requestTimeoutMs ?? 10_000,
      connectTimeoutMs: options.requestTimeoutMs ?? 10_000,
      // A person is waiting on the page: fail after a short retry rather than minutes later.
      retries: 2,
      retryBackoffMs: 100,
      retryBackoffMaxMs: 1_000,
      // The console shows what is there now: metadata is refreshed on every page load anyway.
      metadataMaxAgeMs: 1_000,
    };
    this.admin = new Admin(common);
    this.producer = new Producer({ ...common, acks: -1, lingerMs: 0 });
  }

  async overview(): Promise<ClusterOverview> {
    const [cluster, topics] = await Promise.all([this.admin.describeCluster(), this.admin.describeTopics({ includeInternal: true })]);
    const ends = await this.admin.listPartitionOffsets(partitionsOf(topics), 'latest').catch(() => []);
    let partitionCount = 0;
    let underReplicated = 0;
    let offline = 0;
    for (const t of topics) {
      for (const p of t.partitions) {
        partitionCount++;
        if (p.isr.length < p.replicas.length) underReplicated++;
        if (p.leader < 0) offline++;
      }
    }
    return {
      clusterId: cluster.clusterId,
      controllerId: cluster.controllerId >= 0 ? cluster.controllerId : null,
      brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack })),
      topicCount: topics.length,
      partitionCount,
      underReplicatedPartitions: underReplicated,
      offlinePartitions: offline,
      endOffsetTotal: ends.reduce((n, o) => n + Math.max(0, o.offset), 0),
    };
  }

  async listTopics(): Promise<TopicSummary[]> {
    const topics = await this.admin.describeTopics({ includeInternal: true });
    const all = partitionsOf(topics);
    const [low, high] = await Promise.all([this.admin.listPartitionOffsets(all, 'earliest').catch(() => []), this.admin.listPartitionOffsets(all, 'latest').catch(() => [])]);
    const retained = new Map<string, number>();
    for (let i = 0; i < high.length; i++) {
      const h = high[i]!;
      const l = low[i];
      retained.set(h.topic, (retained.get(h.topic) ?? 0) + Math.max(0, h.offset - Math.max(0, l?.offset ?? 0)));
    }
    return topics
      .map((t) => ({
        name: t.name,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        internal: t.isInternal || t.name.startsWith('__'),
        messages: retained.get(t.name) ?? 0,
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async topic(name: string): Promise<TopicDetail> {
    const info = await this.describeTopic(name);
    const all = partitionsOf([info]);
    const [low, high, configs] = await Promise.all([this.admin.listPartitionOffsets(all, 'earliest'), this.admin.listPartitionOffsets(all, 'latest'), this.topicConfigs(name)]);
    return {
      name,
      internal: info.isInternal || name.startsWith('__'),
      partitions: info.partitions
        .map((p, i) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr, lowWatermark: low[i]!.offset, highWatermark: high[i]!.offset }))
        .sort((a, b) => a.partition - b.partition),
      configs,
    };
  }

  /** Configs, or none when the cluster does not answer DescribeConfigs (the page says so). */
  private async topicConfigs(name: string): Promise<ConfigEntry[]> {
    try {
      const [result] = await this.admin.describeConfigs({ resources: [{ type: 'topic', name }] });
      return (result?.configs ?? [])
        .map((c) => ({
          name: c.name,
          value: c.value,
          isDefault: c.isDefault,
          isOverride: c.source === 'DYNAMIC_TOPIC_CONFIG',
          readOnly: c.readOnly,
          sensitive: c.isSensitive,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return [];
    }
  }

  async createTopic(request: CreateTopicRequest): Promise<void> {
    try {
      await this.admin.createTopics({ topics: [{ topic: request.name, numPartitions: request.partitions, replicationFactor: request.replicationFactor, configs: request.configs }] });
    } catch (err) {
      if (isKafkaError(err, ErrorCode.TOPIC_ALREADY_EXISTS)) throw new ClusterRequestError(`topic '${request.name}' already exists`, 409);
      throw refused(err, `the cluster refused to create '${request.name}'`);
    }
    await this.waitForLeaders(request.name);
  }

  private async waitForLeaders(name: string): Promise<void> {
    for (let attempt = 0; attempt < LEADER_WAIT_ATTEMPTS; attempt++) {
      const info = await this.admin.describeTopics({ topics: [name] }).then(([t]) => t, () => undefined);
      if (info && info.partitions.length > 0 && info.partitions.every((p) => p.leader >= 0)) return;
      await new Promise((r) => setTimeout(r, LEADER_WAIT_MS));
    }
  }

  async deleteTopic(name: string): Promise<void> {
    await this.describeTopic(name);
    try {
      await this.admin.deleteTopics({ topics: [name] });
    } catch (err) {
      throw refused(err, `the cluster refused to delete '${name}'`);
    }
  }

  async alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<void> {
    await this.describeTopic(name);
    try {
      // IncrementalAlterConfigs where the broker has it: other overrides are left as they are.
      await this.admin.alterConfigs({ resources: [{ type: 'topic', name, configs: changes }] });
    } catch (err) {
      throw refused(err, 'the cluster refused the config change');
    }
  }

  async browse(request: BrowseRequest): Promise<BrowseResult> {
    const info = await this.describeTopic(request.topic);
    const partition = info.partitions.find((p) => p.partition === request.partition);
    if (!partition) throw new ClusterRequestError(`topic '${request.topic}' has no partition ${request.partition}`, 404);
    if (partition.leader < 0) throw new ClusterRequestError(`partition ${request.partition} of '${request.topic}' has no leader right now`, 503);
    const tp = [{ topic: request.topic, partition: request.partition }];
    const [[low], [high]] = await Promise.all([this.admin.listPartitionOffsets(tp, 'earliest'), this.admin.listPartitionOffsets(tp, 'latest')]);
    const lowWatermark = low!.offset;
    const highWatermark = high!.offset;
    let offset = Math.max(request.offset, lowWatermark);
    if (request.timestampMs !== undefined) {
      const [found] = await this.admin.listPartitionOffsets(tp, { timestamp: request.timestampMs });
      offset = found!.offset < 0 ? highWatermark : found!.offset;
    }
    let messages: BrowsedMessage[] = [];
    if (offset < highWatermark) {
      const read = await this.admin.readPartition(request.topic, request.partition, offset, { maxBytes: MAX_FETCH_BYTES, maxRecords: request.limit });
      messages = read.records.map((r) => ({
        partition: r.partition,
        offset: r.offset,
        timestampMs: r.timestamp,
        key: r.key ? r.key.toString('utf8') : null,
        value: r.value ? r.value.toString('utf8') : null,
        headers: r.headers.map((h) => ({ key: h.key, value: h.value ? h.value.toString('utf8') : null })),
      }));
    }
    const last = messages[messages.length - 1];
    return { messages, lowWatermark, highWatermark, nextOffset: last ? last.offset + 1 : offset };
  }

  async produce(request: ProduceRequest): Promise<ProduceResult> {
    await this.describeTopic(request.topic);
    try {
      const [meta] = await this.producer.send({
        topic: request.topic,
        messages: [
          {
            key: request.key,
            value: request.value,
            headers: request.headers.map((h) => ({ key: h.key, value: h.value })),
            ...(request.partition !== null ? { partition: request.partition } : {}),
          },
        ],
      });
      return { partition: meta!.partition, offset: meta!.offset };
    } catch (err) {
      throw refused(err, 'the cluster refused the message');
    }
  }

  async listGroups(): Promise<GroupSummary[]> {
    const listed = await this.admin.listGroups();
    if (listed.length === 0) return [];
    const described = await this.admin.describeGroups(listed.map((g) => g.groupId));
    return described
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.state, members: g.members.length }))
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async group(groupId: string): Promise<GroupDetail> {
    const described = await this.describeGroup(groupId);
    if (!described) throw new ClusterRequestError(`consumer group '${groupId}' does not exist`, 404);
    const committed = (await this.admin.fetchGroupOffsets(groupId)).filter((c) => c.offset >= 0);
    const ends = await this.admin.listPartitionOffsets(committed.map((c) => ({ topic: c.topic, partition: c.partition })), 'latest');
    const offsets: GroupPartitionLag[] = committed.map((c, i) => {
      const highWatermark = Math.max(0, ends[i]!.offset);
      return { topic: c.topic, partition: c.partition, committedOffset: c.offset, highWatermark, lag: Math.max(0, highWatermark - c.offset) };
    });
    return {
      groupId,
      protocolType: described.protocolType,
      state: described.state,
      members: described.members.length,
      membersDetail: described.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost })),
      offsets,
      totalLag: offsets.reduce((n, o) => n + o.lag, 0),
    };
  }

  resetGroupOffsets(request: ResetOffsetsRequest): Promise<ResetOffsetsResult> {
    const admin = this.admin;
    const ops: ResetOps = {
      describeGroup: async (groupId) => {
        const g = await this.describeGroup(groupId);
        return g ? { state: g.state, members: g.members.length } : null;
      },
      committedOffsets: async (groupId) => (await admin.fetchGroupOffsets(groupId)).filter((c) => c.offset >= 0),
      partitions: async (topic) => {
        try {
          return (await this.describeTopic(topic)).partitions.map((p) => p.partition);
        } catch (err) {
          if (err instanceof ClusterRequestError && err.status === 404) return null;
          throw err;
        }
      },
      listOffsets: async (topic, spec) => {
        const info = await this.describeTopic(topic);
        const found = await admin.listPartitionOffsets(partitionsOf([info]), typeof spec === 'string' ? spec : { timestamp: spec.timestampMs });
        return new Map(found.map((o) => [o.partition, o.offset]));
      },
      commit: async (groupId, offsets) => {
        try {
          await admin.setGroupOffsets(groupId, offsets);
        } catch (err) {
          throw refused(err, 'the cluster refused the new offsets', 409);
        }
      },
    };
    return resetGroupOffsets(ops, request);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.admin.close(), this.producer.close()]);
  }

  /** The topic's metadata, fresh; ClusterRequestError(404) when it does not exist. */
  private async describeTopic(name: string): Promise<TopicInfo> {
    try {
      const [info] = await this.admin.describeTopics({ topics: [name] });
      return info!;
    } catch (err) {
      if (isKafkaError(err, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION)) throw new ClusterRequestError(`topic '${name}' does not exist`, 404);
      throw err;
    }
  }

  /** The group as its coordinator describes it; null when it does not know it (Kafka answers state Dead). */
  private async describeGroup(groupId: string) {
    const [g] = await this.admin.describeGroups([groupId]);
    return !g || g.state === 'Dead' ? null : g;
  }
}

function partitionsOf(topics: TopicInfo[]): Array<{ topic: string; partition: number }> {
  return topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
}

function isKafkaError(err: unknown, code: number): boolean {
  return err instanceof KafkaError && err.code === code;
}

/** A refusal the person can act on; failures to reach the cluster stay errors (502). */
function refused(err: unknown, what: string, status = 400): Error {
  if (err instanceof KafkaError) return new ClusterRequestError(`${what}: ${err.message}`, status);
  return err as Error;
}
