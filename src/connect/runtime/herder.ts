/**
 * The standalone herder: owns every connector of this worker (config, target state, running
 * instance and tasks) and answers what the REST API asks. All changes run one at a time
 * (a promise queue), so a PUT racing a DELETE sees a consistent state.
 */
import { Admin } from '../../client/index.js';
import type { Logger } from '../../log/logger.js';
import { type Connector, type ConnectorConfig, ConnectConfigError } from '../api.js';
import { firstError, validateConnectorConfig, type ValidationResult } from './connector-validation.js';
import { ConnectRestError, notFound } from './errors.js';
import { MemoryActiveTopics, TopicTrackingSettings } from './active-topics.js';
import type { Herder } from './herder-api.js';
import type { OffsetStore } from './offset-store.js';
import { alterConnectorOffsets, type ConnectorOffsetsTarget, resetConnectorOffsets } from './offsets-admin.js';
import type { PluginRegistry } from './plugins.js';
import { TaskFactory, sinkGroupId } from './task-factory.js';
import { type State, type TaskRunner, traceOf } from './task-state.js';

export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export interface HerderOptions {
  workerConfig: Record<string, string>;
  plugins: PluginRegistry;
  offsets: OffsetStore;
  logger: Logger;
  /** host:port of this worker's REST API; settable later (see `workerId` below). */
  workerId: string;
  clock?: () => number;
  /** Sink consumer poll timeout (bounds how long a stop waits). Default 500. */
  pollTimeoutMs?: number;
  /** Wait between empty source polls. Default 100. */
  idlePollMs?: number;
}

interface ConnectorEntry {
  name: string;
  config: ConnectorConfig;
  target: TargetState;
  instance: Connector | null;
  state: State;
  trace?: string;
  taskConfigs: ConnectorConfig[];
  tasks: TaskRunner[];
}

export interface ConnectorInfo {
  name: string;
  config: ConnectorConfig;
  tasks: Array<{ connector: string; task: number }>;
  type: 'source' | 'sink' | 'unknown';
}

export interface ConnectorStatus {
  name: string;
  connector: { state: State; worker_id: string; trace?: string };
  tasks: Array<{ id: number; state: State; worker_id: string; trace?: string }>;
  type: 'source' | 'sink' | 'unknown';
}

export class StandaloneHerder implements Herder {
  private readonly connectors = new Map<string, ConnectorEntry>();
  private queue: Promise<unknown> = Promise.resolve();
  private readonly clock: () => number;
  private readonly bootstrapServers: string;
  private readonly tasks: TaskFactory;
  private readonly activeTopics = new MemoryActiveTopics();
  private readonly topicTracking: TopicTrackingSettings;
  /** Reported in statuses; standalone sets it once the REST port is bound. */
  workerId: string;

  constructor(private readonly o: HerderOptions) {
    this.workerId = o.workerId;
    this.clock = o.clock ?? Date.now;
    const servers = o.workerConfig['bootstrap.servers'];
    if (!servers) throw new ConnectConfigError('Missing required configuration "bootstrap.servers" which has no default value.', 'bootstrap.servers');
    this.bootstrapServers = servers;
    this.topicTracking = new TopicTrackingSettings(o.workerConfig);
    this.tasks = new TaskFactory({
      workerConfig: o.workerConfig,
      bootstrapServers: servers,
      offsets: o.offsets,
      logger: o.logger,
      clock: this.clock,
      pollTimeoutMs: o.pollTimeoutMs ?? 500,
      idlePollMs: o.idlePollMs ?? 100,
      activeTopics: this.topicTracking.enabled ? this.activeTopics : null,
    });
  }

  connectorTopics(name: string): { topics: string[] } {
    this.topicTracking.checkRead();
    this.entry(name);
    return { topics: this.activeTopics.topics(name) };
  }

  resetConnectorTopics(name: string): Promise<void> {
    this.topicTracking.checkReset();
    this.entry(name);
    return this.activeTopics.reset(name);
  }

  /** Runs changes one after another. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => {});
    return next;
  }

  connectorNames(): string[] {
    return [...this.connectors.keys()].sort();
  }

  private entry(name: string): ConnectorEntry {
    const e = this.connectors.get(name);
    if (!e) throw notFound(name);
    return e;
  }

  validate(pluginName: string, config: ConnectorConfig): ValidationResult {
    const connector = this.o.plugins.create(pluginName);
    if (!connector) throw new ConnectRestError(400, `Failed to find any class that implements Connector and which name matches ${pluginName}`);
    return validateConnectorConfig(connector, pluginName, config);
  }

  /** Validates (400 naming the field on failure), then creates or replaces the connector. */
  putConnectorConfig(name: string, config: ConnectorConfig, allowReplace: boolean): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.serial(async () => {
      if (!name || name.trim() === '' || /[/\\]/.test(name)) throw new ConnectRestError(400, `Connector name "${name}" is invalid`);
      const full: ConnectorConfig = { ...config, name };
      const cls = full['connector.class'];
      if (!cls) throw new ConnectRestError(400, 'Connector config {...} contains no connector type: connector.class');
      const connector = this.o.plugins.create(cls);
      if (!connector) throw new ConnectRestError(400, `Failed to find any class that implements Connector and which name matches ${cls}, field connector.class`);
      const error = firstError(validateConnectorConfig(connector, cls, full));
      if (error) throw new ConnectRestError(400, error.message);
      const existing = this.connectors.get(name);
      if (existing && !allowReplace) throw new ConnectRestError(409, `Connector ${name} already exists`);
      if (existing) await this.stopConnector(existing);
      const entry: ConnectorEntry = existing ?? { name, config: full, target: 'STARTED', instance: null, state: 'UNASSIGNED', taskConfigs: [], tasks: [] };
      entry.config = full;
      this.connectors.set(name, entry);
      await this.startConnector(entry);
      return { created: !existing, info: this.info(entry) };
    });
  }

  connectorInfo(name: string): ConnectorInfo {
    return this.info(this.entry(name));
  }

  connectorConfig(name: string): ConnectorConfig {
    return { ...this.entry(name).config };
  }

  taskConfigs(name: string): Array<{ id: { connector: string; task: number }; config: ConnectorConfig }> {
    const e = this.entry(name);
    return e.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config }));
  }

  status(name: string): ConnectorStatus {
    const e = this.entry(name);
    const connector: ConnectorStatus['connector'] = { state: e.state, worker_id: this.workerId };
    if (e.trace) connector.trace = e.trace;
    return { name, connector, tasks: e.tasks.map((t) => this.taskStatus(t)), type: this.typeOf(e) };
  }

  taskStatusOf(name: string, id: number): ConnectorStatus['tasks'][number] {
    const t = this.entry(name).tasks.find((x) => x.id === id);
    if (!t) throw new ConnectRestError(404, `Task ${name}-${id} not found`);
    return this.taskStatus(t);
  }

  private taskStatus(t: TaskRunner): ConnectorStatus['tasks'][number] {
    const s = t.status();
    return s.trace ? { id: t.id, state: s.state, worker_id: this.workerId, trace: s.trace } : { id: t.id, state: s.state, worker_id: this.workerId };
  }

  pause(name: string): Promise<void> {
    return this.serial(async () => {
      const e = this.entry(name);
      if (e.target === 'STOPPED') await this.startConnector(e, 'PAUSED');
      e.target = 'PAUSED';
      if (e.state === 'RUNNING') e.state = 'PAUSED';
      for (const t of e.tasks) t.pause();
    });
  }

  resume(name: string): Promise<void> {
    return this.serial(async () => {
      const e = this.entry(name);
      const wasStopped = e.target === 'STOPPED';
      e.target = 'STARTED';
      if (wasStopped) return this.startConnector(e);
      if (e.state === 'PAUSED') e.state = 'RUNNING';
      for (const t of e.tasks) t.resume();
    });
  }

  /** KIP-875: the connector and its tasks are shut down but its config is kept. */
  stop(name: string): Promise<void> {
    return this.serial(async () => {
      const e = this.entry(name);
      await this.stopConnector(e);
      e.target = 'STOPPED';
      e.state = 'STOPPED';
      e.taskConfigs = [];
    });
  }

  delete(name: string): Promise<void> {
    return this.serial(async () => {
      const e = this.entry(name);
      await this.stopConnector(e);
      this.connectors.delete(name);
      await this.activeTopics.reset(name);
    });
  }

  /**
   * Restarts the connector and (includeTasks) its tasks; onlyFailed limits both to FAILED ones.
   * Returns the status with the restarted parts marked RESTARTING (KIP-745), taken before the restart.
   */
  restart(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStatus> {
    return this.serial(async () => {
      const e = this.entry(name);
      const before = this.status(name);
      const restartConnector = !onlyFailed || e.state === 'FAILED';
      const taskIds = includeTasks ? e.tasks.filter((t) => !onlyFailed || t.status().state === 'FAILED').map((t) => t.id) : [];
      if (restartConnector) before.connector.state = 'RESTARTING';
      for (const t of before.tasks) if (taskIds.includes(t.id)) t.state = 'RESTARTING';
      if (restartConnector && includeTasks && taskIds.length === e.tasks.length) {
        await this.stopConnector(e);
        await this.startConnector(e);
      } else {
        if (restartConnector) await this.restartInstance(e);
        for (const id of taskIds) await this.restartTaskNow(e, id);
      }
      return before;
    });
  }

  restartTask(name: string, id: number): Promise<void> {
    return this.serial(async () => {
      const e = this.entry(name);
      if (!e.tasks.some((t) => t.id === id)) throw new ConnectRestError(404, `Task ${name}-${id} not found`);
      await this.restartTaskNow(e, id);
    });
  }

  /** Source: the stored offsets; sink: the group's committed offsets (Kafka's format). */
  async offsets(name: string): Promise<{ offsets: Array<{ partition: Record<string, unknown>; offset: Record<string, unknown> }> }> {
    const e = this.entry(name);
    if (this.typeOf(e) === 'source') return { offsets: this.o.offsets.list(name) };
    const admin = new Admin({ bootstrapServers: this.bootstrapServers });
    try {
      const committed = await admin.fetchGroupOffsets(sinkGroupId(name));
      return {
        offsets: committed.filter((c) => c.offset >= 0).map((c) => ({ partition: { kafka_topic: c.topic, kafka_partition: c.partition }, offset: { kafka_offset: c.offset } })),
      };
    } finally {
      await admin.close();
    }
  }

  alterOffsets(name: string, body: unknown): Promise<{ message: string }> {
    return this.serial(() => alterConnectorOffsets(this.offsetsTarget(name), body));
  }

  resetOffsets(name: string): Promise<{ message: string }> {
    return this.serial(() => resetConnectorOffsets(this.offsetsTarget(name)));
  }

  private offsetsTarget(name: string): ConnectorOffsetsTarget {
    const e = this.entry(name);
    return { name, type: this.typeOf(e), stopped: e.target === 'STOPPED', offsets: this.o.offsets, bootstrapServers: this.bootstrapServers };
  }

  /** Stops everything (worker shutdown). */
  shutdown(): Promise<void> {
    return this.serial(async () => {
      for (const e of this.connectors.values()) await this.stopConnector(e);
    });
  }

  // ---------------------------------------------------------------------------------------------

  private info(e: ConnectorEntry): ConnectorInfo {
    return { name: e.name, config: { ...e.config }, tasks: e.taskConfigs.map((_, task) => ({ connector: e.name, task })), type: this.typeOf(e) };
  }

  private typeOf(e: ConnectorEntry): ConnectorInfo['type'] {
    return e.instance?.type ?? this.o.plugins.create(e.config['connector.class'] ?? '')?.type ?? 'unknown';
  }

  private async startConnector(e: ConnectorEntry, target: TargetState = e.target): Promise<void> {
    e.target = target;
    if (target === 'STOPPED') {
      e.state = 'STOPPED';
      return;
    }
    if (!(await this.restartInstance(e))) return;
    const max = Number(e.config['tasks.max'] ?? 1);
    try {
      e.taskConfigs = e.instance!.taskConfigs(max).slice(0, max);
    } catch (err) {
      this.markFailed(e, err);
      return;
    }
    for (let id = 0; id < e.taskConfigs.length; id++) e.tasks.push(await this.startTask(e, id));
  }

  /** (Re)creates and starts the Connector instance; false when it failed. */
  private async restartInstance(e: ConnectorEntry): Promise<boolean> {
    if (e.instance) await Promise.resolve(e.instance.stop()).catch(() => {});
    const instance = this.o.plugins.create(e.config['connector.class']!)!;
    e.instance = instance;
    e.trace = undefined;
    instance.initialize({
      requestTaskReconfiguration: () => {
        void this.serial(async () => {
          if (this.connectors.get(e.name) !== e || e.target === 'STOPPED') return;
          await this.stopConnector(e);
          await this.startConnector(e);
        });
      },
      raiseError: (err) => this.markFailed(e, err),
    });
    try {
      await instance.start({ ...e.config });
    } catch (err) {
      this.markFailed(e, err);
      return false;
    }
    e.state = e.target === 'PAUSED' ? 'PAUSED' : 'RUNNING';
    return true;
  }

  private markFailed(e: ConnectorEntry, err: unknown): void {
    e.state = 'FAILED';
    e.trace = traceOf(err);
    this.o.logger.error({ connector: e.name, err: e.trace }, 'connector failed');
  }

  private async stopConnector(e: ConnectorEntry): Promise<void> {
    const tasks = e.tasks.splice(0);
    await Promise.all(tasks.map((t) => t.stop()));
    if (e.instance) {
      try {
        await e.instance.stop();
      } catch (err) {
        this.o.logger.warn({ connector: e.name, err: traceOf(err) }, 'connector stop failed');
      }
    }
    e.instance = null;
    e.state = 'UNASSIGNED';
  }

  private startTask(e: ConnectorEntry, id: number): Promise<TaskRunner> {
    return this.tasks.start({ connector: e.name, id, connectorConfig: e.config, taskConfig: e.taskConfigs[id]!, instance: e.instance!, paused: e.target === 'PAUSED' });
  }

  private async restartTaskNow(e: ConnectorEntry, id: number): Promise<void> {
    const i = e.tasks.findIndex((t) => t.id === id);
    if (i < 0) return;
    await e.tasks[i]!.stop();
    e.tasks[i] = await this.startTask(e, id);
  }

}

export { sinkGroupId } from './task-factory.js';
