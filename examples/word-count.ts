/**
 * Word count with Brook Streams: lines in, a running count per word out.
 *
 *   node dist/examples/word-count.js                        # demo on an embedded Brook broker
 *   node dist/examples/word-count.js localhost:9092 in out  # against any Kafka-compatible cluster
 *
 * Build with `npx tsc -p examples/tsconfig.json`. The counts live in a store backed by the
 * compacted topic `word-count-counts-changelog`, so a restarted app continues where it stopped.
 */
import { Admin, Consumer, Producer, startBroker } from '../src/index.js';
import { KafkaStreams, Serdes, StreamsBuilder, type Topology } from '../src/streams/index.js';

export function wordCountTopology(inputTopic: string, outputTopic: string): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>(inputTopic, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter((word) => word !== ''))
    .groupBy((_key, word) => word, { keySerde: Serdes.string() })
    .count({ storeName: 'counts' })
    .toStream()
    .to(outputTopic, { valueSerde: Serdes.int64() });
  return builder.build();
}

async function ensureTopics(bootstrapServers: string, topics: string[]): Promise<void> {
  const admin = new Admin({ bootstrapServers });
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t));
    // One partition: grouping by word changes the key, and this version has no repartition topics.
    if (missing.length > 0) await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: 1 })) });
  } finally {
    await admin.close();
  }
}

/** Runs until Ctrl-C against a given cluster. */
async function runAgainst(bootstrapServers: string, inputTopic: string, outputTopic: string): Promise<void> {
  await ensureTopics(bootstrapServers, [inputTopic, outputTopic]);
  const streams = new KafkaStreams(wordCountTopology(inputTopic, outputTopic), { applicationId: 'word-count', bootstrapServers, commitIntervalMs: 1000 });
  await streams.start();
  console.log(`counting words from ${inputTopic} into ${outputTopic}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  await streams.close();
}

/** Starts a broker in this process, feeds it a few lines and prints the counts. */
async function demo(): Promise<void> {
  const broker = await startBroker({ port: 0, storage: 'memory', logLevel: 'silent', config: { 'group.initial.rebalance.delay.ms': '0' } });
  const { bootstrapServers } = broker;
  await ensureTopics(bootstrapServers, ['lines', 'word-counts']);
  const producer = new Producer({ bootstrapServers });
  await producer.send({ topic: 'lines', messages: ['all streams flow to the sea', 'the sea is not full', 'streams flow again'].map((value) => ({ value })) });
  await producer.close();

  const streams = new KafkaStreams(wordCountTopology('lines', 'word-counts'), { applicationId: 'word-count', bootstrapServers, commitIntervalMs: 100 });
  await streams.start();

  const consumer = new Consumer({ bootstrapServers, autoOffsetReset: 'earliest', maxWaitMs: 100 });
  await consumer.assign([{ topic: 'word-counts', partition: 0 }]);
  const counts = new Map<string, number>();
  const deadline = Date.now() + 10_000;
  while (counts.get('again') === undefined && Date.now() < deadline) {
    for (const r of await consumer.poll({ timeoutMs: 200 })) counts.set(r.key!.toString(), Serdes.int64().deserialize(r.topic, r.value)!);
  }
  for (const [word, count] of [...counts].sort()) console.log(`${word}\t${count}`);
  await consumer.close();
  await streams.close();
  await broker.stop();
}

const [bootstrapServers, inputTopic = 'lines', outputTopic = 'word-counts'] = process.argv.slice(2);
if (bootstrapServers) await runAgainst(bootstrapServers, inputTopic, outputTopic);
else await demo();
