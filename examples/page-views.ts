/**
 * Windowed page-view counts with Brook Streams: views in (key = user, value = page), the number of
 * views per page per minute out, one final result per window (suppressed until the window closes,
 * a 10-second grace period accepting late views).
 *
 *   node dist/examples/page-views.js                        # demo on an embedded Brook broker
 *   node dist/examples/page-views.js localhost:9092         # against any Kafka-compatible cluster
 */
import { Producer } from '../src/index.js';
import { KafkaStreams, Serdes, StreamsBuilder, Suppressed, TimeWindows, type Topology } from '../src/streams/index.js';
import { demoBroker, ensureTopics, readUntil, runUntilInterrupted } from './shared.js';

const MINUTE_MS = 60_000;

export function pageViewsTopology(viewsTopic: string, countsTopic: string): Topology {
  const builder = new StreamsBuilder();
  builder
    .stream<string, string>(viewsTopic, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .groupBy((_user, page) => page, { keySerde: Serdes.string(), valueSerde: Serdes.string() })
    .windowedBy(TimeWindows.ofSizeAndGrace(MINUTE_MS, 10_000))
    .count({ storeName: 'views-per-minute' })
    .suppress(Suppressed.untilWindowCloses())
    .toStream()
    .map((windowed, count) => [`${windowed.key}@${new Date(windowed.window.startMs).toISOString()}`, count] as [string, number])
    .to(countsTopic, { keySerde: Serdes.string(), valueSerde: Serdes.int64() });
  return builder.build();
}

async function demo(): Promise<void> {
  const broker = await demoBroker();
  const { bootstrapServers } = broker;
  // One partition keeps the demo's stream time (and so what is late) independent of fetch order.
  await ensureTopics(bootstrapServers, ['page-views', 'page-view-counts']);
  const producer = new Producer({ bootstrapServers });
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
  const views: Array<[string, string, number]> = [
    ['ann', '/home', t0 + 1_000],
    ['bob', '/home', t0 + 20_000],
    ['ann', '/cart', t0 + 30_000],
    ['cid', '/home', t0 + 65_000], // next minute
    ['bob', '/cart', t0 + 55_000], // late, but within the grace period: counted in the first minute
    ['ann', '/home', t0 + 3 * MINUTE_MS], // moves stream time on: the first two minutes close
  ];
  for (const [user, page, timestamp] of views) await producer.send({ topic: 'page-views', messages: [{ key: user, value: page, timestamp }] });
  await producer.close();

  const streams = new KafkaStreams(pageViewsTopology('page-views', 'page-view-counts'), { applicationId: 'page-views', bootstrapServers, commitIntervalMs: 100 });
  await streams.start();
  const counts = new Map<string, number>();
  await readUntil(bootstrapServers, 'page-view-counts', (r) => {
    counts.set(r.key!.toString(), Serdes.int64().deserialize(r.topic, r.value)!);
    return counts.size >= 3;
  });
  for (const [window, count] of [...counts].sort()) console.log(`${window}\t${count}`);
  await streams.close();
  await broker.stop();
}

const [bootstrapServers] = process.argv.slice(2);
if (bootstrapServers) {
  await ensureTopics(bootstrapServers, ['page-views', 'page-view-counts']);
  await runUntilInterrupted(new KafkaStreams(pageViewsTopology('page-views', 'page-view-counts'), { applicationId: 'page-views', bootstrapServers }), 'counting page views per minute');
} else await demo();
