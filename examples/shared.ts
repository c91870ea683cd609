/**
 * What the examples share: creating their topics, a demo broker in the process, and reading an
 * output topic until a condition holds. Each example runs as
 *   node dist/examples/<name>.js                    # demo on an embedded Brook broker
 *   node dist/examples/<name>.js localhost:9092     # against any Kafka-compatible cluster
 */
import { Admin, Consumer, startBroker, type ConsumerRecord } from '../src/index.js';
import type { KafkaStreams } from '../src/streams/index.js';

export async function ensureTopics(bootstrapServers: string, topics: string[], numPartitions = 1): Promise<void> {
  const admin = new Admin({ bootstrapServers });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    if (missing.length > 0) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions })) });
  } finally {
    await admin.close();
  }
}

/** A broker in this process for the demo; stopped by the returned function. */
export async function demoBroker(): Promise<{ bootstrapServers: string; stop: () => Promise<void> }> {
  const broker = await startBroker({ port: 0, storage: 'memory', logLevel: 'silent', config: { 'group.initial.rebalance.delay.ms': '0' } });
  return { bootstrapServers: broker.bootstrapServers, stop: () => broker.stop() };
}

/** Reads every partition of `topic` from the start, handing records to `onRecord` until it returns true (or 10 s pass). */
export async function readUntil(bootstrapServers: string, topic: string, onRecord: (r: ConsumerRecord) => boolean): Promise<void> {
  const admin = new Admin({ bootstrapServers });
  const partitions = (await admin.fetchTopicOffsets(topic)).map((p) => ({ topic, partition: p.partition }));
  await admin.close();
  const consumer = new Consumer({ bootstrapServers, autoOffsetReset: 'earliest', maxWaitMs: 100 });
  try {
    await consumer.assign(partitions);
    const deadline = Date.now() + 10_000;
    let done = false;
    while (!done && Date.now() < deadline) for (const r of await consumer.poll({ timeoutMs: 200 })) done = onRecord(r) || done;
  } finally {
    await consumer.close();
  }
}

/** Runs a started app until Ctrl-C. */
export async function runUntilInterrupted(streams: KafkaStreams, what: string): Promise<void> {
  await streams.start();
  console.log(`${what}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await streams.close();
}
