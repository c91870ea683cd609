/**
 * Brook Streams throughput against a `brook start --storage memory` child process:
 *
 *   client     the plain client reading the input and writing each record to an output topic
 *              (consume -> produce, what a hand-written pipeline does): the baseline
 *   stateless  a filter + mapValues topology from the input to an output topic
 *   windowed   a tumbling-window count per key (a logged window store), results to an output topic
 *   windowed-eos  the same under exactly_once_v2
 *
 *   node dist/bench/streams.js      (BENCH_RECORDS=200000 BENCH_RECORD_BYTES=100 BENCH_KEYS=1000)
 *
 * Each row: input records per second from start to the last output record acknowledged, and the
 * ratio to the client row. Writes bench/results/streams-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildBroker, freePort, tempDir, removeDir } from '../test/helpers/broker.js';
import { Admin, Consumer, Producer } from '../src/client/index.js';
import { KafkaStreams, Serdes, StreamsBuilder, TimeWindows, type Topology } from '../src/streams/index.js';
import { repoRoot } from './lib/paths.js';

const records = Number(process.env.BENCH_RECORDS ?? 200_000);
const recordBytes = Number(process.env.BENCH_RECORD_BYTES ?? 100);
const keys = Number(process.env.BENCH_KEYS ?? 1000);
const partitions = 4;

const dataDir = tempDir('brook-bench-streams-');
const broker = await startChildBroker(dataDir, await freePort(), ['--storage', 'memory', '--set', 'group.initial.rebalance.delay.ms=0']);
const { bootstrapServers } = broker;
const admin = new Admin({ bootstrapServers });

async function fillInput(topic: string): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  const producer = new Producer({ bootstrapServers, lingerMs: 5 });
  const value = Buffer.alloc(recordBytes, 0x61);
  const sends: Array<Promise<unknown>> = [];
  for (let i = 0; i < records; i += 500) {
    const messages = Array.from({ length: Math.min(500, records - i) }, (_, j) => ({ key: `k${(i + j) % keys}`, value, timestamp: 1_700_000_000_000 + i + j }));
    sends.push(producer.send({ topic, messages }));
    if (sends.length >= 32) await sends.shift();
  }
  await Promise.all(sends);
  await producer.close();
}

/** Waits until the output topic holds `expected` records; returns when that was seen. */
async function awaitOutput(topic: string, expected: number): Promise<number> {
  for (;;) {
    const offsets = await admin.fetchTopicOffsets(topic).catch(() => []);
    const total = offsets.reduce((n, o) => n + o.high, 0);
    if (total >= expected) return performance.now();
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function clientBaseline(input: string, output: string): Promise<number> {
  await admin.createTopics({ topics: [{ topic: output, numPartitions: partitions }] });
  const started = performance.now();
  const consumer = new Consumer({ bootstrapServers, groupId: 'bench-client', autoOffsetReset: 'earliest' });
  const producer = new Producer({ bootstrapServers, acks: 'all', lingerMs: 5 });
  await consumer.subscribe({ topics: [input] });
  let seen = 0;
  const sends: Array<Promise<unknown>> = [];
  while (seen < records) {
    const polled = await consumer.poll({ timeoutMs: 100 });
    if (polled.length === 0) continue;
    seen += polled.length;
    sends.push(producer.send({ topic: output, messages: polled.map((r) => ({ key: r.key, value: r.value })) }));
    if (sends.length >= 32) await sends.shift();
  }
  await Promise.all(sends);
  const done = performance.now();
  await consumer.close();
  await producer.close();
  return (records * 1000) / (done - started);
}

async function runTopology(name: string, topology: Topology, output: string, expected: number, guarantee: 'at_least_once' | 'exactly_once_v2'): Promise<number> {
  await admin.createTopics({ topics: [{ topic: output, numPartitions: partitions }] });
  const streams = new KafkaStreams(topology, { applicationId: `bench-${name}`, bootstrapServers, processingGuarantee: guarantee, commitIntervalMs: guarantee === 'exactly_once_v2' ? 100 : 1000 });
  const started = performance.now();
  await streams.start();
  const running = performance.now();
  const done = await awaitOutput(output, expected);
  await streams.close();
  startupMs.set(name, Math.round(running - started));
  return (records * 1000) / (done - started);
}

function stateless(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream<string, Buffer>(input, { keySerde: Serdes.string(), valueSerde: Serdes.bytes() })
    .filter((k) => k !== 'never')
    .mapValues((v) => v.subarray(0, 50))
    .to(output, { valueSerde: Serdes.bytes() });
  return b.build();
}

function windowedCount(input: string, output: string): Topology {
  const b = new StreamsBuilder();
  b.stream<string, Buffer>(input, { keySerde: Serdes.string(), valueSerde: Serdes.bytes() })
    .groupByKey()
    .windowedBy(TimeWindows.ofSizeWithNoGrace(60_000))
    .count()
    .toStream()
    .map((wk, n) => [wk.key, n] as [string, number])
    .to(output, { keySerde: Serdes.string(), valueSerde: Serdes.int64() });
  return b.build();
}

const rows: Array<{ name: string; recordsPerSec: number; vsClient: number; startupMs?: number }> = [];
/** start() to RUNNING (internal topics, group join) per case: part of each row's time. */
const startupMs = new Map<string, number>();
try {
  await fillInput('bench-in');
  const client = await clientBaseline('bench-in', 'bench-client-out');
  rows.push({ name: 'client consume -> produce', recordsPerSec: client, vsClient: 1 });
  const cases: Array<[string, (i: string, o: string) => Topology, 'at_least_once' | 'exactly_once_v2']> = [
    ['stateless', stateless, 'at_least_once'],
    ['windowed', windowedCount, 'at_least_once'],
    ['windowed-eos', windowedCount, 'exactly_once_v2'],
  ];
  for (const [name, build, guarantee] of cases) {
    const rate = await runTopology(name, build('bench-in', `bench-${name}-out`), `bench-${name}-out`, records, guarantee);
    rows.push({ name: `streams ${name} (${guarantee})`, recordsPerSec: rate, vsClient: rate / client, startupMs: startupMs.get(name)! });
  }
} finally {
  await admin.close();
  broker.child.kill('SIGTERM');
  await broker.exited;
  removeDir(dataDir);
}

console.log(`\nBrook Streams, ${records} records of ${recordBytes} B, ${keys} keys, ${partitions} partitions\n`);
for (const r of rows) {
  const startup = r.startupMs === undefined ? '' : `   (start ${r.startupMs} ms)`;
  console.log(`${r.name.padEnd(40)} ${Math.round(r.recordsPerSec).toLocaleString().padStart(12)} rec/s   ${r.vsClient.toFixed(2)}x client${startup}`);
}
const resultsDir = join(repoRoot, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `streams-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, records, recordBytes, keys, partitions, rows }, null, 2) + '\n');
console.log(`\nwritten to ${file}`);
