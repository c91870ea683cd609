/**
 * Group coordinator benchmark against a `brook start` child process:
 *
 *   G1  rebalance: 10 members join a new group at once (bare protocol, behaving like clients:
 *       JoinGroup v7 in two steps, SyncGroup, heartbeats every 5 ms, rejoin on
 *       REBALANCE_IN_PROGRESS) until all 10 have synced one generation that holds them all
 *   G2  rebalance: 10 kafkajs consumers subscribe at once until the group is Stable with all 10
 *   G3  offset commit throughput, 1 partition per OffsetCommit, 8 connections x 32 in flight
 *   G4  offset commit throughput, 100 partitions per OffsetCommit, 8 connections x 8 in flight
 *
 * group.initial.rebalance.delay.ms is set to 0 so G1/G2 measure the protocol, not Kafka's
 * deliberate wait for more members (3 s by default). Every commit is durable (written to the
 * OS) before it is answered. BENCH_SCALE scales durations and rounds.
 *
 *   npx tsc -p tsconfig.json && node dist/bench/groups.js
 */
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { startChildBroker, freePort, tempDir, removeDir, type ChildBroker } from '../test/helpers/broker.js';
import { RawClient } from '../test/helpers/raw-client.js';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const ERROR_NONE = 0;
const MEMBER_ID_REQUIRED = 79;

interface Row {
  id: string;
  workload: string;
  result: string;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  return sortedMs[Math.min(sortedMs.length - 1, Math.floor((p / 100) * sortedMs.length))]!;
}

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

const REBALANCE_IN_PROGRESS = 27;

interface RoundState {
  total: number;
  /** The generation in which the leader assigned to every member, once there is one. */
  fullGeneration: number;
  synced: Map<RawClient, number>;
}

/**
 * One member behaving like a real client: two-step JoinGroup, SyncGroup (the leader assigns),
 * then heartbeats every 5 ms, rejoining whenever told a rebalance is in progress, until every
 * member has synced the generation that contains all of them.
 */
async function memberRound(client: RawClient, groupId: string, round: RoundState): Promise<void> {
  const join = (memberId: string) =>
    client.request(11, 7, { groupId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(32) }] });
  let memberId = '';
  for (;;) {
    let joined = await join(memberId);
    if (joined.errorCode === MEMBER_ID_REQUIRED) joined = await join(joined.memberId);
    if (joined.errorCode !== ERROR_NONE) throw new Error(`join failed: ${joined.errorCode}`);
    memberId = joined.memberId;
    const isLeader = joined.leader === memberId;
    const assignments = isLeader ? joined.members.map((m: { memberId: string }) => ({ memberId: m.memberId, assignment: Buffer.alloc(16) })) : [];
    const synced = await client.request(14, 5, { groupId, generationId: joined.generationId, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments });
    if (synced.errorCode === REBALANCE_IN_PROGRESS) continue;
    if (synced.errorCode !== ERROR_NONE) throw new Error(`sync failed: ${synced.errorCode}`);
    if (isLeader && joined.members.length === round.total) round.fullGeneration = joined.generationId;
    round.synced.set(client, joined.generationId);
    for (;;) {
      const complete = [...round.synced.values()].filter((g) => g === round.fullGeneration).length === round.total;
      if (complete) return;
      await new Promise((r) => setTimeout(r, 5));
      const hb = await client.request(12, 4, { groupId, generationId: joined.generationId, memberId, groupInstanceId: null });
      if (hb.errorCode === REBALANCE_IN_PROGRESS) break;
      if (hb.errorCode !== ERROR_NONE) throw new Error(`heartbeat failed: ${hb.errorCode}`);
    }
  }
}

async function rawRebalance(broker: ChildBroker, members: number, rounds: number): Promise<Row> {
  const clients = await Promise.all(Array.from({ length: members }, () => RawClient.connect(broker.port)));
  const times: number[] = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const started = nowMs();
      const state: RoundState = { total: members, fullGeneration: -1, synced: new Map() };
      await Promise.all(clients.map((c) => memberRound(c, `bench-raw-${round}`, state)));
      times.push(nowMs() - started);
    }
  } finally {
    for (const c of clients) c.close();
  }
  times.sort((a, b) => a - b);
  return { id: 'G1', workload: `${members} members join at once (bare protocol), ${rounds} rounds`, result: `${percentile(times, 50).toFixed(1)} ms median`, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}

async function kafkajsRebalance(broker: ChildBroker, members: number, rounds: number): Promise<Row> {
  const kafka = new Kafka({ clientId: 'bench', brokers: [broker.bootstrapServers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'bench-groups', numPartitions: 20 }] });
  const watcher = admin;
  const times: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const consumers: Consumer[] = Array.from({ length: members }, () => kafka.consumer({ groupId: `bench-kjs-${round}`, heartbeatInterval: 100, sessionTimeout: 10_000 }));
    await Promise.all(consumers.map((c) => c.connect()));
    await Promise.all(consumers.map((c) => c.subscribe({ topic: 'bench-groups' })));
    const started = nowMs();
    await Promise.all(consumers.map((c) => c.run({ eachMessage: async () => undefined })));
    // Done when one generation holds all members and every one of them has synced (Stable).
    for (;;) {
      const { groups } = await watcher.describeGroups([`bench-kjs-${round}`]);
      if (groups[0]!.state === 'Stable' && groups[0]!.members.length === members) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    times.push(nowMs() - started);
    await Promise.all(consumers.map((c) => c.disconnect()));
  }
  await admin.disconnect();
  times.sort((a, b) => a - b);
  return { id: 'G2', workload: `${members} kafkajs consumers subscribe at once, ${rounds} rounds`, result: `${percentile(times, 50).toFixed(0)} ms median`, p50Ms: percentile(times, 50), p99Ms: percentile(times, 99) };
}

async function commitThroughput(broker: ChildBroker, id: string, partitionsPerCommit: number, connections: number, inFlight: number, durationMs: number): Promise<Row> {
  const setup = await RawClient.connect(broker.port);
  await setup.request(19, 4, { topics: [{ name: 'bench-commits', numPartitions: partitionsPerCommit, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 10_000, validateOnly: false });
  setup.close();
  const clients = await Promise.all(Array.from({ length: connections }, () => RawClient.connect(broker.port)));
  const latencies: number[] = [];
  let commits = 0;
  const deadline = Date.now() + durationMs;
  const partitions = (offset: number) => Array.from({ length: partitionsPerCommit }, (_, p) => ({ partitionIndex: p, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: null }));
  const worker = async (client: RawClient, groupId: string) => {
    let offset = 0;
    while (Date.now() < deadline) {
      const sent = nowMs();
      const res = await client.request(8, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'bench-commits', partitions: partitions(offset++) }] });
      if (res.topics[0].partitions[0].errorCode !== ERROR_NONE) throw new Error(`commit failed: ${res.topics[0].partitions[0].errorCode}`);
      latencies.push(nowMs() - sent);
      commits++;
    }
  };
  const started = nowMs();
  await Promise.all(clients.flatMap((c, i) => Array.from({ length: inFlight }, (_, j) => worker(c, `bench-commit-${id}-${i}-${j}`))));
  const seconds = (nowMs() - started) / 1000;
  for (const c of clients) c.close();
  latencies.sort((a, b) => a - b);
  const perSec = commits / seconds;
  const result = partitionsPerCommit === 1 ? `${Math.round(perSec)} commits/s` : `${Math.round(perSec)} commits/s = ${Math.round(perSec * partitionsPerCommit)} offsets/s`;
  return { id, workload: `OffsetCommit, ${partitionsPerCommit} partition(s) each, ${connections} conns x ${inFlight} in flight`, result, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  const dataDir = tempDir('brook-bench-groups-');
  const broker = await startChildBroker(dataDir, await freePort(), ['--set', 'group.initial.rebalance.delay.ms=0', '--set', 'offsets.topic.num.partitions=50']);
  const rows: Row[] = [];
  try {
    rows.push(await rawRebalance(broker, 10, Math.max(5, Math.round(30 * scale))));
    rows.push(await kafkajsRebalance(broker, 10, Math.max(2, Math.round(5 * scale))));
    rows.push(await commitThroughput(broker, 'G3', 1, 8, 32, Math.max(1000, 5000 * scale)));
    rows.push(await commitThroughput(broker, 'G4', 100, 8, 8, Math.max(1000, 5000 * scale)));
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
    removeDir(dataDir);
  }
  console.log('\nBrook group coordinator benchmark (group.initial.rebalance.delay.ms=0, file store)\n');
  console.log(['id', 'workload'.padEnd(62), 'result'.padEnd(36), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8)].join('  '));
  for (const r of rows) {
    console.log([r.id.padEnd(2), r.workload.padEnd(62), r.result.padEnd(36), r.p50Ms.toFixed(2).padStart(8), r.p99Ms.toFixed(2).padStart(8)].join('  '));
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
