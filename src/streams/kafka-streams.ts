/**
 * KafkaStreams: runs a topology against a broker, at_least_once or exactly_once_v2.
 *
 * exactly_once_v2: one transactional producer per instance; everything a commit interval produces
 * (outputs, repartition records, changelog records) and the input offsets it consumed commit in one
 * transaction (offsets through sendOffsetsToTransaction with the consumer's group metadata, so a
 * zombie member is fenced by its generation). Inputs and changelogs are read read_committed, so a
 * crash never double-counts: an aborted transaction's outputs and state changes are invisible, and
 * its inputs are processed again from the committed offsets. Losing partitions in a rebalance with a
 * transaction open aborts it and rebuilds every task from the changelogs.
 *
 * The application id is the consumer group; each assigned input partition number is a task with
 * its own stores; logged stores write to `<applicationId>-<store>-changelog` (compacted, created
 * here) and are restored from it when the task starts. Outputs go through the client Producer and
 * input offsets are committed only after those outputs are acknowledged.
 */
import { randomUUID } from 'node:crypto';
import { Admin, Consumer, KafkaError, Producer, type ConsumerRecord } from '../client/index.js';
import { changelogTopic } from './stores/state-store.js';
import { StreamTask } from './task.js';
import type { Topology } from './topology.js';
import type { StateStore } from './stores/state-store.js';
import { ProducerCollector } from './runtime/producer-collector.js';
import { restoreTask } from './runtime/restore.js';
import { inTimestampOrder } from './runtime/timestamp-order.js';
import type { KeyValueStore } from './stores/key-value-store.js';
import type { WindowStore } from './stores/window-store.js';
import type { SessionStore } from './stores/session-store.js';
import { readOnlyKeyValueStore, readOnlySessionStore, readOnlyWindowStore, type ReadOnlyKeyValueStore, type ReadOnlySessionStore, type ReadOnlyWindowStore, type StoreLookup } from './queryable-stores.js';
import { GlobalStoreUpdater, GlobalStores } from './runtime/global-stores.js';

export interface KafkaStreamsOptions {
  applicationId: string;
  bootstrapServers: string | string[];
  /** Default at_least_once. */
  processingGuarantee?: 'at_least_once' | 'exactly_once_v2';
  /** Default 30000, or 100 under exactly_once_v2 (Kafka's defaults). */
  commitIntervalMs?: number;
  /**
   * exactly_once_v2: names this instance's transactional id (`<applicationId>-<instanceId>`). A
   * restarted instance with the same id fences its predecessor and aborts its open transaction at
   * once; without one a random id is used and an abandoned transaction ends after
   * transactionTimeoutMs. Instances running at the same time need different ids.
   */
  instanceId?: string;
  /** exactly_once_v2: the producer's transaction.timeout.ms. Default 10000 (Kafka Streams' default). */
  transactionTimeoutMs?: number;
  /** state.dir: persistent stores live under `<stateDir>/<applicationId>/<taskId>/`. Default `<tmp>/brook-streams`. */
  stateDir?: string;
  /** Replication factor of the changelog topics; default -1 (the broker's default). */
  replicationFactor?: number;
  /** Consumer group tuning, passed to the client Consumer. */
  sessionTimeoutMs?: number;
  rebalanceTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long one poll waits for records. Default 100. */
  pollMs?: number;
  /** Default 60000. */
  restoreTimeoutMs?: number;
  /** Called once when processing fails; the instance is then in state ERROR. */
  onError?: (err: Error) => void;
  clock?: () => number;
}

export type StreamsState = 'CREATED' | 'RUNNING' | 'PENDING_SHUTDOWN' | 'NOT_RUNNING' | 'ERROR';

export class KafkaStreams {
  private stateValue: StreamsState = 'CREATED';
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly consumer: Consumer;
  private readonly collector: ProducerCollector;
  private readonly tasks = new Map<number, StreamTask>();
  /** Next offset to commit per "topic\0partition": the records before it are processed. */
  private readonly processed = new Map<string, { topic: string; partition: number; offset: number }>();
  /** Next offset each kept task expects per "topic\0partition" (not reset by commits). */
  private readonly positions = new Map<string, number>();
  private readonly clock: () => number;
  private loop: Promise<void> | null = null;
  private lastCommitMs = 0;
  private failure: Error | null = null;
  private readonly globals: GlobalStores;
  private readonly globalUpdater: GlobalStoreUpdater;
  private readonly exactlyOnce: boolean;
  private readonly commitIntervalMs: number;
  /** exactly_once_v2: whether a transaction is open (begun, not yet committed or aborted). */
  private inTransaction = false;

  constructor(
    private readonly topology: Topology,
    private readonly options: KafkaStreamsOptions,
  ) {
    const guarantee = options.processingGuarantee ?? 'at_least_once';
    if (guarantee !== 'at_least_once' && guarantee !== 'exactly_once_v2') throw new TypeError(`unknown processingGuarantee ${String(guarantee)}`);
    if (topology.sourceTopics().length === 0) throw new TypeError('the topology has no source topics');
    this.exactlyOnce = guarantee === 'exactly_once_v2';
    this.commitIntervalMs = options.commitIntervalMs ?? (this.exactlyOnce ? 100 : 30_000);
    this.clock = options.clock ?? Date.now;
    const client = { bootstrapServers: options.bootstrapServers, clientId: options.applicationId, clock: this.clock };
    this.admin = new Admin(client);
    this.producer = new Producer({
      ...client,
      acks: 'all',
      ...(this.exactlyOnce ? { transactionalId: `${options.applicationId}-${options.instanceId ?? randomUUID()}`, transactionTimeoutMs: options.transactionTimeoutMs ?? 10_000 } : {}),
    });
    this.consumer = new Consumer({
      ...client,
      groupId: options.applicationId,
      autoCommit: false,
      autoOffsetReset: 'earliest',
      isolationLevel: this.exactlyOnce ? 'read_committed' : 'read_uncommitted',
      maxWaitMs: options.pollMs ?? 100,
      // Kafka Streams' max.poll.records: each poll round ends with an acknowledgement barrier.
      maxPollRecords: 1000,
      ...(options.sessionTimeoutMs !== undefined ? { sessionTimeoutMs: options.sessionTimeoutMs } : {}),
      ...(options.rebalanceTimeoutMs !== undefined ? { rebalanceTimeoutMs: options.rebalanceTimeoutMs } : {}),
      ...(options.heartbeatIntervalMs !== undefined ? { heartbeatIntervalMs: options.heartbeatIntervalMs } : {}),
    });
    this.collector = new ProducerCollector(this.producer);
    this.globals = new GlobalStores(topology, options.applicationId);
    this.globalUpdater = new GlobalStoreUpdater(this.globals, { bootstrapServers: options.bootstrapServers, clientId: options.applicationId, timeoutMs: options.restoreTimeoutMs ?? 60_000, clock: this.clock });
  }

  state(): StreamsState {
    return this.stateValue;
  }

  /** The error that stopped processing, if any. */
  error(): Error | null {
    return this.failure;
  }

  /** Creates internal topics, joins the group and starts processing in the background. */
  async start(): Promise<void> {
    if (this.stateValue !== 'CREATED') throw new TypeError(`start() in state ${this.stateValue}`);
    const partitions = await this.inputPartitions();
    await this.createInternalTopics(partitions);
    await this.globalUpdater.bootstrap(this.admin);
    if (this.exactlyOnce) await this.producer.initTransactions();
    await this.consumer.subscribe({ topics: this.topology.inputTopics(this.options.applicationId), fromBeginning: true });
    this.stateValue = 'RUNNING';
    this.lastCommitMs = this.clock();
    this.loop = this.run().catch((err: Error) => this.fail(err));
  }

  /** Stops processing, commits what was processed (after its outputs are acked), leaves the group. */
  async close(): Promise<void> {
    if (this.stateValue === 'NOT_RUNNING') return;
    const wasRunning = this.stateValue === 'RUNNING';
    if (wasRunning) this.stateValue = 'PENDING_SHUTDOWN';
    await this.loop;
    try {
      if (wasRunning && !this.failure) await this.commit();
      else if (this.inTransaction) await this.producer.abortTransaction().catch(() => {});
    } finally {
      for (const task of this.tasks.values()) task.close();
      this.tasks.clear();
      this.globals.close();
      await this.globalUpdater.close();
      await this.consumer.close();
      await this.producer.close();
      await this.admin.close();
      if (this.stateValue !== 'ERROR') this.stateValue = 'NOT_RUNNING';
    }
  }

  /** A task's local store (task = input partition), or a global store (any partition), for tests and tools. */
  localStore<S extends StateStore>(storeName: string, partition: number): S | null {
    return ((this.tasks.get(partition)?.stores.get(storeName) ?? this.globals.stores.get(storeName)) as S | undefined) ?? null;
  }

  /** Interactive queries: a key-value store (or a global table's store) across this instance's tasks. */
  keyValueStore<K, V>(storeName: string): ReadOnlyKeyValueStore<K, V> {
    return readOnlyKeyValueStore(this.queryable<KeyValueStore<K, V>>(storeName));
  }

  /** Interactive queries over a windowed aggregation's store. */
  windowStore<K, V>(storeName: string): ReadOnlyWindowStore<K, V> {
    return readOnlyWindowStore(this.queryable<WindowStore<K, V>>(storeName));
  }

  /** Interactive queries over a session aggregation's store. */
  sessionStore<K, V>(storeName: string): ReadOnlySessionStore<K, V> {
    return readOnlySessionStore(this.queryable<SessionStore<K, V>>(storeName));
  }

  /** Looks the store up on every call: tasks move with rebalances. Fails like Kafka's InvalidStateStoreException. */
  private queryable<S extends StateStore>(storeName: string): StoreLookup<S> {
    if (!this.topology.stores.has(storeName) && !this.globals.stores.has(storeName)) throw new TypeError(`no store named ${storeName} in this topology`);
    return () => {
      if (this.stateValue !== 'RUNNING') throw new Error(`store ${storeName} cannot be queried: the application is ${this.stateValue}, not RUNNING`);
      const global = this.globals.stores.get(storeName);
      if (global) return [global as S];
      return [...this.tasks.values()].map((t) => t.stores.get(storeName) as S);
    };
  }

  /** Partition numbers with a running task. */
  activeTasks(): number[] {
    return [...this.tasks.keys()].sort((a, b) => a - b);
  }

  private async run(): Promise<void> {
    while (this.stateValue === 'RUNNING') {
      // A rebalance can happen inside poll() and hand our partitions to another member, which then
      // restores from the changelogs: everything we wrote must be acknowledged before that.
      await this.collector.awaitAcks();
      const records = await this.consumer.poll({ timeoutMs: this.options.pollMs ?? 100 });
      await this.globalUpdater.update();
      if (this.dropRevokedTasks() && this.inTransaction) await this.abortAndRewind();
      // Everything processing or punctuation produces belongs to the open transaction.
      this.beginTransactionIfNeeded();
      for (const r of inTimestampOrder(records)) {
        // Only a new task is awaited (its restore): processing itself is synchronous.
        const task = this.tasks.get(r.partition) ?? (await this.createTask(r.partition));
        this.processRecord(task, r);
      }
      for (const task of this.tasks.values()) task.punctuateWallClock();
      this.collector.flush();
      if (this.clock() - this.lastCommitMs >= this.commitIntervalMs) await this.commit();
    }
  }

  private processRecord(task: StreamTask, r: ConsumerRecord): void {
    const k = `${r.topic}\0${r.partition}`;
    // An eager rebalance that hands a partition straight back rewinds the consumer to the last
    // commit while the task keeps its state: records the task already applied are skipped.
    if (r.offset < (this.positions.get(k) ?? -1)) return;
    task.process(r.topic, r.offset, r.key, r.value, r.timestamp, r.headers);
    this.positions.set(k, r.offset + 1);
    // One entry per partition until the next commit takes them: updated in place, not per record.
    const done = this.processed.get(k);
    if (done) done.offset = r.offset + 1;
    else this.processed.set(k, { topic: r.topic, partition: r.partition, offset: r.offset + 1 });
  }

  private async createTask(partition: number): Promise<StreamTask> {
    const task = new StreamTask(this.topology, partition, this.options.applicationId, this.collector, this.clock, this.globals.stores, this.options.stateDir);
    await restoreTask(task, this.admin, {
      bootstrapServers: this.options.bootstrapServers,
      applicationId: this.options.applicationId,
      timeoutMs: this.options.restoreTimeoutMs ?? 60_000,
      clock: this.clock,
      // Changelog records of aborted (or still open) transactions are no state at all.
      readCommitted: this.exactlyOnce,
    });
    task.init();
    this.tasks.set(partition, task);
    return task;
  }

  /**
   * Tasks whose partitions moved to another member are closed; they restore from the changelog if
   * they come back. Returns whether any was closed.
   */
  private dropRevokedTasks(): boolean {
    const assigned = new Set(this.consumer.assignment().map((tp) => tp.partition));
    let dropped = false;
    for (const [partition, task] of this.tasks) {
      if (assigned.has(partition)) continue;
      task.close();
      this.tasks.delete(partition);
      dropped = true;
    }
    for (const [k, p] of this.processed) if (!assigned.has(p.partition)) this.processed.delete(k);
    for (const k of this.positions.keys()) if (!this.tasks.has(Number(k.slice(k.indexOf('\0') + 1)))) this.positions.delete(k);
    return dropped;
  }

  private beginTransactionIfNeeded(): void {
    if (!this.exactlyOnce || this.inTransaction) return;
    this.producer.beginTransaction();
    this.inTransaction = true;
  }

  /**
   * exactly_once_v2 after losing partitions mid-transaction: the open transaction holds outputs of
   * records whose offsets can no longer be committed by us, so it is aborted; every task's state may
   * include its effects, so all tasks are rebuilt from the changelogs and read on from the
   * committed offsets.
   */
  private async abortAndRewind(): Promise<void> {
    this.collector.discard();
    await this.producer.abortTransaction();
    this.inTransaction = false;
    for (const task of this.tasks.values()) task.close();
    this.tasks.clear();
    this.processed.clear();
    this.positions.clear();
    const assigned = this.consumer.assignment();
    for (const c of await this.consumer.committed(assigned)) this.consumer.seek({ ...c, offset: Math.max(0, c.offset) });
  }

  private async commit(): Promise<void> {
    this.lastCommitMs = this.clock();
    if (this.exactlyOnce) return this.commitTransaction();
    await this.collector.awaitAcks();
    if (this.processed.size === 0) return;
    const offsets = [...this.processed.values()];
    this.processed.clear();
    try {
      await this.consumer.commit(offsets);
    } catch (err) {
      // A commit refused by the coordinator (rebalance, fenced generation) is retried at the next
      // interval for partitions still owned; at_least_once tolerates the reprocessing this may cause.
      if (!(err instanceof KafkaError)) throw err;
      for (const o of offsets) {
        const k = `${o.topic}\0${o.partition}`;
        if (!this.processed.has(k)) this.processed.set(k, o);
      }
    }
  }

  /** Outputs, changelog records and input offsets commit together; a failure here stops the app (ERROR). */
  private async commitTransaction(): Promise<void> {
    if (!this.inTransaction) return;
    this.collector.flush();
    const offsets = [...this.processed.values()];
    if (offsets.length > 0) await this.producer.sendOffsetsToTransaction({ consumerGroupMetadata: this.consumer.groupMetadata(), offsets });
    await this.producer.commitTransaction();
    await this.collector.awaitAcks();
    this.processed.clear();
    this.inTransaction = false;
  }

  private async inputPartitions(): Promise<number> {
    const counts = new Map<string, number>();
    for (const topic of this.topology.sourceTopics()) {
      const [info] = await this.admin.describeTopics({ topics: [topic] });
      if (!info || info.errorCode !== 0 || info.partitions.length === 0) throw new Error(`source topic ${topic} does not exist`);
      counts.set(topic, info.partitions.length);
    }
    if (this.topology.requiresCopartitioning && new Set(counts.values()).size > 1) {
      throw new Error(`joined topics must be co-partitioned, but their partition counts differ: ${[...counts].map(([t, n]) => `${t}=${n}`).join(', ')}`);
    }
    return Math.max(...counts.values());
  }

  /**
   * Changelogs (compacted) and repartition topics (kept until read, as Kafka's: delete policy, no
   * time limit), each with as many partitions as the inputs so task N owns partition N of all.
   */
  private async createInternalTopics(partitions: number): Promise<void> {
    const existing = new Set(await this.admin.listTopics({ includeInternal: true }));
    const appId = this.options.applicationId;
    const changelogs = [...this.topology.stores.values()].filter((s) => s.loggingEnabled).map((s) => ({ topic: changelogTopic(appId, s.name), configs: { 'cleanup.policy': 'compact' } }));
    const repartitions = [...this.topology.internalTopics].map((t) => ({ topic: this.topology.resolveTopic(appId, t), configs: { 'cleanup.policy': 'delete', 'retention.ms': '-1' } }));
    const topics = [...changelogs, ...repartitions]
      .filter((t) => !existing.has(t.topic))
      .map((t) => ({ ...t, numPartitions: partitions, replicationFactor: this.options.replicationFactor ?? -1 }));
    if (topics.length > 0) await this.admin.createTopics({ topics });
    for (const t of repartitions) await this.checkPartitions(t.topic, partitions);
  }

  /** A repartition topic left from a run with other input partition counts would mis-route keys. */
  private async checkPartitions(topic: string, partitions: number): Promise<void> {
    const [info] = await this.admin.describeTopics({ topics: [topic] });
    if (info && info.partitions.length !== partitions) throw new Error(`internal topic ${topic} has ${info.partitions.length} partitions, the inputs have ${partitions}; delete it or reset the application`);
  }

  private fail(err: Error): void {
    this.failure = err;
    this.stateValue = 'ERROR';
    this.options.onError?.(err);
  }
}
