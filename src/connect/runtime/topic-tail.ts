/**
 * Reads every partition of some topics from the start and keeps following them, handing each
 * record to `apply` in offset order per partition. readToEnd() resolves once everything written
 * before the call has been applied (the way Kafka's KafkaBasedLog is used for configs, offsets
 * and statuses).
 */
import { Admin, Consumer, type ConsumerRecord } from '../../client/index.js';
import type { Logger } from '../../log/logger.js';

export class TopicTail {
  private readonly consumer: Consumer;
  private loop: Promise<void> = Promise.resolve();
  private stopped = false;
  private partitions: Array<{ topic: string; partition: number }> = [];
  /** Next offset per partition after what was applied (the consumer's position may be ahead: prefetch). */
  private readonly applied = new Map<string, number>();

  constructor(
    private readonly bootstrapServers: string,
    private readonly topics: string[],
    private readonly apply: (r: ConsumerRecord) => void,
    private readonly logger: Logger,
  ) {
    // read_committed: records of aborted transactions (exactly-once source offsets) never count.
    this.consumer = new Consumer({ bootstrapServers, autoOffsetReset: 'earliest', maxWaitMs: 100, isolationLevel: 'read_committed' });
  }

  async start(): Promise<void> {
    const admin = new Admin({ bootstrapServers: this.bootstrapServers });
    try {
      const infos = await admin.describeTopics({ topics: this.topics });
      this.partitions = infos.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
    } finally {
      await admin.close();
    }
    await this.consumer.assign(this.partitions.map((p) => ({ ...p, offset: 0 })));
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        for (const r of await this.consumer.poll({ timeoutMs: 100 })) {
          this.apply(r);
          this.applied.set(`${r.topic}\0${r.partition}`, r.offset + 1);
        }
      } catch (err) {
        if (this.stopped) return;
        this.logger.warn({ err: (err as Error).message, topics: this.topics }, 'reading an internal topic failed; retrying');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  /** Resolves once every record below the current end offsets has been applied. */
  async readToEnd(): Promise<void> {
    const admin = new Admin({ bootstrapServers: this.bootstrapServers });
    let ends: Array<{ topic: string; partition: number; high: number }>;
    try {
      ends = (await Promise.all(this.topics.map(async (topic) => (await admin.fetchTopicOffsets(topic)).map((o) => ({ topic, partition: o.partition, high: o.high }))))).flat();
    } finally {
      await admin.close();
    }
    // The consumer's position also passes transaction markers and aborted data, which apply nothing;
    // it is never ahead of what was applied once the poll that fetched it has been handed out.
    const done = (e: { topic: string; partition: number }) => Math.max(this.applied.get(`${e.topic}\0${e.partition}`) ?? 0, this.consumer.position(e));
    const caughtUp = () => ends.every((e) => e.high === 0 || done(e) >= e.high);
    while (!caughtUp()) {
      if (this.stopped) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.consumer.close();
  }
}
