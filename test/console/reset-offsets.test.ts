// The reset logic over fake cluster calls: group state checks, targets, clamping, what is committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resetGroupOffsets, type OffsetSpec, type ResetOps } from '../../src/console/reset-offsets.js';
import { ClusterRequestError } from '../../src/console/cluster-client.js';

function fakeOps(state = 'Empty', members = 0) {
  const commits: { topic: string; partition: number; offset: number }[][] = [];
  // orders: partition 0 holds offsets 10..50, partition 1 holds 0..7; a record at t=1000 is offset 20 in p0.
  const ranges = new Map([[0, [10, 50]], [1, [0, 7]]]);
  const ops: ResetOps = {
    describeGroup: async (id) => (id === 'billing' ? { state, members } : null),
    committedOffsets: async () => [{ topic: 'orders', partition: 0, offset: 30 }],
    partitions: async (topic) => (topic === 'orders' ? [0, 1] : null),
    listOffsets: async (_topic, spec: OffsetSpec) => {
      if (spec === 'earliest') return new Map([...ranges].map(([p, r]) => [p, r[0]!]));
      if (spec === 'latest') return new Map([...ranges].map(([p, r]) => [p, r[1]!]));
      return new Map([[0, spec.timestampMs <= 1000 ? 20 : -1], [1, -1]]);
    },
    commit: async (_id, offsets) => void commits.push(offsets),
  };
  return { ops, commits };
}

test('reset to latest moves every committed partition, reporting the previous offsets', async () => {
  const { ops, commits } = fakeOps();
  const result = await resetGroupOffsets(ops, { groupId: 'billing', topic: null, partitions: null, to: { kind: 'latest' } });
  assert.deepEqual(result.offsets, [{ topic: 'orders', partition: 0, previousOffset: 30, offset: 50 }]);
  assert.deepEqual(commits, [[{ topic: 'orders', partition: 0, offset: 50 }]]);
});

test('to an offset is clamped into each partition; to a time falls back to the end', async () => {
  const { ops } = fakeOps();
  const byOffset = await resetGroupOffsets(ops, { groupId: 'billing', topic: 'orders', partitions: null, to: { kind: 'offset', offset: 12 } });
  assert.deepEqual(byOffset.offsets.map((o) => o.offset), [12, 7]);
  const early = await resetGroupOffsets(ops, { groupId: 'billing', topic: 'orders', partitions: null, to: { kind: 'offset', offset: 0 } });
  assert.deepEqual(early.offsets.map((o) => o.offset), [10, 0]);
  const byTime = await resetGroupOffsets(ops, { groupId: 'billing', topic: 'orders', partitions: [1, 0], to: { kind: 'timestamp', timestampMs: 1000 } });
  assert.deepEqual(byTime.offsets.map((o) => [o.partition, o.offset, o.previousOffset]), [[0, 20, 30], [1, 7, -1]]);
});

test('a group with members, an unknown group, topic or partition are refused without committing', async () => {
  const refused = async (ops: ResetOps, request: Parameters<typeof resetGroupOffsets>[1], status: number, message: RegExp) => {
    await assert.rejects(resetGroupOffsets(ops, request), (err: unknown) => err instanceof ClusterRequestError && err.status === status && message.test(err.message));
  };
  const base = { groupId: 'billing', topic: 'orders', partitions: null, to: { kind: 'earliest' as const } };
  const busy = fakeOps('Stable', 2);
  await refused(busy.ops, base, 409, /has 2 active member\(s\) \(state Stable\): stop its consumers/);
  assert.deepEqual(busy.commits, []);
  const { ops, commits } = fakeOps();
  await refused(ops, { ...base, groupId: 'nobody' }, 404, /consumer group 'nobody' does not exist/);
  await refused(ops, { ...base, topic: 'gone' }, 404, /topic 'gone' does not exist/);
  await refused(ops, { ...base, partitions: [0, 5] }, 404, /has no partition 5/);
  assert.deepEqual(commits, []);
});
