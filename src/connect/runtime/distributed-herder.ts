/**
 * The distributed herder: workers sharing a `group.id` keep connector configs, target states and
 * task configs in `config.storage.topic`, source offsets in `offset.storage.topic` and statuses in
 * `status.storage.topic`, and split connectors and tasks between them through the group protocol
 * (protocol type `connect`, see connect-group.ts). The leader writes task configs and handles
 * every change; other workers' REST servers forward changes to it.
 *
 * Rebalances are incremental and cooperative (KIP-415, incremental-assignor.ts): workers keep what
 * they run across rebalances and only the units (connectors and tasks) that must move are stopped
 * and started elsewhere; a departed worker's units wait `scheduled.rebalance.max.delay.ms` for it
 * to come back. A changed connector config stops that connector and its tasks locally, so the next
 * round starts them afresh. Source tasks flush their offsets on stop, sink tasks commit after
 * flush, so work moves without loss (at-least-once). A worker that dies without leaving is noticed
 * after session.timeout.ms.
 */
import { Admin } from '../../client/index.js';
import type { Logger } from '../../log/logger.js';
import { type Connector, ConnectConfigError, type ConnectorConfig } from '../api.js';
import { StatusTopicActiveTopics, TopicTrackingSettings } from './active-topics.js';
import { ConfigLog, type ConfigEvent, type RestartRequest, type StoredStatus } from './config-log.js';
import { ConnectGroupMember } from './connect-group.js';
import { assignIncrementally, connectorUnit, newAssignorState, parseUnit, taskUnit, type UnitKey } from './incremental-assignor.js';
import { firstError, validateConnectorConfig, type ValidationResult } from './connector-validation.js';
import { ConnectRestError, notFound } from './errors.js';
import type { Herder } from './herder-api.js';
import type { ConnectorInfo, ConnectorStatus } from './herder.js';
import { KafkaOffsetStore } from './kafka-offset-store.js';
import { alterConnectorOffsets, type ConnectorOffsetsTarget, resetConnectorOffsets } from './offsets-admin.js';
import type { PluginRegistry } from './plugins.js';
import { TaskFactory, sinkGroupId } from './task-factory.js';
import { type State, type TaskRunner, traceOf } from './task-state.js';

export interface DistributedOptions {
  workerConfig: Record<string, string>;
  plugins: PluginRegistry;
  logger: Logger;
  clock?: () => number;
  pollTimeoutMs?: number;
  /** How often local statuses are checked and changes published. Default 500. */
  statusIntervalMs?: number;
}

/** What the leader sends each worker (JSON): see WorkerAssignment. */
interface Assignment {
  leaderUrl: string;
  assigned: UnitKey[];
  revoked: UnitKey[];
  delayMs: number;
}

/** Kafka Connect's default for `scheduled.rebalance.max.delay.ms`. */
const DEFAULT_MAX_DELAY_MS = 5 * 60 * 1000;

const taskKey = (name: string, id: number) => `${name}\0${id}`;

export class DistributedHerder implements Herder {
  /** host:port of this worker's REST API, known once it listens (start() sets it). */
  workerId = '';
  private url = '';
  private readonly bootstrapServers: string;
  private readonly configLog: ConfigLog;
  private readonly offsetStore: KafkaOffsetStore;
  private readonly member: ConnectGroupMember;
  private readonly taskFactory: TaskFactory;
  private readonly activeTopics: StatusTopicActiveTopics;
  private readonly topicTracking: TopicTrackingSettings;
  private readonly connectors = new Map<string, { instance: Connector; state: State; trace?: string }>();
  private readonly tasks = new Map<string, { name: string; id: number; runner: TaskRunner }>();
  private leaderUrl: string | null = null;
  private isLeader = false;
  private closed = false;
  private wake: () => void = () => {};
  private loop: Promise<void> = Promise.resolve();
  private statusTimer: NodeJS.Timeout | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** Leader only: who got what last round, and held lost units. */
  private readonly assignorState = newAssignorState();
  private readonly maxDelayMs: number;
  private delayedRebalance: NodeJS.Timeout | null = null;

  constructor(private readonly o: DistributedOptions) {
    const w = o.workerConfig;
    for (const key of ['bootstrap.servers', 'group.id', 'config.storage.topic', 'offset.storage.topic', 'status.storage.topic']) {
      if (!w[key]) throw new ConnectConfigError(`Missing required configuration "${key}" which has no default value.`, key);
    }
    this.bootstrapServers = w['bootstrap.servers']!;
    this.maxDelayMs = Number(w['scheduled.rebalance.max.delay.ms'] ?? DEFAULT_MAX_DELAY_MS);
    this.configLog = new ConfigLog(this.bootstrapServers, w['config.storage.topic']!, w['status.storage.topic']!, (e) => this.onConfigEvent(e), o.logger);
    this.offsetStore = new KafkaOffsetStore(this.bootstrapServers, w['offset.storage.topic']!, o.logger);
    this.member = new ConnectGroupMember(
      {
        bootstrapServers: this.bootstrapServers,
        groupId: w['group.id']!,
        sessionTimeoutMs: Number(w['session.timeout.ms'] ?? 10_000),
        rebalanceTimeoutMs: Number(w['rebalance.timeout.ms'] ?? 60_000),
        heartbeatIntervalMs: Number(w['heartbeat.interval.ms'] ?? 3000),
      },
      () => this.requestRebalance(),
    );
    this.topicTracking = new TopicTrackingSettings(w);
    this.activeTopics = new StatusTopicActiveTopics(this.configLog, o.clock ?? Date.now, (err) => o.logger.warn({ err: err.message }, 'topic tracking write failed'));
    this.taskFactory = new TaskFactory({
      workerConfig: w,
      bootstrapServers: this.bootstrapServers,
      offsets: this.offsetStore,
      logger: o.logger,
      clock: o.clock ?? Date.now,
      pollTimeoutMs: o.pollTimeoutMs ?? 500,
      idlePollMs: 100,
      activeTopics: this.topicTracking.enabled ? this.activeTopics : null,
      ...(w['exactly.once.source.support'] === 'enabled' ? { exactlyOnceSource: { groupId: w['group.id']!, offsetsTopic: w['offset.storage.topic']! } } : {}),
    });
  }

  /** url: this worker's REST URL (http://host:port), sent to the others for forwarding. */
  async start(url: string): Promise<void> {
    this.url = url;
    this.workerId = url.replace(/^https?:\/\//, '');
    await this.createTopics();
    await Promise.all([this.configLog.start(), this.offsetStore.start()]);
    await Promise.all([this.configLog.readToEnd(), this.offsetStore.readToEnd()]);
    let joined!: () => void;
    const firstJoin = new Promise<void>((r) => (joined = r));
    this.loop = this.run(joined);
    await firstJoin;
    this.statusTimer = setInterval(() => void this.serial(() => this.publishStatuses()), this.o.statusIntervalMs ?? 500);
  }

  async shutdown(): Promise<void> {
    this.closed = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    if (this.delayedRebalance) clearTimeout(this.delayedRebalance);
    this.wake();
    await this.loop;
    await this.serial(() => this.stopLocal());
    await this.member.leave();
    await this.configLog.close();
    await this.offsetStore.close();
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  private requestRebalance(): void {
    this.wake();
  }

  private async createTopics(): Promise<void> {
    const w = this.o.workerConfig;
    const admin = new Admin({ bootstrapServers: this.bootstrapServers });
    try {
      const existing = new Set(await admin.listTopics({ includeInternal: true }));
      const brokers = (await admin.describeCluster()).brokers.length;
      const rf = (key: string) => Math.max(1, Math.min(Number(w[key] ?? 3), brokers));
      const compact = { 'cleanup.policy': 'compact' };
      const wanted = [
        { topic: w['config.storage.topic']!, numPartitions: 1, replicationFactor: rf('config.storage.replication.factor'), configs: compact },
        { topic: w['offset.storage.topic']!, numPartitions: Number(w['offset.storage.partitions'] ?? 25), replicationFactor: rf('offset.storage.replication.factor'), configs: compact },
        { topic: w['status.storage.topic']!, numPartitions: Number(w['status.storage.partitions'] ?? 5), replicationFactor: rf('status.storage.replication.factor'), configs: compact },
      ].filter((t) => !existing.has(t.topic));
      if (wanted.length > 0) {
        await admin.createTopics({ topics: wanted }).catch((err: Error) => {
          if (!/exists/i.test(err.message)) throw err;
        });
      }
    } finally {
      await admin.close();
    }
  }

  // --- the rebalance loop ----------------------------------------------------------------------

  private async run(joined: () => void): Promise<void> {
    while (!this.closed) {
      const changed = new Promise<void>((r) => (this.wake = r));
      try {
        const metadata = Buffer.from(JSON.stringify({ url: this.url, running: this.runningUnits() }));
        const res = await this.member.join(metadata, (members) => this.assign(members));
        const assignment = JSON.parse(res.assignment.toString()) as Assignment;
        this.isLeader = res.leaderId === res.memberId;
        this.leaderUrl = assignment.leaderUrl;
        await Promise.all([this.configLog.readToEnd(), this.offsetStore.readToEnd()]);
        await this.serial(() => this.applyAssignment(assignment));
        // Revoked units free a share for others: the next round hands it over.
        if (assignment.revoked.length > 0) this.requestRebalance();
        this.scheduleDelayedRebalance(assignment.delayMs);
        if (this.isLeader) await this.serial(() => this.reconcileAll());
        await this.serial(() => this.publishStatuses());
      } catch (err) {
        if (this.closed) break;
        this.o.logger.error({ err: traceOf(err) }, 'rebalance failed; retrying');
        await new Promise((r) => setTimeout(r, 500));
        continue;
      } finally {
        joined();
      }
      await changed;
      if (this.closed) break;
      this.leaderUrl = null;
    }
  }

  /** The leader rejoins when held lost units are due, so the group reassigns them. */
  private scheduleDelayedRebalance(delayMs: number): void {
    if (this.delayedRebalance) clearTimeout(this.delayedRebalance);
    this.delayedRebalance = null;
    if (delayMs > 0 && this.isLeader) this.delayedRebalance = setTimeout(() => this.requestRebalance(), delayMs);
  }

  private runningUnits(): UnitKey[] {
    return [...[...this.connectors.keys()].map(connectorUnit), ...[...this.tasks.values()].map((t) => taskUnit(t.name, t.id))];
  }

  /** Leader: KIP-415 assignment of every started connector and its tasks. */
  private assign(members: Array<{ memberId: string; metadata: Buffer }>): Map<string, Buffer> {
    const claims = members.map((m) => ({ memberId: m.memberId, running: (JSON.parse(m.metadata.toString()) as { running?: UnitKey[] }).running ?? [] }));
    const configured: UnitKey[] = [];
    for (const name of [...this.configLog.connectors.keys()].sort()) {
      if (this.configLog.target(name) === 'STOPPED') continue;
      configured.push(connectorUnit(name));
      const count = this.configLog.taskConfigs.get(name)?.length ?? 0;
      for (let id = 0; id < count; id++) configured.push(taskUnit(name, id));
    }
    const result = assignIncrementally(claims, configured, this.assignorState, (this.o.clock ?? Date.now)(), this.maxDelayMs);
    return new Map([...result].map(([id, a]) => [id, Buffer.from(JSON.stringify({ leaderUrl: this.url, ...a } satisfies Assignment))]));
  }

  /** Stops what this worker must give up, then starts what it newly got (connectors first). */
  private async applyAssignment(a: Assignment): Promise<void> {
    const keep = new Set(a.assigned);
    for (const unit of this.runningUnits()) if (!keep.has(unit)) await this.stopUnit(unit);
    const running = new Set(this.runningUnits());
    const fresh = a.assigned.filter((u) => !running.has(u)).map(parseUnit);
    for (const { connector, task } of fresh) if (task === null) await this.startConnector(connector);
    for (const { connector, task } of fresh) if (task !== null) await this.startTask(connector, task);
  }

  private async stopUnit(unit: UnitKey): Promise<void> {
    const { connector, task } = parseUnit(unit);
    if (task !== null) {
      const t = this.tasks.get(taskKey(connector, task));
      this.tasks.delete(taskKey(connector, task));
      await t?.runner.stop();
      return;
    }
    const c = this.connectors.get(connector);
    this.connectors.delete(connector);
    if (c) await Promise.resolve(c.instance.stop()).catch(() => {});
  }

  /** A connector whose config changed is stopped here with its tasks; the next round restarts them. */
  private async stopConnectorLocally(name: string, withConnector: boolean): Promise<void> {
    for (const t of [...this.tasks.values()]) if (t.name === name) await this.stopUnit(taskUnit(name, t.id));
    if (withConnector) await this.stopUnit(connectorUnit(name));
  }

  private async startConnector(name: string): Promise<void> {
    const config = this.configLog.connectors.get(name);
    const instance = config && this.o.plugins.create(config['connector.class'] ?? '');
    if (!config || !instance) return;
    const entry: { instance: Connector; state: State; trace?: string } = { instance, state: 'RUNNING' };
    instance.initialize({
      requestTaskReconfiguration: () => void this.serial(() => this.reconcileAll()),
      raiseError: (err) => Object.assign(entry, { state: 'FAILED', trace: traceOf(err) }),
    });
    try {
      await instance.start({ ...config });
      entry.state = this.configLog.target(name) === 'PAUSED' ? 'PAUSED' : 'RUNNING';
    } catch (err) {
      Object.assign(entry, { state: 'FAILED', trace: traceOf(err) });
    }
    this.connectors.set(name, entry);
  }

  private async startTask(name: string, id: number): Promise<void> {
    const config = this.configLog.connectors.get(name);
    const taskConfig = this.configLog.taskConfigs.get(name)?.[id];
    const instance = config && this.o.plugins.create(config['connector.class'] ?? '');
    if (!config || !taskConfig || !instance) return;
    const runner = await this.taskFactory.start({ connector: name, id, connectorConfig: config, taskConfig, instance, paused: this.configLog.target(name) === 'PAUSED' });
    this.tasks.set(taskKey(name, id), { name, id, runner });
  }

  private async stopLocal(): Promise<void> {
    const tasks = [...this.tasks.values()];
    this.tasks.clear();
    await Promise.all(tasks.map((t) => t.runner.stop()));
    for (const [, c] of this.connectors) await Promise.resolve(c.instance.stop()).catch(() => {});
    this.connectors.clear();
  }

  /** Leader: task configs follow connector configs (none for stopped or deleted connectors). */
  private async reconcileAll(): Promise<void> {
    if (!this.isLeader) return;
    for (const [name, config] of this.configLog.connectors) {
      let wanted: ConnectorConfig[] = [];
      if (this.configLog.target(name) !== 'STOPPED') {
        const probe = this.o.plugins.create(config['connector.class'] ?? '');
        if (!probe) continue;
        try {
          probe.initialize({ requestTaskReconfiguration: () => {}, raiseError: () => {} });
          await probe.start({ ...config });
          const max = Number(config['tasks.max'] ?? 1);
          wanted = probe.taskConfigs(max).slice(0, max);
          await probe.stop();
        } catch (err) {
          this.o.logger.warn({ connector: name, err: traceOf(err) }, 'could not compute task configs');
          continue;
        }
      }
      if (JSON.stringify(wanted) !== JSON.stringify(this.configLog.taskConfigs.get(name) ?? [])) await this.configLog.write(`task-configs-${name}`, wanted);
    }
    for (const name of this.configLog.taskConfigs.keys()) if (!this.configLog.connectors.has(name)) await this.configLog.write(`task-configs-${name}`, null);
  }

  private onConfigEvent(e: ConfigEvent): void {
    if (e.kind === 'restart') {
      void this.serial(() => this.applyRestart(e.name, e.request));
      return;
    }
    if (e.kind === 'target-state') {
      const target = this.configLog.target(e.name);
      const stoppedChange = target === 'STOPPED' || !this.configLog.taskConfigs.get(e.name)?.length;
      if (!stoppedChange) {
        void this.serial(async () => {
          const c = this.connectors.get(e.name);
          if (c && c.state !== 'FAILED') c.state = target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
          for (const t of this.tasks.values()) if (t.name === e.name) (target === 'PAUSED' ? t.runner.pause() : t.runner.resume());
          await this.publishStatuses();
        });
        return;
      }
    }
    const stopsConnector = e.kind === 'connector' || this.configLog.target(e.name) === 'STOPPED';
    void this.serial(() => this.stopConnectorLocally(e.name, stopsConnector));
    if (this.isLeader && e.kind !== 'task-configs') void this.serial(() => this.reconcileAll());
    this.requestRebalance();
  }

  private async applyRestart(name: string, r: RestartRequest): Promise<void> {
    const c = this.connectors.get(name);
    if (r.connector && c) {
      await Promise.resolve(c.instance.stop()).catch(() => {});
      try {
        await c.instance.start({ ...this.configLog.connectors.get(name)! });
        Object.assign(c, { state: this.configLog.target(name) === 'PAUSED' ? 'PAUSED' : 'RUNNING', trace: undefined });
      } catch (err) {
        Object.assign(c, { state: 'FAILED', trace: traceOf(err) });
      }
    }
    for (const id of r.tasks) {
      const t = this.tasks.get(taskKey(name, id));
      if (!t) continue;
      this.tasks.delete(taskKey(name, id));
      await t.runner.stop();
      await this.startTask(name, id);
    }
    await this.publishStatuses();
  }

  private async publishStatuses(): Promise<void> {
    const current = new Map<string, StoredStatus>();
    for (const [name, c] of this.connectors) current.set(`status-connector-${name}`, { state: c.state, ...(c.trace ? { trace: c.trace } : {}), worker_id: this.workerId });
    for (const t of this.tasks.values()) {
      const s = t.runner.status();
      current.set(`status-task-${t.name}-${t.id}`, { state: s.state, ...(s.trace ? { trace: s.trace } : {}), worker_id: this.workerId });
    }
    for (const [key, status] of current) {
      const text = JSON.stringify(status);
      // Compared with the topic, not with what this worker last wrote: another worker may have
      // owned the task in between.
      const stored = this.configLog.statuses.get(key);
      if (stored && JSON.stringify(stored) === text) continue;
      await this.configLog.writeStatusRecord(key, status).catch((err: Error) => this.o.logger.warn({ err: err.message }, 'status write failed'));
    }
  }

  // --- the REST side ---------------------------------------------------------------------------

  forwardUrl(): string | null {
    if (this.isLeader) return null;
    if (this.leaderUrl === null) throw new ConnectRestError(409, 'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.');
    return this.leaderUrl;
  }

  connectorNames(): string[] {
    return [...this.configLog.connectors.keys()].sort();
  }

  private config(name: string): ConnectorConfig {
    const c = this.configLog.connectors.get(name);
    if (!c) throw notFound(name);
    return c;
  }

  validate(pluginName: string, config: ConnectorConfig): ValidationResult {
    const connector = this.o.plugins.create(pluginName);
    if (!connector) throw new ConnectRestError(400, `Failed to find any class that implements Connector and which name matches ${pluginName}`);
    return validateConnectorConfig(connector, pluginName, config);
  }

  async putConnectorConfig(name: string, config: ConnectorConfig, allowReplace: boolean): Promise<{ created: boolean; info: ConnectorInfo }> {
    if (!name || /[/\\]/.test(name)) throw new ConnectRestError(400, `Connector name "${name}" is invalid`);
    const full: ConnectorConfig = { ...config, name };
    const cls = full['connector.class'];
    if (!cls) throw new ConnectRestError(400, 'Connector config contains no connector type: connector.class');
    const error = firstError(this.validate(cls, full));
    if (error) throw new ConnectRestError(400, error.message);
    const existed = this.configLog.connectors.has(name);
    if (existed && !allowReplace) throw new ConnectRestError(409, `Connector ${name} already exists`);
    await this.configLog.write(`connector-${name}`, full);
    await this.configLog.readToEnd();
    return { created: !existed, info: this.connectorInfo(name) };
  }

  connectorInfo(name: string): ConnectorInfo {
    const config = this.config(name);
    const tasks = (this.configLog.taskConfigs.get(name) ?? []).map((_, task) => ({ connector: name, task }));
    return { name, config: { ...config }, tasks, type: this.o.plugins.create(config['connector.class'] ?? '')?.type ?? 'unknown' };
  }

  connectorConfig(name: string): ConnectorConfig {
    return { ...this.config(name) };
  }

  taskConfigs(name: string): Array<{ id: { connector: string; task: number }; config: ConnectorConfig }> {
    this.config(name);
    return (this.configLog.taskConfigs.get(name) ?? []).map((config, task) => ({ id: { connector: name, task }, config }));
  }

  status(name: string): ConnectorStatus {
    const info = this.connectorInfo(name);
    const stopped = this.configLog.target(name) === 'STOPPED';
    const stored = this.configLog.statuses.get(`status-connector-${name}`);
    const connector: ConnectorStatus['connector'] = stopped ? { state: 'STOPPED', worker_id: stored?.worker_id ?? this.workerId } : (stored ?? { state: 'UNASSIGNED', worker_id: this.workerId });
    const tasks = stopped ? [] : info.tasks.map((t) => this.taskStatusOf(name, t.task));
    return { name, connector, tasks, type: info.type };
  }

  taskStatusOf(name: string, id: number): ConnectorStatus['tasks'][number] {
    if (!(this.configLog.taskConfigs.get(name) ?? [])[id]) throw new ConnectRestError(404, `Task ${name}-${id} not found`);
    const s = this.configLog.statuses.get(`status-task-${name}-${id}`);
    return { id, ...(s ?? { state: 'UNASSIGNED', worker_id: this.workerId }) };
  }

  private async setTarget(name: string, state: 'STARTED' | 'PAUSED' | 'STOPPED'): Promise<void> {
    this.config(name);
    await this.configLog.write(`target-state-${name}`, { state });
    await this.configLog.readToEnd();
  }

  pause(name: string): Promise<void> {
    return this.setTarget(name, 'PAUSED');
  }

  resume(name: string): Promise<void> {
    return this.setTarget(name, 'STARTED');
  }

  stop(name: string): Promise<void> {
    return this.setTarget(name, 'STOPPED');
  }

  connectorTopics(name: string): { topics: string[] } {
    this.topicTracking.checkRead();
    this.config(name);
    return { topics: this.activeTopics.topics(name) };
  }

  async resetConnectorTopics(name: string): Promise<void> {
    this.topicTracking.checkReset();
    this.config(name);
    await this.activeTopics.reset(name);
  }

  async delete(name: string): Promise<void> {
    this.config(name);
    await this.activeTopics.reset(name);
    await this.configLog.write(`connector-${name}`, null);
    await this.configLog.write(`target-state-${name}`, null);
    await this.configLog.readToEnd();
  }

  async restart(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStatus> {
    const status = this.status(name);
    const connector = !onlyFailed || status.connector.state === 'FAILED';
    const tasks = includeTasks ? status.tasks.filter((t) => !onlyFailed || t.state === 'FAILED').map((t) => t.id) : [];
    if (connector) status.connector.state = 'RESTARTING';
    for (const t of status.tasks) if (tasks.includes(t.id)) t.state = 'RESTARTING';
    await this.configLog.write(`restart-${name}`, { connector, tasks });
    return status;
  }

  async restartTask(name: string, id: number): Promise<void> {
    this.taskStatusOf(name, id);
    await this.configLog.write(`restart-${name}`, { connector: false, tasks: [id] });
  }

  async alterOffsets(name: string, body: unknown): Promise<{ message: string }> {
    await this.offsetStore.readToEnd();
    return alterConnectorOffsets(this.offsetsTarget(name), body);
  }

  async resetOffsets(name: string): Promise<{ message: string }> {
    await this.offsetStore.readToEnd();
    return resetConnectorOffsets(this.offsetsTarget(name));
  }

  private offsetsTarget(name: string): ConnectorOffsetsTarget {
    const type = this.connectorInfo(name).type;
    return { name, type, stopped: this.configLog.target(name) === 'STOPPED', offsets: this.offsetStore, bootstrapServers: this.bootstrapServers };
  }

  async offsets(name: string): Promise<{ offsets: Array<{ partition: Record<string, unknown>; offset: Record<string, unknown> }> }> {
    if (this.connectorInfo(name).type === 'source') {
      await this.offsetStore.readToEnd();
      return { offsets: this.offsetStore.list(name) };
    }
    const admin = new Admin({ bootstrapServers: this.bootstrapServers });
    try {
      const committed = await admin.fetchGroupOffsets(sinkGroupId(name));
      return { offsets: committed.filter((c) => c.offset >= 0).map((c) => ({ partition: { kafka_topic: c.topic, kafka_partition: c.partition }, offset: { kafka_offset: c.offset } })) };
    } finally {
      await admin.close();
    }
  }
}
