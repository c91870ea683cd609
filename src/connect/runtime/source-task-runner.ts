/**
 * Runs one SourceTask (Kafka's WorkerSourceTask): poll -> transform -> convert -> produce, then
 * records the source offsets of acknowledged records in the offset store, which is flushed every
 * offset.flush.interval.ms and on stop. Offsets are only stored for records the broker acked, so
 * a crash replays at most what was produced since the last flush (at-least-once).
 *
 * Exactly-once (KIP-618, `exactly.once.source.support=enabled` in distributed mode): the producer is
 * transactional (its transactional id fences a zombie of the same task) and each poll's records
 * and their source offsets (written to the offset topic by the same producer) commit in one
 * transaction (`transaction.boundary=poll`), so a crash replays nothing that was committed and
 * keeps nothing of what was not.
 */
import type { ConnectorConfig, SourceOffset, SourcePartition, SourceRecord, SourceTask } from '../api.js';
import type { Producer } from '../../client/index.js';
import { buildChain } from '../transforms/chain.js';
import { RetryWithTolerance, errorPolicy } from './error-handling.js';
import type { OffsetStore } from './offset-store.js';
import { stableJson } from './offset-store.js';
import { type Converters, toProducerMessage } from './record-conversion.js';
import { TaskLifecycle, traceOf } from './task-state.js';
import type { ProducerMessage } from '../../client/index.js';
import type { Logger } from '../../log/logger.js';

export interface SourceRunnerOptions {
  connector: string;
  id: number;
  task: SourceTask;
  taskConfig: ConnectorConfig;
  connectorConfig: ConnectorConfig;
  converters: Converters;
  producer: Producer;
  offsets: OffsetStore;
  offsetFlushIntervalMs: number;
  /** Wait between polls that returned nothing. */
  idlePollMs: number;
  clock: () => number;
  /** KIP-558: a topic this task produced to. */
  noteTopic: (topic: string) => void;
  logger: Logger;
  /** Exactly-once: the offset topic the transactional producer writes this task's offsets to. */
  exactlyOnce?: { offsetsTopic: string };
}

export class SourceTaskRunner extends TaskLifecycle {
  private lastFlushMs: number;
  /** Offsets acked but not yet in the store, by stable partition key. */
  private readonly pending = new Map<string, { partition: SourcePartition; offset: SourceOffset }>();

  constructor(private readonly o: SourceRunnerOptions) {
    super(o.id, 'source', o.connector, o.logger);
    this.lastFlushMs = o.clock();
  }

  async start(startPaused: boolean): Promise<void> {
    this.paused = startPaused;
    const store = this.o.offsets;
    const connector = this.o.connector;
    this.o.task.initialize({ configs: this.o.connectorConfig, offsetStorageReader: { offset: (p) => store.get(connector, p) } });
    try {
      if (this.o.exactlyOnce) await this.o.producer.initTransactions();
      await this.o.task.start(this.o.taskConfig);
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
    try {
      await this.o.task.stop();
    } catch (err) {
      this.o.logger.warn({ err: traceOf(err), connector: this.o.connector, task: this.id }, 'source task stop failed');
    }
    await this.commitOffsets().catch(() => {});
    await this.o.producer.close();
    if (this.state.state !== 'FAILED') this.state = { state: 'UNASSIGNED' };
  }

  private async run(): Promise<void> {
    const chain = buildChain<SourceRecord>(this.o.connectorConfig);
    const retry = new RetryWithTolerance(errorPolicy(this.o.connectorConfig), async ({ error, stage }) => {
      this.o.logger.warn({ connector: this.o.connector, task: this.id, stage, err: error.message }, 'record skipped (errors.tolerance=all)');
    }, this.o.clock);
    try {
      while (!this.stopping) {
        if (this.paused) {
          await this.waiter.wait(1000);
          continue;
        }
        const records = await this.o.task.poll();
        if (!records || records.length === 0) {
          if (this.o.clock() - this.lastFlushMs >= this.o.offsetFlushIntervalMs) await this.commitOffsets();
          if (!this.stopping) await this.waiter.wait(this.o.idlePollMs);
          continue;
        }
        if (this.o.exactlyOnce) {
          await this.sendInTransaction(records, chain, retry, this.o.exactlyOnce.offsetsTopic);
          continue;
        }
        await this.sendBatch(records, chain, retry);
        if (this.o.clock() - this.lastFlushMs >= this.o.offsetFlushIntervalMs) await this.commitOffsets();
      }
    } catch (err) {
      this.fail(err);
    }
  }

  private async sendBatch(records: SourceRecord[], chain: ReturnType<typeof buildChain<SourceRecord>>, retry: RetryWithTolerance): Promise<void> {
    const byTopic = new Map<string, { messages: ProducerMessage[]; sources: SourceRecord[] }>();
    const skipped: SourceRecord[] = [];
    const { key, value, keyClass, valueClass } = this.o.converters;
    for (const original of records) {
      const t = await retry.execute(() => chain.apply(original), 'TRANSFORMATION', 'TransformationChain');
      if (!t.ok || t.value === null) {
        skipped.push(original);
        continue;
      }
      const r = t.value;
      const k = await retry.execute(() => key.fromConnectData(r.topic, r.keySchema, r.key), 'KEY_CONVERTER', keyClass);
      if (!k.ok) {
        skipped.push(original);
        continue;
      }
      const v = await retry.execute(() => value.fromConnectData(r.topic, r.valueSchema, r.value), 'VALUE_CONVERTER', valueClass);
      if (!v.ok) {
        skipped.push(original);
        continue;
      }
      let entry = byTopic.get(r.topic);
      if (!entry) byTopic.set(r.topic, (entry = { messages: [], sources: [] }));
      entry.messages.push(toProducerMessage(r, k.value, v.value, this.o.converters.header));
      entry.sources.push(original);
    }
    await Promise.all([...byTopic].map(([topic, e]) => this.o.producer.send({ topic, messages: e.messages })));
    for (const topic of byTopic.keys()) this.o.noteTopic(topic);
    // Offsets advance in poll order (dropped records too: they are done with).
    for (const r of records) {
      if (r.sourcePartition && r.sourceOffset) this.pending.set(stableJson(r.sourcePartition), { partition: r.sourcePartition, offset: r.sourceOffset });
      await this.o.task.commitRecord(r);
    }
  }

  /** One poll's records and their offsets in one transaction; any failure aborts it and fails the task. */
  private async sendInTransaction(records: SourceRecord[], chain: ReturnType<typeof buildChain<SourceRecord>>, retry: RetryWithTolerance, offsetsTopic: string): Promise<void> {
    const producer = this.o.producer;
    producer.beginTransaction();
    try {
      await this.sendBatch(records, chain, retry);
      const offsets = [...this.pending.values()].map((p) => ({ key: stableJson([this.o.connector, p.partition]), value: JSON.stringify(p.offset) }));
      if (offsets.length > 0) await producer.send({ topic: offsetsTopic, messages: offsets });
      await producer.commitTransaction();
      this.pending.clear();
    } catch (err) {
      await producer.abortTransaction().catch(() => {});
      throw err;
    }
    await this.o.task.commit();
  }

  private async commitOffsets(): Promise<void> {
    if (this.o.exactlyOnce) return;
    this.lastFlushMs = this.o.clock();
    if (this.pending.size === 0) return;
    this.o.offsets.set(this.o.connector, [...this.pending.values()]);
    this.pending.clear();
    await this.o.offsets.flush();
    await this.o.task.commit();
  }
}
