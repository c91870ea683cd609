/**
 * Connector configs, target states, task configs and restart requests in `config.storage.topic`
 * (one partition, so every worker applies them in the same order), and statuses in
 * `status.storage.topic`. Records (JSON values; null deletes):
 *   connector-<name>            the connector config
 *   target-state-<name>         {"state": "STARTED" | "PAUSED" | "STOPPED"}
 *   task-configs-<name>         [task config, ...] (written by the leader)
 *   restart-<name>              {"connector": bool, "tasks": [ids]}
 *   status-connector-<name>     {"state", "trace"?, "worker_id"}     (status topic)
 *   status-task-<name>-<id>     {"state", "trace"?, "worker_id"}     (status topic)
 *   topic-<topic>-<name>        {"topic": {"name", "connector", "task", "discoverTimestamp"}} (status topic, KIP-558)
 */
import { Producer, type ConsumerRecord } from '../../client/index.js';
import type { Logger } from '../../log/logger.js';
import type { ConnectorConfig } from '../api.js';
import type { State } from './task-state.js';
import type { TopicNote } from './active-topics.js';
import { TopicTail } from './topic-tail.js';

export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';
export interface StoredStatus {
  state: State;
  trace?: string;
  worker_id: string;
}
export interface RestartRequest {
  connector: boolean;
  tasks: number[];
}
export type ConfigEvent = { kind: 'connector' | 'target-state' | 'task-configs'; name: string } | { kind: 'restart'; name: string; request: RestartRequest };

export class ConfigLog {
  readonly connectors = new Map<string, ConnectorConfig>();
  readonly targets = new Map<string, TargetState>();
  readonly taskConfigs = new Map<string, ConnectorConfig[]>();
  readonly statuses = new Map<string, StoredStatus>();
  /** KIP-558 entries (`topic-<topic>-<connector>`) of the status topic, by key. */
  readonly activeTopics = new Map<string, TopicNote>();
  private readonly tail: TopicTail;
  private readonly producer: Producer;

  constructor(
    bootstrapServers: string,
    private readonly configTopic: string,
    private readonly statusTopic: string,
    private readonly onEvent: (e: ConfigEvent) => void,
    logger: Logger,
  ) {
    this.producer = new Producer({ bootstrapServers, clientId: 'connect-configs' });
    this.tail = new TopicTail(bootstrapServers, [configTopic, statusTopic], (r) => this.applyRecord(r), logger);
  }

  start(): Promise<void> {
    return this.tail.start();
  }

  readToEnd(): Promise<void> {
    return this.tail.readToEnd();
  }

  target(name: string): TargetState {
    return this.targets.get(name) ?? 'STARTED';
  }

  private applyRecord(r: ConsumerRecord): void {
    const key = r.key?.toString() ?? '';
    const value = r.value === null ? null : (JSON.parse(r.value.toString()) as unknown);
    if (r.topic === this.statusTopic && key.startsWith('topic-')) {
      if (value === null) this.activeTopics.delete(key);
      else this.activeTopics.set(key, (value as { topic: TopicNote }).topic);
      return;
    }
    if (r.topic === this.statusTopic) {
      if (value === null) this.statuses.delete(key);
      else this.statuses.set(key, value as StoredStatus);
      return;
    }
    const m = /^(connector|target-state|task-configs|restart)-(.*)$/.exec(key);
    if (!m) return;
    const kind = m[1] as ConfigEvent['kind'];
    const name = m[2]!;
    const maps = { connector: this.connectors, 'target-state': this.targets, 'task-configs': this.taskConfigs } as const;
    if (kind === 'restart') {
      if (value !== null) this.onEvent({ kind, name, request: value as RestartRequest });
      return;
    }
    const map = maps[kind] as Map<string, unknown>;
    if (value === null) map.delete(name);
    else map.set(name, kind === 'target-state' ? (value as { state: TargetState }).state : value);
    this.onEvent({ kind, name });
  }

  async write(key: string, value: unknown): Promise<void> {
    await this.producer.send({ topic: this.configTopic, messages: [{ key, value: value === null ? null : JSON.stringify(value) }] });
  }

  async writeStatusRecord(key: string, value: unknown): Promise<void> {
    await this.producer.send({ topic: this.statusTopic, messages: [{ key, value: value === null ? null : JSON.stringify(value) }] });
  }

  async close(): Promise<void> {
    await this.tail.stop();
    await this.producer.close();
  }
}
