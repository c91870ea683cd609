/**
 * Runs one SinkTask (Kafka's WorkerSinkTask): poll the group consumer -> convert -> transform ->
 * put(); every offset.flush.interval.ms (and on stop) flush() the task and only then commit the
 * consumer offsets, so a committed offset always means "durable in the sink". Records failing
 * conversion or transformation are skipped under errors.tolerance=all and sent to the DLQ.
 */
import type { ConnectorConfig, SinkRecord, SinkTask, TopicPartitionRef } from '../api.js';
import { type Consumer, type ConsumerRecord, ErrorCode, KafkaError } from '../../client/index.js';
import type { Logger } from '../../log/logger.js';
import { buildChain } from '../transforms/chain.js';
import type { DeadLetterQueue } from './dead-letter-queue.js';
import { type ErrorContext, RetryWithTolerance, errorPolicy } from './error-handling.js';
import { type Converters, headersOf } from './record-conversion.js';
import { TaskLifecycle, traceOf } from './task-state.js';

export interface SinkRunnerOptions {
  connector: string;
  id: number;
  task: SinkTask;
  taskConfig: ConnectorConfig;
  connectorConfig: ConnectorConfig;
  /** A list of topics, or `topics.regex` as a pattern. */
  topics: string[] | RegExp;
  converters: Converters;
  consumer: Consumer;
  dlq: DeadLetterQueue | null;
  offsetFlushIntervalMs: number;
  pollTimeoutMs: number;
  clock: () => number;
  /** KIP-558: a topic this task consumed from. */
  noteTopic: (topic: string) => void;
  logger: Logger;
}

const LOST_TO_REBALANCE = new Set<number>([ErrorCode.REBALANCE_IN_PROGRESS, ErrorCode.ILLEGAL_GENERATION, ErrorCode.UNKNOWN_MEMBER_ID]);

const tpKey = (topic: string, partition: number) => `${topic}\0${partition}`;

export class SinkTaskRunner extends TaskLifecycle {
  private commitRequested = false;
  private lastCommitMs: number;
  /** Next offset to commit per partition (last put offset + 1), not yet committed. */
  private readonly consumed = new Map<string, { topic: string; partition: number; offset: number }>();
  private readonly rewinds: Array<TopicPartitionRef & { offset: number }> = [];
  private currentRecord: ConsumerRecord | null = null;

  constructor(private readonly o: SinkRunnerOptions) {
    super(o.id, 'sink', o.connector, o.logger);
    this.lastCommitMs = o.clock();
  }

  async start(startPaused: boolean): Promise<void> {
    this.paused = startPaused;
    const consumer = this.o.consumer;
    this.o.task.initialize({
      configs: this.o.connectorConfig,
      offset: (tp, offset) => this.rewinds.push({ ...tp, offset }),
      requestCommit: () => {
        this.commitRequested = true;
      },
      assignment: () => consumer.assignment(),
    });
    try {
      await this.o.task.start(this.o.taskConfig);
      await consumer.subscribe({ topics: this.o.topics });
      await this.o.task.open(consumer.assignment());
    } catch (err) {
      this.fail(err);
      return;
    }
    this.state = { state: startPaused ? 'PAUSED' : 'RUNNING' };
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.waiter.wake();
    await this.loop;
    if (this.state.state !== 'FAILED') await this.commit().catch((err) => this.o.logger.warn({ err: traceOf(err) }, 'final sink commit failed'));
    try {
      await this.o.task.close(this.o.consumer.assignment());
      await this.o.task.stop();
    } catch (err) {
      this.o.logger.warn({ err: traceOf(err), connector: this.o.connector, task: this.id }, 'sink task stop failed');
    }
    await this.o.consumer.close();
    await this.o.dlq?.close();
    if (this.state.state !== 'FAILED') this.state = { state: 'UNASSIGNED' };
  }

  private async run(): Promise<void> {
    const chain = buildChain<SinkRecord>(this.o.connectorConfig);
    const retry = new RetryWithTolerance(errorPolicy(this.o.connectorConfig), (ctx) => this.report(ctx), this.o.clock);
    const consumer = this.o.consumer;
    try {
      while (!this.stopping) {
        for (const r of this.rewinds.splice(0)) consumer.seek(r);
        // A paused sink keeps polling (group heartbeats ride on poll) with its partitions paused.
        if (this.paused) consumer.pause(consumer.assignment());
        else if (consumer.paused().length > 0) consumer.resume(consumer.paused());
        const polled = await consumer.poll({ timeoutMs: this.o.pollTimeoutMs });
        if (polled.length > 0) await this.deliver(polled, chain, retry);
        if (this.commitRequested || this.o.clock() - this.lastCommitMs >= this.o.offsetFlushIntervalMs) await this.commit();
      }
    } catch (err) {
      if (!this.stopping) this.fail(err);
    }
  }

  private async deliver(polled: ConsumerRecord[], chain: ReturnType<typeof buildChain<SinkRecord>>, retry: RetryWithTolerance): Promise<void> {
    const { key, value, keyClass, valueClass } = this.o.converters;
    const batch: SinkRecord[] = [];
    for (const raw of polled) {
      this.currentRecord = raw;
      const k = await retry.execute(() => key.toConnectData(raw.topic, raw.key), 'KEY_CONVERTER', keyClass);
      if (!k.ok) continue;
      const v = await retry.execute(() => value.toConnectData(raw.topic, raw.value), 'VALUE_CONVERTER', valueClass);
      if (!v.ok) continue;
      const record: SinkRecord = {
        topic: raw.topic,
        kafkaPartition: raw.partition,
        kafkaOffset: raw.offset,
        timestamp: raw.timestamp,
        keySchema: k.value.schema,
        key: k.value.value,
        valueSchema: v.value.schema,
        value: v.value.value,
        headers: headersOf(raw, this.o.converters.header),
      };
      const t = await retry.execute(() => chain.apply(record), 'TRANSFORMATION', 'TransformationChain');
      if (t.ok && t.value !== null) batch.push(t.value);
    }
    this.currentRecord = null;
    if (batch.length > 0) await this.put(batch);
    for (const raw of polled) this.consumed.set(tpKey(raw.topic, raw.partition), { topic: raw.topic, partition: raw.partition, offset: raw.offset + 1 });
    for (const { topic } of this.consumed.values()) this.o.noteTopic(topic);
  }

  /** put() failures are not tolerated (as in Kafka); retriable ones are retried for errors.retry.timeout. */
  private async put(batch: SinkRecord[]): Promise<void> {
    const strict = new RetryWithTolerance({ ...errorPolicy(this.o.connectorConfig), tolerance: 'none' }, async () => {}, this.o.clock);
    await strict.execute(() => this.o.task.put(batch), 'TASK_PUT', this.o.task.constructor.name);
  }

  private async report(ctx: ErrorContext): Promise<void> {
    const raw = this.currentRecord;
    this.o.logger.warn({ connector: this.o.connector, task: this.id, stage: ctx.stage, err: ctx.error.message, topic: raw?.topic, offset: raw?.offset }, 'record skipped (errors.tolerance=all)');
    if (raw && this.o.dlq) await this.o.dlq.report(raw, ctx);
  }

  /**
   * flush() first; consumer offsets only after it succeeded. Only partitions still assigned are
   * committed: the client has no revocation callback (Kafka flushes and commits in
   * onPartitionsRevoked), so a commit that loses to a rebalance is dropped and the new owner
   * re-delivers from the last committed offset (at-least-once).
   */
  private async commit(): Promise<void> {
    this.lastCommitMs = this.o.clock();
    this.commitRequested = false;
    const owned = new Set(this.o.consumer.assignment().map((tp) => tpKey(tp.topic, tp.partition)));
    for (const k of this.consumed.keys()) if (!owned.has(k)) this.consumed.delete(k);
    if (this.consumed.size === 0) return;
    const offsets = [...this.consumed.values()];
    await this.o.task.flush(new Map(offsets.map((o) => [tpKey(o.topic, o.partition), o.offset])));
    try {
      await this.o.consumer.commit(offsets);
    } catch (err) {
      if (!(err instanceof KafkaError) || !LOST_TO_REBALANCE.has(err.code)) throw err;
      this.o.logger.info({ connector: this.o.connector, task: this.id, err: err.message }, 'offset commit lost to a rebalance; records will be re-delivered');
    }
    for (const o of offsets) if (this.consumed.get(tpKey(o.topic, o.partition))?.offset === o.offset) this.consumed.delete(tpKey(o.topic, o.partition));
  }
}
