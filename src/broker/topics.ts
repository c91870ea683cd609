/**
 * The topic registry: the one owner of which topics exist, their ids, partition counts and
 * config overrides. Every change goes through here and is persisted in the store's catalogue
 * before it is visible, so a restart sees exactly the topics that were acknowledged.
 */
import { randomBytes } from 'node:crypto';
import type { LogConfig, LogStore, TopicRecord } from '../storage/types.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import { Partition } from './partition.js';
import { MemoryPartitionLog } from '../storage/memory/memory-partition-log.js';
import { collisionKey, isInternalTopic, topicNameProblem } from './topic-name.js';

export class Topic {
  constructor(
    readonly name: string,
    readonly topicId: string,
    readonly partitions: Partition[],
    /**
     * Config overrides. Never mutated: a change replaces the object (the broker caches parsed
     * settings per object, see settings.ts).
     */
    public configs: Readonly<Record<string, string>>,
  ) {}

  get internal(): boolean {
    return isInternalTopic(this.name);
  }

  record(): TopicRecord {
    return { name: this.name, topicId: this.topicId, partitionCount: this.partitions.length, configs: { ...this.configs } };
  }
}

/**
 * Where topic changes are decided in cluster mode (etcd, src/cluster); absent on a single node.
 * Each call resolves once the change is written there AND applied to this registry.
 */
export interface TopicAuthority {
  createTopic(name: string, partitionCount: number, configs: Record<string, string>, placement?: TopicPlacement): Promise<void>;
  deleteTopic(name: string): Promise<void>;
  addPartitions(name: string, count: number, assignments?: number[][]): Promise<void>;
  alterConfigs(name: string, configs: Record<string, string>): Promise<void>;
}

/** How CreateTopics asked for replicas: a factor (-1 = default), or explicit broker lists. */
export interface TopicPlacement {
  replicationFactor?: number;
  assignments?: number[][];
}

export interface TopicRegistryOptions {
  store: LogStore;
  /** Effective log settings for a topic with these overrides. */
  logConfigFor(overrides: Record<string, string>): LogConfig;
  /** 16 random bytes for a topic id; injected so tests are deterministic. */
  randomBytes?: (size: number) => Buffer;
}

export class TopicRegistry {
  private readonly byName = new Map<string, Topic>();
  private readonly byId = new Map<string, Topic>();
  /** Serialises catalogue changes: each waits for the previous one. */
  private changeChain: Promise<unknown> = Promise.resolve();
  private readonly random: (size: number) => Buffer;
  private authority: TopicAuthority | null = null;
  private readonly placeholders = new WeakSet<Partition>();

  constructor(private readonly options: TopicRegistryOptions) {
    this.random = options.randomBytes ?? randomBytes;
  }

  /** Opens every partition of every topic in the catalogue. */
  async load(): Promise<void> {
    for (const record of await this.options.store.loadTopics()) {
      const topic = await this.openTopic(record);
      this.index(topic);
    }
  }

  /** Cluster mode: topic changes go through `authority`, which applies them here with applyRemote/removeRemote. */
  useAuthority(authority: TopicAuthority): void {
    this.authority = authority;
  }

  /**
   * Cluster mode: makes the local topic match etcd's record (opens it, adds partitions, updates
   * configs; a different topic id means the topic was deleted and re-created, so the old data goes).
   */
  applyRemote(record: TopicRecord, hasReplica: (partition: number) => boolean = () => true): Promise<Topic> {
    return this.serialise(async () => {
      let topic = this.byName.get(record.name);
      if (topic && topic.topicId !== record.topicId) {
        await this.dropLocal(topic);
        topic = undefined;
      }
      if (!topic) {
        topic = await this.openTopic(record, hasReplica);
        this.index(topic);
      } else {
        const logConfig = this.options.logConfigFor(record.configs);
        for (let i = topic.partitions.length; i < record.partitionCount; i++) topic.partitions.push(await this.openPartition(record.name, i, logConfig, hasReplica(i)));
        if (!sameConfigs(topic.configs, record.configs)) {
          const frozen = Object.freeze({ ...record.configs });
          for (const p of topic.partitions) p.log.updateConfig(logConfig);
          topic.configs = frozen;
        }
      }
      await this.options.store.saveTopics(this.list().map((t) => t.record()));
      return topic;
    });
  }

  /** Cluster mode: the topic is gone from etcd; its local data goes too. */
  removeRemote(name: string): Promise<void> {
    return this.serialise(async () => {
      const topic = this.byName.get(name);
      if (topic) await this.dropLocal(topic);
    });
  }

  private async dropLocal(topic: Topic): Promise<void> {
    this.byName.delete(topic.name);
    this.byId.delete(topic.topicId);
    await this.options.store.saveTopics(this.list().map((t) => t.record()));
    await Promise.all(topic.partitions.map((p) => this.options.store.deletePartition(topic.name, p.index)));
  }

  /** The store the topics live in (DescribeLogDirs reads its data dir). */
  get store(): LogStore {
    return this.options.store;
  }

  get(name: string): Topic | undefined {
    return this.byName.get(name);
  }

  getById(topicId: string): Topic | undefined {
    return this.byId.get(topicId);
  }

  list(): Topic[] {
    return [...this.byName.values()];
  }

  /** Creates a topic; throws KafkaError (INVALID_TOPIC_EXCEPTION, TOPIC_ALREADY_EXISTS, ...). */
  create(name: string, partitionCount: number, configs: Record<string, string> = {}, placement?: TopicPlacement): Promise<Topic> {
    this.checkCreatable(name);
    if (this.authority) return this.viaAuthority(name, this.authority.createTopic(name, partitionCount, configs, placement));
    return this.serialise(async () => {
      this.checkCreatable(name);
      const topic = await this.openTopic({ name, topicId: this.newTopicId(), partitionCount, configs });
      try {
        await this.options.store.saveTopics([...this.list().map((t) => t.record()), topic.record()]);
      } catch (err) {
        await Promise.all(topic.partitions.map((p) => this.options.store.deletePartition(name, p.index)));
        throw err;
      }
      this.index(topic);
      return topic;
    });
  }

  /** Returns the topic, creating it with `partitionCount` partitions (and `configs`) if it does not exist. */
  async getOrCreate(name: string, partitionCount: number, configs: Record<string, string> = {}): Promise<Topic> {
    const existing = this.byName.get(name);
    if (existing) return existing;
    try {
      return await this.create(name, partitionCount, configs);
    } catch (err) {
      const raced = this.byName.get(name);
      if (raced && err instanceof KafkaError && err.code === ErrorCode.TOPIC_ALREADY_EXISTS) return raced;
      throw err;
    }
  }

  delete(name: string): Promise<void> {
    if (this.authority) return this.authority.deleteTopic(name);
    return this.serialise(async () => {
      const topic = this.byName.get(name);
      if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
      this.byName.delete(name);
      this.byId.delete(topic.topicId);
      await this.options.store.saveTopics(this.list().map((t) => t.record()));
      await Promise.all(topic.partitions.map((p) => this.options.store.deletePartition(name, p.index)));
    });
  }

  /**
   * Replaces a topic's config overrides (validated by the caller): persisted in the catalogue
   * first, then applied to the open logs and made visible by swapping the configs object.
   */
  alterConfigs(name: string, configs: Record<string, string>): Promise<Topic> {
    if (this.authority) return this.viaAuthority(name, this.authority.alterConfigs(name, configs));
    return this.serialise(async () => {
      const topic = this.byName.get(name);
      if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
      const frozen = Object.freeze({ ...configs });
      await this.options.store.saveTopics(this.list().map((t) => (t === topic ? { ...t.record(), configs: { ...frozen } } : t.record())));
      const logConfig = this.options.logConfigFor(frozen);
      for (const p of topic.partitions) p.log.updateConfig(logConfig);
      topic.configs = frozen;
      return topic;
    });
  }

  /**
   * Pushes every topic's effective log config to its open logs again: a broker log default
   * changed (dynamic broker configs), so topics without their own override follow it at once.
   */
  reapplyLogConfigs(): void {
    for (const topic of this.byName.values()) {
      const logConfig = this.options.logConfigFor(topic.configs);
      for (const p of topic.partitions) p.log.updateConfig(logConfig);
    }
  }

  /** CreatePartitions: grows a topic to `count` partitions (checked by the caller to be larger). */
  addPartitions(name: string, count: number, assignments?: number[][]): Promise<Topic> {
    if (this.authority) return this.viaAuthority(name, this.authority.addPartitions(name, count, assignments));
    return this.serialise(async () => {
      const topic = this.byName.get(name);
      if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
      const current = topic.partitions.length;
      if (count <= current) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${count}.`);
      const logConfig = this.options.logConfigFor(topic.configs);
      const added: Partition[] = [];
      try {
        for (let i = current; i < count; i++) added.push(new Partition(name, i, await this.options.store.openPartition(name, i, logConfig)));
        await this.options.store.saveTopics(this.list().map((t) => (t === topic ? { ...t.record(), partitionCount: count } : t.record())));
      } catch (err) {
        await Promise.all(added.map((p) => this.options.store.deletePartition(name, p.index)));
        throw err;
      }
      topic.partitions.push(...added);
      return topic;
    });
  }

  private async viaAuthority(name: string, change: Promise<void>): Promise<Topic> {
    await change;
    const topic = this.byName.get(name);
    if (!topic) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} is not available on this broker yet`);
    return topic;
  }

  private checkCreatable(name: string): void {
    const problem = topicNameProblem(name);
    if (problem) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    if (this.byName.has(name)) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
    const key = collisionKey(name);
    for (const other of this.byName.keys()) {
      if (collisionKey(other) === key) {
        throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic: ${other}`);
      }
    }
  }

  private async openTopic(record: TopicRecord, hasReplica: (partition: number) => boolean = () => true): Promise<Topic> {
    const logConfig = this.options.logConfigFor(record.configs);
    const partitions: Partition[] = [];
    for (let i = 0; i < record.partitionCount; i++) partitions.push(await this.openPartition(record.name, i, logConfig, hasReplica(i)));
    return new Topic(record.name, record.topicId, partitions, record.configs);
  }

  /**
   * A partition with a replica here is opened in the store. Cluster mode keeps the others as empty
   * in-memory placeholders (nothing on disk), so `topic.partitions[i]` stays dense; they never lead,
   * so they refuse appends and answer NOT_LEADER_OR_FOLLOWER.
   */
  private async openPartition(topic: string, index: number, logConfig: LogConfig, local: boolean): Promise<Partition> {
    if (local) return new Partition(topic, index, await this.options.store.openPartition(topic, index, logConfig));
    const placeholder = new Partition(topic, index, new MemoryPartitionLog(topic, index, undefined, logConfig));
    placeholder.replicated = true;
    this.placeholders.add(placeholder);
    return placeholder;
  }

  /** Cluster mode: the partition became a local replica after its topic opened; open it in the store. */
  openReplica(name: string, index: number): Promise<Partition | undefined> {
    return this.serialise(async () => {
      const topic = this.byName.get(name);
      const current = topic?.partitions[index];
      if (!topic || !current || !this.placeholders.has(current)) return current;
      const opened = await this.openPartition(name, index, this.options.logConfigFor(topic.configs), true);
      topic.partitions[index] = opened;
      return opened;
    });
  }

  /**
   * Cluster mode: this broker is no longer a replica of the partition (reassigned away): it becomes
   * a placeholder again and its local data is deleted.
   */
  dropReplica(name: string, index: number): Promise<void> {
    return this.serialise(async () => {
      const topic = this.byName.get(name);
      const current = topic?.partitions[index];
      if (!topic || !current || this.placeholders.has(current)) return;
      topic.partitions[index] = await this.openPartition(name, index, this.options.logConfigFor(topic.configs), false);
      await this.options.store.deletePartition(name, index);
    });
  }

  /** Whether this partition is a cluster-mode placeholder (no replica here). */
  isPlaceholder(partition: Partition): boolean {
    return this.placeholders.has(partition);
  }

  private index(topic: Topic): void {
    this.byName.set(topic.name, topic);
    this.byId.set(topic.topicId, topic);
  }

  private newTopicId(): string {
    for (;;) {
      const id = this.random(16).toString('base64url');
      // Kafka reserves the all-zero id and 0...01 (the metadata topic).
      if (!/^A{21}[AB]$/.test(id) && !this.byId.has(id)) return id;
    }
  }

  private serialise<T>(change: () => Promise<T>): Promise<T> {
    const next = this.changeChain.then(change, change);
    this.changeChain = next.catch(() => undefined);
    return next;
  }
}

function sameConfigs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}
