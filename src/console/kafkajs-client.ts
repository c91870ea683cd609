/**
 * ClusterClient on kafkajs (admin and producer) plus one direct Fetch for browsing. kafkajs is a
 * maintained, widely used client that works against any Kafka cluster; when Brook's own client
 * (src/client) is complete this file is the one to replace.
 */
import kafkajs from 'kafkajs';
import type { Admin, Producer } from 'kafkajs';
import { fetchMessages } from './wire-fetch.js';
import { resetGroupOffsets, type ResetOffsetsRequest, type ResetOffsetsResult } from './reset-offsets.js';
import {
  ClusterRequestError,
  type BrowseRequest,
  type BrowseResult,
  type ClusterClient,
  type ClusterOverview,
  type ConfigEntry,
  type CreateTopicRequest,
  type GroupDetail,
  type GroupSummary,
  type ProduceRequest,
  type ProduceResult,
  type TopicDetail,
  type TopicSummary,
} from './cluster-client.js';

const { Kafka, logLevel, ConfigResourceTypes } = kafkajs;
/** DescribeConfigs source DYNAMIC_TOPIC_CONFIG: an override set on the topic. */
const TOPIC_CONFIG_SOURCE = 1;

export interface KafkajsClientOptions {
  /** `host:port[,host:port...]` */
  bootstrapServers: string;
  clientId?: string;
  requestTimeoutMs?: number;
}

export class KafkajsClusterClient implements ClusterClient {
  private readonly admin: Admin;
  private readonly producer: Producer;
  private connected: Promise<void> | null = null;
  private readonly clientId: string;
  private readonly timeoutMs: number;

  constructor(options: KafkajsClientOptions) {
    this.clientId = options.clientId ?? 'brook-console';
    this.timeoutMs = options.requestTimeoutMs ?? 10_000;
    const kafka = new Kafka({
      clientId: this.clientId,
      brokers: options.bootstrapServers.split(',').map((s) => s.trim()).filter(Boolean),
      logLevel: logLevel.NOTHING,
      connectionTimeout: this.timeoutMs,
      requestTimeout: this.timeoutMs,
      // A person is waiting on the page: fail after a short retry rather than minutes later.
      retry: { retries: 2, initialRetryTime: 100, maxRetryTime: 1_000 },
    });
    this.admin = kafka.admin();
    this.producer = kafka.producer({ allowAutoTopicCreation: false, idempotent: false });
  }

  private connect(): Promise<void> {
    this.connected ??= Promise.all([this.admin.connect(), this.producer.connect()]).then(
      () => undefined,
      (err: unknown) => {
        this.connected = null;
        throw err;
      },
    );
    return this.connected;
  }

  async overview(): Promise<ClusterOverview> {
    await this.connect();
    const [cluster, metadata] = await Promise.all([this.admin.describeCluster(), this.admin.fetchTopicMetadata()]);
    const offsets = await Promise.all(metadata.topics.map((t) => this.admin.fetchTopicOffsets(t.name).catch(() => [])));
    let partitionCount = 0;
    let underReplicated = 0;
    let offline = 0;
    for (const topic of metadata.topics) {
      for (const p of topic.partitions) {
        partitionCount++;
        if (p.isr.length < p.replicas.length) underReplicated++;
        if (p.leader < 0) offline++;
      }
    }
    return {
      clusterId: cluster.clusterId ?? null,
      controllerId: cluster.controller ?? null,
      brokers: cluster.brokers.map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: null })),
      topicCount: metadata.topics.length,
      partitionCount,
      underReplicatedPartitions: underReplicated,
      offlinePartitions: offline,
      endOffsetTotal: offsets.flat().reduce((n, o) => n + Number(o.high), 0),
    };
  }

  async listTopics(): Promise<TopicSummary[]> {
    await this.connect();
    const metadata = await this.admin.fetchTopicMetadata();
    const offsets = await Promise.all(metadata.topics.map((t) => this.admin.fetchTopicOffsets(t.name).catch(() => [])));
    return metadata.topics
      .map((t, i) => ({
        name: t.name,
        partitions: t.partitions.length,
        replicationFactor: t.partitions[0]?.replicas.length ?? 0,
        internal: t.name.startsWith('__'),
        messages: offsets[i]!.reduce((n, o) => n + (Number(o.high) - Number(o.low)), 0),
      }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async topic(name: string): Promise<TopicDetail> {
    await this.connect();
    await this.requireTopic(name);
    const [metadata, offsets] = await Promise.all([this.admin.fetchTopicMetadata({ topics: [name] }), this.admin.fetchTopicOffsets(name)]);
    const topic = metadata.topics[0]!;
    const byPartition = new Map(offsets.map((o) => [o.partition, o]));
    return {
      name,
      internal: name.startsWith('__'),
      partitions: topic.partitions
        .map((p) => ({
          partition: p.partitionId,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
          lowWatermark: Number(byPartition.get(p.partitionId)?.low ?? 0),
          highWatermark: Number(byPartition.get(p.partitionId)?.high ?? 0),
        }))
        .sort((a, b) => a.partition - b.partition),
      configs: await this.topicConfigs(name),
    };
  }

  /** Configs, or none when the cluster does not answer DescribeConfigs (the page says so). */
  private async topicConfigs(name: string): Promise<ConfigEntry[]> {
    try {
      const result = await this.admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name }], includeSynonyms: false });
      return (result.resources[0]?.configEntries ?? [])
        .map((c) => ({
          name: c.configName,
          value: c.configValue,
          isDefault: c.isDefault,
          isOverride: c.configSource === undefined ? !c.isDefault : c.configSource === TOPIC_CONFIG_SOURCE,
          readOnly: c.readOnly,
          sensitive: c.isSensitive,
        }))
        .sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return [];
    }
  }

  async createTopic(request: CreateTopicRequest): Promise<void> {
    await this.connect();
    let created: boolean;
    try {
      created = await this.admin.createTopics({
        waitForLeaders: true,
        topics: [
          {
            topic: request.name,
            numPartitions: request.partitions,
            replicationFactor: request.replicationFactor,
            configEntries: Object.entries(request.configs).map(([name, value]) => ({ name, value })),
          },
        ],
      });
    } catch (err) {
      throw new ClusterRequestError(`the cluster refused to create '${request.name}': ${describe(err)}`);
    }
    if (!created) throw new ClusterRequestError(`topic '${request.name}' already exists`, 409);
  }

  async deleteTopic(name: string): Promise<void> {
    await this.connect();
    await this.requireTopic(name);
    try {
      await this.admin.deleteTopics({ topics: [name], timeout: this.timeoutMs });
    } catch (err) {
      throw new ClusterRequestError(`the cluster refused to delete '${name}': ${describe(err)}`);
    }
  }

  async alterTopicConfigs(name: string, changes: Record<string, string | null>): Promise<void> {
    await this.connect();
    await this.requireTopic(name);
    // kafkajs speaks AlterConfigs, which replaces a topic's whole set of overrides: send the
    // current overrides with the changes applied so untouched overrides survive.
    const overrides = new Map((await this.topicConfigs(name)).filter((c) => c.isOverride && !c.readOnly && c.value !== null).map((c) => [c.name, c.value!]));
    for (const [key, value] of Object.entries(changes)) {
      if (value === null) overrides.delete(key);
      else overrides.set(key, value);
    }
    try {
      await this.admin.alterConfigs({
        validateOnly: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name, configEntries: [...overrides].map(([configName, configValue]) => ({ name: configName, value: configValue })) }],
      });
    } catch (err) {
      throw new ClusterRequestError(`the cluster refused the config change: ${describe(err)}`);
    }
  }

  async browse(request: BrowseRequest): Promise<BrowseResult> {
    await this.connect();
    await this.requireTopic(request.topic);
    const [metadata, offsets, cluster] = await Promise.all([
      this.admin.fetchTopicMetadata({ topics: [request.topic] }),
      this.admin.fetchTopicOffsets(request.topic),
      this.admin.describeCluster(),
    ]);
    const partition = metadata.topics[0]!.partitions.find((p) => p.partitionId === request.partition);
    if (!partition) throw new ClusterRequestError(`topic '${request.topic}' has no partition ${request.partition}`, 404);
    const range = offsets.find((o) => o.partition === request.partition);
    const lowWatermark = Number(range?.low ?? 0);
    const highWatermark = Number(range?.high ?? 0);
    const leader = cluster.brokers.find((b) => b.nodeId === partition.leader);
    if (!leader) throw new ClusterRequestError(`partition ${request.partition} of '${request.topic}' has no leader right now`, 503);
    const offset = request.timestampMs === undefined ? Math.max(request.offset, lowWatermark) : await this.offsetForTime(request.topic, request.partition, request.timestampMs, highWatermark);
    const messages =
      offset >= highWatermark
        ? []
        : await fetchMessages({ host: leader.host, port: leader.port, topic: request.topic, partition: request.partition, offset, limit: request.limit }, { clientId: this.clientId, timeoutMs: this.timeoutMs });
    const last = messages[messages.length - 1];
    return { messages, lowWatermark, highWatermark, nextOffset: last ? last.offset + 1 : offset };
  }

  /** First offset at or after the time; the end of the partition when nothing is that new. */
  private async offsetForTime(topic: string, partition: number, timestampMs: number, highWatermark: number): Promise<number> {
    const found = (await this.admin.fetchTopicOffsetsByTimestamp(topic, timestampMs)).find((o) => o.partition === partition);
    const offset = Number(found?.offset ?? -1);
    return offset < 0 ? highWatermark : offset;
  }

  async produce(request: ProduceRequest): Promise<ProduceResult> {
    await this.connect();
    await this.requireTopic(request.topic);
    try {
      const [meta] = await this.producer.send({
        topic: request.topic,
        acks: -1,
        messages: [
          {
            key: request.key,
            value: request.value,
            ...(request.partition !== null ? { partition: request.partition } : {}),
            headers: Object.fromEntries(request.headers.map((h) => [h.key, h.value ?? ''])),
          },
        ],
      });
      return { partition: meta!.partition, offset: Number(meta!.baseOffset ?? meta!.offset ?? -1) };
    } catch (err) {
      throw new ClusterRequestError(`the cluster refused the message: ${describe(err)}`);
    }
  }

  async listGroups(): Promise<GroupSummary[]> {
    await this.connect();
    const { groups } = await this.admin.listGroups();
    if (groups.length === 0) return [];
    const described = await this.admin.describeGroups(groups.map((g) => g.groupId));
    return described.groups
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.state, members: g.members.length }))
      .sort((a, b) => a.groupId.localeCompare(b.groupId));
  }

  async group(groupId: string): Promise<GroupDetail> {
    await this.connect();
    const { groups } = await this.admin.listGroups();
    if (!groups.some((g) => g.groupId === groupId)) throw new ClusterRequestError(`consumer group '${groupId}' does not exist`, 404);
    const [described] = (await this.admin.describeGroups([groupId])).groups;
    const committed = await this.admin.fetchOffsets({ groupId });
    const offsets = [];
    for (const topic of committed) {
      const ends = new Map((await this.admin.fetchTopicOffsets(topic.topic)).map((o) => [o.partition, Number(o.high)]));
      for (const p of topic.partitions) {
        const committedOffset = Number(p.offset);
        if (committedOffset < 0) continue;
        const highWatermark = ends.get(p.partition) ?? 0;
        offsets.push({ topic: topic.topic, partition: p.partition, committedOffset, highWatermark, lag: Math.max(0, highWatermark - committedOffset) });
      }
    }
    return {
      groupId,
      protocolType: described!.protocolType,
      state: described!.state,
      members: described!.members.length,
      membersDetail: described!.members.map((m) => ({ memberId: m.memberId, clientId: m.clientId, host: m.clientHost })),
      offsets,
      totalLag: offsets.reduce((n, o) => n + o.lag, 0),
    };
  }

  async resetGroupOffsets(request: ResetOffsetsRequest): Promise<ResetOffsetsResult> {
    await this.connect();
    const admin = this.admin;
    return resetGroupOffsets(
      {
        describeGroup: async (groupId) => {
          const { groups } = await admin.listGroups();
          if (!groups.some((g) => g.groupId === groupId)) return null;
          const [g] = (await admin.describeGroups([groupId])).groups;
          return { state: g!.state, members: g!.members.length };
        },
        committedOffsets: async (groupId) =>
          (await admin.fetchOffsets({ groupId })).flatMap((t) => t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) }))).filter((o) => o.offset >= 0),
        partitions: async (topic) => {
          if (!(await admin.listTopics()).includes(topic)) return null;
          return (await admin.fetchTopicMetadata({ topics: [topic] })).topics[0]!.partitions.map((p) => p.partitionId);
        },
        listOffsets: async (topic, spec) => {
          if (spec === 'earliest' || spec === 'latest') {
            return new Map((await admin.fetchTopicOffsets(topic)).map((o) => [o.partition, Number(spec === 'earliest' ? o.low : o.high)]));
          }
          return new Map((await admin.fetchTopicOffsetsByTimestamp(topic, spec.timestampMs)).map((o) => [o.partition, Number(o.offset)]));
        },
        commit: async (groupId, offsets) => {
          const byTopic = new Map<string, { partition: number; offset: string }[]>();
          for (const o of offsets) byTopic.set(o.topic, [...(byTopic.get(o.topic) ?? []), { partition: o.partition, offset: String(o.offset) }]);
          try {
            for (const [topic, partitions] of byTopic) await admin.setOffsets({ groupId, topic, partitions });
          } catch (err) {
            throw new ClusterRequestError(`the cluster refused the new offsets: ${describe(err)}`, 409);
          }
        },
      },
      request,
    );
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.admin.disconnect(), this.producer.disconnect()]);
  }

  private async requireTopic(name: string): Promise<void> {
    const topics = await this.admin.listTopics();
    if (!topics.includes(name)) throw new ClusterRequestError(`topic '${name}' does not exist`, 404);
  }
}

function describe(err: unknown): string {
  const e = err as { type?: string; message?: string };
  return e?.type ? `${e.type}: ${e.message}` : String(e?.message ?? err);
}
