/**
 * Word count with Brook Streams: lines in, a running count per word out.
 *
 *   node dist/examples/word-count.js                        # demo on an embedded Brook broker
 *   node dist/examples/word-count.js localhost:9092 in out  # against any Kafka-compatible cluster
 *
 * The counts live in a store backed by the compacted topic `word-count-counts-changelog`, so a
 * restarted app continues where it stopped; grouping by word repartitions through
 * `word-count-<name>-repartition`, so inputs may have any number of partitions.
 */
import { Producer } from '../src/index.js';
import { KafkaStreams, Serdes, StreamsBuilder, type Topology } from '../src/streams/index.js';
import { demoBroker, ensureTopics, readUntil, runUntilInterrupted } from './shared.js';

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

/** Starts a broker in this process, feeds it a few lines and prints the counts. */
async function demo(): Promise<void> {
  const broker = await demoBroker();
  const { bootstrapServers } = broker;
  // Several partitions: grouping by word goes through a repartition topic.
  await ensureTopics(bootstrapServers, ['lines', 'word-counts'], 3);
  const producer = new Producer({ bootstrapServers });
  await producer.send({ topic: 'lines', messages: ['all streams flow to the sea', 'the sea is not full', 'streams flow again'].map((value, i) => ({ key: `line-${i}`, value })) });
  await producer.close();

  const streams = new KafkaStreams(wordCountTopology('lines', 'word-counts'), { applicationId: 'word-count', bootstrapServers, commitIntervalMs: 100 });
  await streams.start();
  const counts = new Map<string, number>();
  await readUntil(bootstrapServers, 'word-counts', (r) => {
    counts.set(r.key!.toString(), Serdes.int64().deserialize(r.topic, r.value)!);
    return counts.get('streams') === 2 && counts.get('sea') === 2 && counts.has('again');
  });
  for (const [word, count] of [...counts].sort()) console.log(`${word}\t${count}`);
  await streams.close();
  await broker.stop();
}

const [bootstrapServers, inputTopic = 'lines', outputTopic = 'word-counts'] = process.argv.slice(2);
if (bootstrapServers) {
  await ensureTopics(bootstrapServers, [inputTopic, outputTopic]);
  await runUntilInterrupted(new KafkaStreams(wordCountTopology(inputTopic, outputTopic), { applicationId: 'word-count', bootstrapServers }), `counting words from ${inputTopic} into ${outputTopic}`);
} else await demo();
