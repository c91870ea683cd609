/**
 * Builds the runner of one task: its converters, its clients (a producer for sources; a group
 * consumer `connect-<connector>` and maybe a DLQ producer for sinks) and the runner itself.
 * Shared by the standalone and distributed herders.
 */
import { Admin, Consumer, type ConsumerOptions, Producer, type ProducerOptions } from '../../client/index.js';
import type { Logger } from '../../log/logger.js';
import type { Connector, ConnectorConfig, SinkTask, SourceTask } from '../api.js';
import { createConverter } from '../converters.js';
import type { ActiveTopics } from './active-topics.js';
import { sinkTopicPattern } from './connector-validation.js';
import { DeadLetterQueue } from './dead-letter-queue.js';
import type { OffsetStore } from './offset-store.js';
import type { Converters } from './record-conversion.js';
import { SinkTaskRunner } from './sink-task-runner.js';
import { SourceTaskRunner } from './source-task-runner.js';
import type { TaskRunner } from './task-state.js';

export const sinkGroupId = (connector: string) => `connect-${connector}`;

export interface TaskFactoryOptions {
  workerConfig: Record<string, string>;
  bootstrapServers: string;
  offsets: OffsetStore;
  logger: Logger;
  clock: () => number;
  pollTimeoutMs: number;
  idlePollMs: number;
  /** KIP-558 topic tracking; null when `topic.tracking.enable=false`. */
  activeTopics: ActiveTopics | null;
  /** Distributed workers with `exactly.once.source.support=enabled` (KIP-618). */
  exactlyOnceSource?: { groupId: string; offsetsTopic: string };
}

export interface TaskSpec {
  connector: string;
  id: number;
  connectorConfig: ConnectorConfig;
  taskConfig: ConnectorConfig;
  /** The connector's instance or a fresh one of its class: gives the task class and type. */
  instance: Connector;
  paused: boolean;
}

export class TaskFactory {
  constructor(private readonly o: TaskFactoryOptions) {}

  converters(config: ConnectorConfig): Converters {
    // Connector-level converter settings override the worker's.
    const merged: Record<string, string> = {};
    for (const src of [this.o.workerConfig, config]) for (const k of Object.keys(src)) if (/^(key|value|header)\.converter/.test(k)) merged[k] = src[k]!;
    return {
      key: createConverter(merged, 'key.converter'),
      value: createConverter(merged, 'value.converter'),
      header: createConverter(merged, 'header.converter', 'org.apache.kafka.connect.storage.SimpleHeaderConverter'),
      keyClass: merged['key.converter'] ?? 'org.apache.kafka.connect.json.JsonConverter',
      valueClass: merged['value.converter'] ?? 'org.apache.kafka.connect.json.JsonConverter',
    };
  }

  /** The worker's `consumer.*` settings this client understands. */
  private consumerOverrides(): Partial<ConsumerOptions> {
    const w = this.o.workerConfig;
    const out: Partial<ConsumerOptions> = {};
    if (w['consumer.session.timeout.ms']) out.sessionTimeoutMs = Number(w['consumer.session.timeout.ms']);
    if (w['consumer.heartbeat.interval.ms']) out.heartbeatIntervalMs = Number(w['consumer.heartbeat.interval.ms']);
    if (w['consumer.max.poll.records']) out.maxPollRecords = Number(w['consumer.max.poll.records']);
    if (w['consumer.metadata.max.age.ms']) out.metadataMaxAgeMs = Number(w['consumer.metadata.max.age.ms']);
    return out;
  }

  /** The worker's `producer.*` settings this client understands. */
  private producerOverrides(): Partial<ProducerOptions> {
    const w = this.o.workerConfig;
    const out: Partial<ProducerOptions> = {};
    if (w['producer.linger.ms']) out.lingerMs = Number(w['producer.linger.ms']);
    if (w['producer.batch.size']) out.batchSizeBytes = Number(w['producer.batch.size']);
    return out;
  }

  async start(spec: TaskSpec): Promise<TaskRunner> {
    const TaskCls = spec.instance.taskClass();
    const flushMs = Number(this.o.workerConfig['offset.flush.interval.ms'] ?? 60_000);
    const logger = this.o.logger.child({ connector: spec.connector, task: spec.id });
    const common = {
      connector: spec.connector,
      id: spec.id,
      taskConfig: spec.taskConfig,
      connectorConfig: spec.connectorConfig,
      converters: this.converters(spec.connectorConfig),
      offsetFlushIntervalMs: flushMs,
      clock: this.o.clock,
      logger,
      noteTopic: this.o.activeTopics ? (topic: string) => this.o.activeTopics!.note(spec.connector, spec.id, topic) : () => {},
    };
    if (spec.instance.type === 'source') {
      const eos = this.o.exactlyOnceSource;
      const runner = new SourceTaskRunner({
        ...common,
        task: new TaskCls() as SourceTask,
        producer: new Producer({
          bootstrapServers: this.o.bootstrapServers,
          clientId: `connector-producer-${spec.connector}-${spec.id}`,
          ...this.producerOverrides(),
          // Kafka's transactional id for a source task: a restarted or moved task fences the old one.
          ...(eos ? { transactionalId: `${eos.groupId}-${spec.connector}-${spec.id}` } : {}),
        }),
        offsets: this.o.offsets,
        idlePollMs: this.o.idlePollMs,
        ...(eos ? { exactlyOnce: { offsetsTopic: eos.offsetsTopic } } : {}),
      });
      await runner.start(spec.paused);
      return runner;
    }
    const config = spec.connectorConfig;
    const dlqTopic = (config['errors.deadletterqueue.topic.name'] ?? '').trim();
    const runner = new SinkTaskRunner({
      ...common,
      task: new TaskCls() as SinkTask,
      topics: (config['topics.regex'] ?? '').trim() !== '' ? sinkTopicPattern(config['topics.regex']!.trim()) : (config['topics'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== ''),
      consumer: new Consumer({
        bootstrapServers: this.o.bootstrapServers,
        groupId: sinkGroupId(spec.connector),
        clientId: `connector-consumer-${spec.connector}-${spec.id}`,
        autoCommit: false,
        autoOffsetReset: 'earliest',
        ...this.consumerOverrides(),
      }),
      dlq: dlqTopic === '' ? null : await this.deadLetterQueue(spec, dlqTopic),
      pollTimeoutMs: this.o.pollTimeoutMs,
    });
    await runner.start(spec.paused);
    return runner;
  }

  private async deadLetterQueue(spec: TaskSpec, topic: string): Promise<DeadLetterQueue> {
    const config = spec.connectorConfig;
    const admin = new Admin({ bootstrapServers: this.o.bootstrapServers });
    try {
      const existing = await admin.listTopics();
      if (!existing.includes(topic)) {
        const replicationFactor = Number(config['errors.deadletterqueue.topic.replication.factor'] ?? 3);
        // A single-broker cluster cannot hold 3 replicas: clip to what the cluster has.
        const brokers = (await admin.describeCluster()).brokers.length;
        await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: Math.max(1, Math.min(replicationFactor, brokers)) }] }).catch((err: Error) => {
          if (!/exists/i.test(err.message)) throw err;
        });
      }
    } finally {
      await admin.close();
    }
    const producer = new Producer({ bootstrapServers: this.o.bootstrapServers, clientId: `connector-dlq-producer-${spec.connector}-${spec.id}` });
    return new DeadLetterQueue(producer, topic, (config['errors.deadletterqueue.context.headers.enable'] ?? 'false').trim() === 'true', spec.connector, spec.id);
  }
}
