/** The follower fetcher's retry timing, on a virtual clock with a scripted leader. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Partition } from '../../../src/broker/partition.js';
import { ReplicaFetcher } from '../../../src/cluster/replication/fetcher.js';
import { ByteRateLimiter } from '../../../src/cluster/replication/throttle.js';
import { defaultReplicationSettings } from '../../../src/cluster/replication/settings.js';
import type { ReplicaFetchRequest, ReplicaFetchResult, ReplicaTransport } from '../../../src/cluster/replication/transport.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { MemoryPartitionLog } from '../../../src/storage/memory/memory-partition-log.js';
import { VirtualScheduler } from '../../sim/virtual-scheduler.js';

/** A leader answering `errors` in turn, then empty successful fetches; records when each fetch came. */
function scriptedLeader(sched: VirtualScheduler, errors: number[]) {
  const fetchTimesMs: number[] = [];
  const transport: ReplicaTransport = {
    async fetch(_leaderId: number, request: ReplicaFetchRequest): Promise<ReplicaFetchResult[]> {
      fetchTimesMs.push(sched.now());
      const errorCode = errors.shift() ?? ErrorCode.NONE;
      // A successful fetch long-polls as a real leader's would (else the loop never yields).
      if (errorCode === ErrorCode.NONE) await new Promise<void>((resolve) => sched.setTimeout(() => resolve(), request.maxWaitMs));
      return request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode, highWatermark: 0, logStartOffset: 0, records: [] }));
    },
    offsetsForLeaderEpoch: async () => [],
    close: async () => undefined,
  };
  return { transport, fetchTimesMs };
}

async function run(errors: number[]): Promise<number[]> {
  const sched = new VirtualScheduler();
  const wanted = errors.length + 1;
  const { transport, fetchTimesMs } = scriptedLeader(sched, [...errors]);
  const fetcher = new ReplicaFetcher(2, 3, transport, sched, defaultReplicationSettings, null, async () => undefined);
  fetcher.add('t 0', new Partition('t', 0, new MemoryPartitionLog('t', 0)), 1);
  await sched.runUntil(0);
  while (fetchTimesMs.length < wanted && sched.now() < 5000) await sched.runUntil(sched.now() + 5);
  const stopped = fetcher.stop();
  await sched.runUntil(sched.now() + 1000);
  await stopped;
  return fetchTimesMs;
}

test('a leader that has not applied its leadership yet is asked again soon, backing off by doubling', async () => {
  const times = await run([ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.UNKNOWN_LEADER_EPOCH, ErrorCode.NOT_LEADER_OR_FOLLOWER]);
  assert.equal(times[0], 0);
  const gaps = times.slice(1, 4).map((t, i) => t - times[i]!);
  assert.ok(gaps[0]! >= 25 && gaps[0]! < 50, `first retry after ${gaps[0]} ms`);
  assert.ok(gaps[1]! >= 50 && gaps[1]! < 100, `second retry after ${gaps[1]} ms`);
  assert.ok(gaps[2]! >= 100 && gaps[2]! < 200, `third retry after ${gaps[2]} ms`);
});

test('other errors (a fenced epoch: this follower is behind) wait the full replica.fetch.backoff.ms', async () => {
  const times = await run([ErrorCode.FENCED_LEADER_EPOCH]);
  assert.ok(times[1]! - times[0]! >= defaultReplicationSettings.replicaFetchBackoffMs, `retry after ${times[1]! - times[0]!} ms`);
});

test('the follower throttle: a replica being added waits while the byte budget is spent, and asks for at most what is left', async () => {
  const sched = new VirtualScheduler();
  const asked: { atMs: number; maxBytes: number }[] = [];
  const transport: ReplicaTransport = {
    async fetch(_leaderId, request) {
      for (const p of request.partitions) asked.push({ atMs: sched.now(), maxBytes: p.maxBytes });
      await new Promise<void>((resolve) => sched.setTimeout(() => resolve(), request.maxWaitMs));
      return request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode: ErrorCode.NONE, highWatermark: 0, logStartOffset: 0, records: [] }));
    },
    offsetsForLeaderEpoch: async () => [],
    close: async () => undefined,
  };
  const throttle = new ByteRateLimiter(1000, 0);
  throttle.consume(1500, 0);
  const fetcher = new ReplicaFetcher(2, 3, transport, sched, defaultReplicationSettings, null, async () => undefined, throttle);
  fetcher.add('t 0', new Partition('t', 0, new MemoryPartitionLog('t', 0)), 1, true);
  await sched.runUntil(2000);
  const stopped = fetcher.stop();
  await sched.runUntil(3000);
  await stopped;
  assert.ok(asked.length > 0);
  assert.ok(asked[0]!.atMs >= 500, `first throttled fetch at ${asked[0]!.atMs} ms, before the debt was paid`);
  for (const a of asked) assert.ok(a.maxBytes <= 1000, `asked for ${a.maxBytes} bytes`);
});

test('ByteRateLimiter: one second of burst, refills at the rate, overdrawn reads are paid by waiting', () => {
  const limiter = new ByteRateLimiter(1000, 0);
  assert.equal(limiter.available(0), 1000);
  limiter.consume(3000, 0);
  assert.equal(limiter.available(1000), 0);
  assert.equal(limiter.waitMs(1000), 1001);
  assert.equal(limiter.available(2500), 500);
  assert.equal(limiter.available(10_000), 1000, 'capped at one second of bytes');
});
