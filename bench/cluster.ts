/**
 * Cluster mode on this machine: etcd plus three `brook start --etcd` processes on loopback.
 *
 *   rf1-single    acks=all to one single-node broker (the baseline: nothing to wait for)
 *   rf3-acks-all  acks=all to a topic with replication factor 3 and min.insync.replicas=2
 *   failover      the leader of a partition is killed with SIGKILL while a producer sends one
 *                 record at a time (acks=all): time from the kill to the first record acknowledged
 *                 by the new leader (broker.session.timeout.ms=2000 here; 9000 by default)
 *
 *   node dist/bench/cluster.js     (BENCH_RECORDS=200000 BENCH_RECORD_BYTES=100, librdkafka's rdperf)
 *
 * Writes bench/results/cluster-<timestamp>.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, removeDir, startChildBroker, tempDir, type ChildBroker } from '../test/helpers/broker.js';
import { startEtcd } from '../test/helpers/etcd.js';
import { Admin, Producer } from '../src/client/index.js';
import { buildRdperf, rdperf } from './lib/rdperf.js';
import { repoRoot } from './lib/paths.js';

const records = Number(process.env.BENCH_RECORDS ?? 200_000);
const recordBytes = Number(process.env.BENCH_RECORD_BYTES ?? 100);
const SESSION_TIMEOUT_MS = 2000;

buildRdperf();
const dirs: string[] = [];
const brokers: Array<{ id: number; port: number; child: ChildBroker | null; dir: string }> = [];
const etcd = await startEtcd();

async function startMember(m: (typeof brokers)[number]): Promise<void> {
  m.child = await startChildBroker(m.dir, m.port, ['--broker-id', String(m.id), '--etcd', etcd.endpoint, '--set', `broker.session.timeout.ms=${SESSION_TIMEOUT_MS}`]);
}

async function stopChild(child: ChildBroker | null, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.child.exitCode !== null) return;
  child.child.kill(signal);
  await child.exited;
}

/** Throughput rows carry records/s; time rows (failover, the first records) carry milliseconds. */
const rows: Array<{ name: string; recordsPerSec?: number; mbPerSec?: number; failoverMs?: number }> = [];
try {
  // Baseline: one broker on its own, acks=all (the leader is the whole ISR).
  const singleDir = tempDir('brook-bench-single-');
  dirs.push(singleDir);
  const single = await startChildBroker(singleDir, await freePort());
  await rdperf(['produce', single.bootstrapServers, 'rf1', '1000', String(recordBytes), 'all']);
  const base = await rdperf(['produce', single.bootstrapServers, 'rf1', String(records), String(recordBytes), 'all']);
  rows.push({ name: 'rf1-single acks=all', recordsPerSec: Number(base.records_per_s), mbPerSec: Number(base.mb_per_s) });
  await stopChild(single, 'SIGTERM');

  for (const id of [1, 2, 3]) {
    const dir = tempDir(`brook-bench-cluster-${id}-`);
    dirs.push(dir);
    brokers.push({ id, port: await freePort(), child: null, dir });
  }
  for (const m of brokers) await startMember(m);
  const bootstrapServers = brokers.map((m) => `127.0.0.1:${m.port}`).join(',');
  const admin = new Admin({ bootstrapServers });
  await admin.createTopics({ topics: [{ topic: 'rf3', numPartitions: 3, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }] });
  // Untimed warm-up: followers of a new topic start fetching after their first fetch round (an
  // error until the leader knows it leads backs off replica.fetch.backoff.ms), which would dominate.
  const warmupStart = performance.now();
  await rdperf(['produce', bootstrapServers, 'rf3', '1000', String(recordBytes), 'all']);
  rows.push({ name: 'first 1000 records to a new rf3 topic (ms)', failoverMs: Math.round(performance.now() - warmupStart) });
  const replicated = await rdperf(['produce', bootstrapServers, 'rf3', String(records), String(recordBytes), 'all']);
  rows.push({ name: 'rf3 min.insync=2 acks=all', recordsPerSec: Number(replicated.records_per_s), mbPerSec: Number(replicated.mb_per_s) });

  // Failover: one record at a time to partition 0 while its leader dies.
  await admin.createTopics({ topics: [{ topic: 'failover', numPartitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '2' } }] });
  const [described] = await admin.describeTopics({ topics: ['failover'] });
  const leaderId = described!.partitions[0]!.leader;
  const producer = new Producer({ bootstrapServers, acks: 'all', lingerMs: 0, retries: 1000, requestTimeoutMs: 1000 });
  await producer.send({ topic: 'failover', messages: [{ value: 'warm' }] });
  const killedAtMs = performance.now();
  await stopChild(brokers.find((m) => m.id === leaderId)!.child, 'SIGKILL');
  await producer.send({ topic: 'failover', messages: [{ value: 'after' }] });
  rows.push({ name: 'failover (leader SIGKILL -> next ack)', failoverMs: Math.round(performance.now() - killedAtMs) });
  await producer.close();
  await admin.close();
} finally {
  for (const m of brokers) await stopChild(m.child, 'SIGTERM');
  await etcd.stop();
  for (const d of dirs) removeDir(d);
}

console.log(`\nBrook cluster mode, ${records} records of ${recordBytes} B (rdperf, librdkafka), session timeout ${SESSION_TIMEOUT_MS} ms\n`);
for (const r of rows) {
  const figure = r.failoverMs !== undefined ? `${r.failoverMs} ms` : `${Math.round(r.recordsPerSec!).toLocaleString()} rec/s  ${r.mbPerSec} MB/s`;
  console.log(`${r.name.padEnd(40)} ${figure}`);
}
const resultsDir = join(repoRoot, 'bench', 'results');
mkdirSync(resultsDir, { recursive: true });
const file = join(resultsDir, `cluster-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, records, recordBytes, sessionTimeoutMs: SESSION_TIMEOUT_MS, rows }, null, 2) + '\n');
console.log(`\nwritten to ${file}`);
