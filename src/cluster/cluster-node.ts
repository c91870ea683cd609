/**
 * A broker's membership in an etcd-coordinated cluster: the glue between the etcd session, the
 * controller, the local TopicRegistry and the ReplicaManager (contract.ts).
 *
 * - Topic changes (CreateTopics, auto-create, CreatePartitions, DeleteTopics, AlterConfigs) are
 *   written to etcd by whichever broker receives them, as one compare-and-swap transaction; each
 *   broker's watch then applies them to its TopicRegistry. The caller's promise resolves once
 *   its own broker has applied the change, so a Metadata request that follows sees it.
 * - Partition states with a replica here are handed to the ReplicaRoleSink in order, per
 *   partition, latest state first-come (a slow apply never holds up the watch).
 * - It is the IsrWriter (CAS on partitionEpoch) and the BrokerDirectory of replication.
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from '../log/logger.js';
import type { TopicAuthority, TopicPlacement, TopicRegistry } from '../broker/topics.js';
import { collisionKey, topicNameProblem } from '../broker/topic-name.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { BrokerDirectory, BrokerEndpoint, IsrWriter, PartitionState, ReplicaRoleSink } from './contract.js';
import { EtcdSession, type KeyChange } from './etcd-session.js';
import { decodeJson, encodePartition, encodeTopic, isPartition, isTopic, type TopicDescriptor } from './keys.js';
import { Controller, type ElectionOutcome } from './controller.js';
import { placeReplicas } from './placement.js';
import { isReassigning, revertReassignment, startReassignment, targetProblem } from './reassignment.js';
import type { ClusterMetadata } from './metadata.js';
import type { ProducerIdBlocks } from '../txn/producer-ids.js';

export interface ClusterNodeOptions {
  endpoints: string[];
  nodeId: number;
  rack: string | null;
  /** `broker.session.timeout.ms`: the TTL of the broker's lease. */
  sessionTimeoutMs: number;
  logger: Logger;
  /** Broker defaults used when a request leaves them out. */
  defaults: {
    replicationFactor: number;
    offsetsTopicReplicationFactor: number;
    transactionStateLogReplicationFactor: number;
    uncleanLeaderElection: boolean;
  };
  /** Where partition 0 of a new topic starts in the broker list; random unless a test fixes it. */
  random?: () => number;
}

/** How long a topic change waits for this broker's watch to apply it before answering anyway. */
const APPLY_TIMEOUT_MS = 10_000;
/** How long a stopping broker waits for the controller to move its leaderships away. */
const SHUTDOWN_MOVE_TIMEOUT_MS = 5_000;

export class ClusterNode implements IsrWriter, BrokerDirectory, TopicAuthority, ProducerIdBlocks {
  readonly session: EtcdSession;
  clusterId = '';
  private controller!: Controller;
  private topics: TopicRegistry | null = null;
  private replicas: ReplicaRoleSink | null = null;
  /** Per partition: the apply in progress and the latest state waiting behind it. */
  private readonly applying = new Map<string, { running: Promise<void>; next: PartitionState | null }>();
  private readonly leadershipListeners = new Set<(state: PartitionState) => void>();

  constructor(private readonly options: ClusterNodeOptions) {
    this.session = new EtcdSession({ endpoints: options.endpoints, nodeId: options.nodeId, sessionTimeoutMs: options.sessionTimeoutMs, logger: options.logger });
  }

  get endpoints(): readonly string[] {
    return this.options.endpoints;
  }

  get localNodeId(): number {
    return this.options.nodeId;
  }

  get metadata(): ClusterMetadata {
    return this.session.metadata;
  }

  get isController(): boolean {
    return this.session.isController;
  }

  /** First step of startup (before the store opens): the cluster id everyone shares. */
  async connect(configuredClusterId: string | null): Promise<string> {
    this.clusterId = await this.session.resolveClusterId(configuredClusterId);
    this.controller = new Controller({
      client: this.session.client,
      keys: this.session.keys,
      metadata: this.session.metadata,
      logger: this.options.logger,
      uncleanElection: (topic) => this.uncleanElection(topic),
    });
    return this.clusterId;
  }

  /**
   * Joins: reads the cluster metadata, brings the local registry in line with it (topics gone
   * from etcd are deleted here), hands every local partition's state to `replicas`, then
   * registers the broker and stands for controller.
   */
  async start(endpoint: { host: string; port: number }, topics: TopicRegistry, replicas: ReplicaRoleSink | null): Promise<void> {
    this.topics = topics;
    this.replicas = replicas;
    topics.useAuthority(this);
    this.session.onChanges = (changes) => this.applyChanges(changes);
    this.session.onControllership = (active) => this.controller.setActive(active);
    await this.dropStaleLocalTopics(topics);
    const self: BrokerEndpoint = { nodeId: this.options.nodeId, host: endpoint.host, port: endpoint.port, rack: this.options.rack };
    await this.session.start(self);
    await this.session.waitForRevision(this.metadata.revision, APPLY_TIMEOUT_MS);
  }

  /**
   * Data of topics deleted from etcd while this broker was down (or deleted and re-created: another
   * topic id) goes before anything opens it under the new metadata.
   */
  private async dropStaleLocalTopics(topics: TopicRegistry): Promise<void> {
    const { client, keys } = this.session;
    const response = await client.getAll().prefix(`${keys.prefix}topics/`).exec();
    const live = new Map<string, string>();
    for (const kv of response.kvs) {
      const topic = decodeJson<TopicDescriptor>(kv.value, isTopic);
      if (topic) live.set(topic.name, topic.topicId);
    }
    // Partitions reassigned away from this broker while it was down lose their data too.
    const movedAway = new Set<string>();
    for (const kv of (await client.getAll().prefix(`${keys.prefix}partitions/`).exec()).kvs) {
      const state = decodeJson<PartitionState>(kv.value, isPartition);
      if (state && !state.replicas.includes(this.options.nodeId)) movedAway.add(`${state.topic} ${state.partition}`);
    }
    for (const local of await topics.store.loadTopics()) {
      const stale = live.get(local.name) !== local.topicId;
      if (stale) this.options.logger.info({ topic: local.name }, 'deleting local data of a topic that etcd no longer has');
      for (let i = 0; i < local.partitionCount; i++) {
        if (stale || movedAway.has(`${local.name} ${i}`)) await topics.store.deletePartition(local.name, i);
      }
    }
  }

  /** Controlled shutdown: leave the cluster first so leaderships move, then stop replicating. */
  async stop(): Promise<void> {
    await this.session.resign();
    const deadline = Date.now() + SHUTDOWN_MOVE_TIMEOUT_MS;
    while (Date.now() < deadline && this.leadsAnything() && this.othersAlive()) await sleep(100);
    await this.controller.idle();
    await Promise.all([...this.applying.values()].map((a) => a.running));
    await this.replicas?.close();
    await this.session.close();
  }

  endpoint(nodeId: number): BrokerEndpoint | undefined {
    return this.metadata.brokers.get(nodeId);
  }

  /** Called with each partition state applied locally (group/txn coordinators follow leadership). */
  onPartitionState(listener: (state: PartitionState) => void): void {
    this.leadershipListeners.add(listener);
  }

  /** The leader of a partition as this broker knows it; -1 when unknown or offline. */
  leaderOf(topic: string, partition: number): number {
    return this.metadata.partition(topic, partition)?.state.leader ?? -1;
  }

  // --- IsrWriter ---------------------------------------------------------------------------------

  async alterIsr(current: PartitionState, isr: number[]): Promise<PartitionState> {
    const { client, keys } = this.session;
    const key = keys.partition(current.topic, current.partition);
    for (let attempt = 0; ; attempt++) {
      const response = await client.get(key).exec();
      const kv = response.kvs[0];
      const stored = kv ? decodeJson<PartitionState>(kv.value, isPartition) : null;
      if (!kv || !stored) return { ...current, leader: -1 };
      if (stored.leaderEpoch !== current.leaderEpoch || stored.partitionEpoch !== current.partitionEpoch || stored.leader !== this.options.nodeId) return stored;
      // KIP-841: a broker that is not registered (dead, or shutting down) cannot join the ISR.
      const proposed = isr.filter((id) => stored.isr.includes(id) || this.metadata.isLive(id));
      if (proposed.length === 0) return stored;
      const next: PartitionState = { ...stored, isr: proposed, partitionEpoch: stored.partitionEpoch + 1 };
      const result = await client.if(key, 'Mod', '==', kv.mod_revision).then(client.put(key).value(encodePartition(next))).commit();
      if (result.succeeded) {
        this.options.logger.info({ topic: next.topic, partition: next.partition, isr: next.isr, partitionEpoch: next.partitionEpoch }, 'ISR changed');
        return next;
      }
      if (attempt >= 3) return stored;
    }
  }

  // --- Partition reassignment (AlterPartitionReassignments / ListPartitionReassignments) ---------

  /**
   * Starts moving a partition to `target` (null: cancels the reassignment in progress), as one CAS
   * on its state; the controller completes it once the new replicas are in sync. Resolves once this
   * broker has applied the write; throws KafkaError (UNKNOWN_TOPIC_OR_PARTITION,
   * INVALID_REPLICA_ASSIGNMENT, NO_REASSIGNMENT_IN_PROGRESS).
   */
  async alterReassignment(topic: string, partition: number, target: number[] | null): Promise<void> {
    const { client, keys } = this.session;
    const key = keys.partition(topic, partition);
    for (let attempt = 0; attempt < 10; attempt++) {
      const kv = (await client.get(key).exec()).kvs[0];
      const stored = kv ? decodeJson<PartitionState>(kv.value, isPartition) : null;
      if (!kv || !stored || !this.metadata.topics.has(topic)) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Partition ${topic}-${partition} does not exist`);
      let next: PartitionState;
      if (target === null) {
        if (!isReassigning(stored)) throw new KafkaError(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, `No reassignment of ${topic}-${partition} is in progress`);
        next = revertReassignment(stored);
      } else {
        const problem = targetProblem(target, (id) => this.metadata.isLive(id));
        if (problem) throw new KafkaError(ErrorCode.INVALID_REPLICA_ASSIGNMENT, problem);
        if (!isReassigning(stored) && sameList(stored.replicas, target)) return;
        next = startReassignment(stored, target);
      }
      const result = await client.if(key, 'Mod', '==', kv.mod_revision).then(client.put(key).value(encodePartition(next))).commit();
      if (result.succeeded) {
        this.options.logger.info({ topic, partition, replicas: next.replicas, adding: next.addingReplicas, removing: next.removingReplicas }, 'partition reassignment changed');
        await this.session.waitForRevision(BigInt(result.header.revision), APPLY_TIMEOUT_MS);
        return;
      }
    }
    throw new KafkaError(ErrorCode.REQUEST_TIMED_OUT, `The state of ${topic}-${partition} kept changing; retry`);
  }

  /** Partitions with a reassignment in progress (all, or those named in `wanted`). */
  reassignments(wanted: { topic: string; partitions: number[] }[] | null): PartitionState[] {
    const states = wanted === null
      ? [...this.metadata.partitions.keys()].flatMap((t) => this.metadata.partitionStates(t))
      : wanted.flatMap((w) => w.partitions.map((i) => this.metadata.partition(w.topic, i)?.state).filter((s): s is PartitionState => s !== undefined));
    return states.filter(isReassigning);
  }

  // --- ProducerIdBlocks (src/txn) ------------------------------------------------------------------

  /** Claims [start, start+blockSize) of the cluster's producer ids with a CAS on the shared counter. */
  async claim(blockSize: number): Promise<number> {
    const { client, keys } = this.session;
    const key = keys.producerIdBlock;
    for (;;) {
      const kv = (await client.get(key).exec()).kvs[0];
      const start = kv ? Number(kv.value.toString()) : 0;
      const next = String(start + blockSize);
      const result = kv
        ? await client.if(key, 'Mod', '==', kv.mod_revision).then(client.put(key).value(next)).commit()
        : await client.if(key, 'Create', '==', 0).then(client.put(key).value(next)).commit();
      if (result.succeeded) return start;
    }
  }

  // --- TopicAuthority ----------------------------------------------------------------------------

  async createTopic(name: string, partitionCount: number, configs: Record<string, string>, placement: TopicPlacement = {}): Promise<void> {
    const problem = topicNameProblem(name);
    if (problem) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, problem);
    for (const other of this.metadata.topics.keys()) {
      if (other === name) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
      if (collisionKey(other) === collisionKey(name)) throw new KafkaError(ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic '${name}' collides with existing topic: ${other}`);
    }
    const assignments = placement.assignments ?? this.place(0, partitionCount, this.replicationFactorFor(name, placement.replicationFactor));
    const topic: TopicDescriptor = { name, topicId: this.newTopicId(), partitionCount: assignments.length, configs };
    const { client, keys } = this.session;
    const puts = [client.put(keys.topic(name)).value(encodeTopic(topic))];
    assignments.forEach((replicas, partition) => puts.push(client.put(keys.partition(name, partition)).value(encodePartition(this.initialState(topic, partition, replicas)))));
    const result = await client.if(keys.topic(name), 'Create', '==', 0).then(...puts).commit();
    await this.session.waitForRevision(BigInt(result.header.revision), APPLY_TIMEOUT_MS);
    if (!result.succeeded) throw new KafkaError(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${name}' already exists.`);
  }

  async deleteTopic(name: string): Promise<void> {
    const stored = this.metadata.topics.get(name);
    if (!stored) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
    const { client, keys } = this.session;
    const result = await client
      .if(keys.topic(name), 'Mod', '==', stored.modRevision)
      .then(client.delete().key(keys.topic(name)), client.delete().prefix(keys.partitionsOf(name)))
      .commit();
    await this.session.waitForRevision(BigInt(result.header.revision), APPLY_TIMEOUT_MS);
    if (!result.succeeded) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} changed while being deleted; retry`);
  }

  async addPartitions(name: string, count: number, assignments?: number[][]): Promise<void> {
    const stored = this.metadata.topics.get(name);
    if (!stored) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
    const current = stored.topic.partitionCount;
    if (count <= current) throw new KafkaError(ErrorCode.INVALID_PARTITIONS, `Topic currently has ${current} partitions, which is higher than the requested ${count}.`);
    const factor = this.metadata.partition(name, 0)?.state.replicas.length ?? this.options.defaults.replicationFactor;
    const placed = assignments ?? this.place(current, count - current, factor);
    const topic: TopicDescriptor = { ...stored.topic, partitionCount: count };
    const { client, keys } = this.session;
    const puts = [client.put(keys.topic(name)).value(encodeTopic(topic))];
    placed.forEach((replicas, i) => puts.push(client.put(keys.partition(name, current + i)).value(encodePartition(this.initialState(topic, current + i, replicas)))));
    await this.casTopic(name, stored.modRevision, puts);
  }

  async alterConfigs(name: string, configs: Record<string, string>): Promise<void> {
    const stored = this.metadata.topics.get(name);
    if (!stored) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${name} does not exist`);
    const { client, keys } = this.session;
    await this.casTopic(name, stored.modRevision, [client.put(keys.topic(name)).value(encodeTopic({ ...stored.topic, configs: { ...configs } }))]);
  }

  /** ElectLeaders for one partition (preferred, or unclean for a partition without a leader). */
  elect(topic: string, partition: number, unclean: boolean): Promise<ElectionOutcome> {
    return this.controller.elect(topic, partition, unclean);
  }

  // --- internals ---------------------------------------------------------------------------------

  private async casTopic(name: string, modRevision: string, puts: ReturnType<ClusterNode['session']['client']['put']>[]): Promise<void> {
    const { client, keys } = this.session;
    const result = await client.if(keys.topic(name), 'Mod', '==', modRevision).then(...puts).commit();
    await this.session.waitForRevision(BigInt(result.header.revision), APPLY_TIMEOUT_MS);
    if (!result.succeeded) throw new KafkaError(ErrorCode.REASSIGNMENT_IN_PROGRESS, `Topic ${name} changed concurrently; retry`);
  }

  private replicationFactorFor(name: string, requested: number | undefined): number {
    if (requested !== undefined && requested !== -1) return requested;
    if (name === '__consumer_offsets') return Math.min(this.options.defaults.offsetsTopicReplicationFactor, Math.max(1, this.metadata.brokers.size));
    if (name === '__transaction_state') return Math.min(this.options.defaults.transactionStateLogReplicationFactor, Math.max(1, this.metadata.brokers.size));
    return this.options.defaults.replicationFactor;
  }

  private place(firstPartition: number, count: number, replicationFactor: number): number[][] {
    const brokers = this.metadata.liveBrokers();
    const startIndex = Math.floor((this.options.random ?? Math.random)() * Math.max(1, brokers.length));
    return placeReplicas({ brokers, firstPartition, count, replicationFactor, startIndex });
  }

  /** A new partition: the first live replica leads, live replicas are in sync (they hold nothing yet). */
  private initialState(topic: TopicDescriptor, partition: number, replicas: number[]): PartitionState {
    const live = replicas.filter((id) => this.metadata.isLive(id));
    return { topic: topic.name, partition, topicId: topic.topicId, replicas, leader: live[0] ?? -1, leaderEpoch: 0, isr: live.length > 0 ? live : replicas, partitionEpoch: 0 };
  }

  private newTopicId(): string {
    for (;;) {
      const id = randomBytes(16).toString('base64url');
      if (!/^A{21}[AB]$/.test(id)) return id;
    }
  }

  private uncleanElection(topic: string): boolean {
    const value = this.metadata.topics.get(topic)?.topic.configs['unclean.leader.election.enable'];
    return value === undefined ? this.options.defaults.uncleanLeaderElection : value === 'true';
  }

  /** Runs in the session's serial chain, after metadata has applied `changes`. */
  private async applyChanges(changes: KeyChange[]): Promise<void> {
    const topics = this.topics!;
    let brokersChanged = false;
    for (const c of changes) {
      const parsed = this.session.keys.parse(c.key);
      if (!parsed) continue;
      if (parsed.kind === 'broker') brokersChanged = true;
      if (parsed.kind === 'topic') {
        const stored = this.metadata.topics.get(parsed.topic);
        if (stored) {
          const hasReplica = (partition: number) => this.metadata.partition(parsed.topic, partition)?.state.replicas.includes(this.options.nodeId) ?? false;
          const topic = await topics.applyRemote({ ...stored.topic, configs: { ...stored.topic.configs } }, hasReplica);
          // Replication owns every partition here: only a leader's partition accepts appends.
          for (const p of topic.partitions) p.replicated = true;
          // Partition keys that arrived before their topic key are applied now (applying twice is harmless).
          for (const state of this.metadata.partitionStates(parsed.topic)) if (state.replicas.includes(this.options.nodeId)) this.applyLocal(state);
        } else {
          await topics.removeRemote(parsed.topic);
        }
      }
      if (parsed.kind === 'partition') {
        const stored = this.metadata.partition(parsed.topic, parsed.partition);
        if (!stored) continue;
        this.controller.partitionChanged(stored.state);
        const local = topics.get(parsed.topic)?.partitions[parsed.partition];
        if (!local) continue;
        // A replica here, or one that was here and has been reassigned away (it stops, its data goes).
        if (stored.state.replicas.includes(this.options.nodeId) || !topics.isPlaceholder(local)) this.applyLocal(stored.state);
      }
    }
    if (brokersChanged) this.controller.schedule();
  }

  /** Hands a state to the ReplicaRoleSink; per partition one at a time, skipping superseded states. */
  private applyLocal(state: PartitionState): void {
    const id = `${state.topic}-${state.partition}`;
    const pending = this.applying.get(id);
    if (pending) {
      pending.next = state;
      return;
    }
    const entry = { running: Promise.resolve(), next: null as PartitionState | null };
    const run = async (s: PartitionState): Promise<void> => {
      try {
        const topics = this.topics!;
        const here = s.replicas.includes(this.options.nodeId);
        const local = topics.get(s.topic)?.partitions[s.partition];
        if (here && local && topics.isPlaceholder(local)) {
          const opened = await topics.openReplica(s.topic, s.partition);
          if (opened) opened.replicated = true;
        }
        await this.replicas?.applyPartitionState(s);
        for (const listener of this.leadershipListeners) listener(s);
        if (!here && local) {
          this.options.logger.info({ topic: s.topic, partition: s.partition }, 'no longer a replica: deleting the local data');
          await topics.dropReplica(s.topic, s.partition);
        }
      } catch (err) {
        this.options.logger.error({ err: String(err), topic: s.topic, partition: s.partition }, 'applying a partition state failed');
      }
      const next = entry.next;
      entry.next = null;
      if (next) return run(next);
      this.applying.delete(id);
    };
    this.applying.set(id, entry);
    entry.running = run(state);
  }

  private leadsAnything(): boolean {
    for (const byIndex of this.metadata.partitions.values()) {
      for (const p of byIndex.values()) if (p.state.leader === this.options.nodeId && p.state.replicas.length > 1) return true;
    }
    return false;
  }

  private othersAlive(): boolean {
    for (const id of this.metadata.brokers.keys()) if (id !== this.options.nodeId) return true;
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((id, i) => b[i] === id);
}
