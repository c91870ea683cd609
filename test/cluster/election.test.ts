import { test } from 'node:test';
import assert from 'node:assert/strict';
import { preferPartition, reconcilePartition } from '../../src/cluster/election.js';
import type { PartitionState } from '../../src/cluster/contract.js';

const base: PartitionState = { topic: 't', partition: 0, topicId: 'id', replicas: [1, 2, 3], leader: 1, leaderEpoch: 4, isr: [1, 2, 3], partitionEpoch: 7 };
const liveSet = (...ids: number[]) => (id: number) => ids.includes(id);

test('nothing changes while the leader and the ISR are live', () => {
  assert.equal(reconcilePartition(base, liveSet(1, 2, 3), false), null);
});

test('a dead leader is replaced by the first live ISR member in replica order, and leaves the ISR', () => {
  const next = reconcilePartition({ ...base, isr: [1, 3, 2] }, liveSet(2, 3), false)!;
  assert.equal(next.leader, 2, "replica order decides, not ISR order");
  assert.deepEqual(next, { ...base, leader: 2, isr: [3, 2], leaderEpoch: 5, partitionEpoch: 8 });
});

test('a dead follower leaves the ISR without a leader change', () => {
  const next = reconcilePartition(base, liveSet(1, 2), false)!;
  assert.deepEqual(next, { ...base, isr: [1, 2], partitionEpoch: 8 });
});

test('the last ISR member stays when it dies; no clean leader means leader -1', () => {
  const state = { ...base, isr: [1] };
  const next = reconcilePartition(state, liveSet(2, 3), false)!;
  assert.deepEqual(next, { ...state, leader: -1, isr: [1], leaderEpoch: 5, partitionEpoch: 8 });
  assert.equal(reconcilePartition(next, liveSet(2, 3), false), null, 'stable while it stays dead');
  const back = reconcilePartition(next, liveSet(1, 2, 3), false)!;
  assert.equal(back.leader, 1);
  assert.equal(back.leaderEpoch, 6);
});

test('unclean election picks the first live replica and resets the ISR to it', () => {
  const next = reconcilePartition({ ...base, isr: [1] }, liveSet(3, 2), true)!;
  assert.equal(next.leader, 2);
  assert.deepEqual(next.isr, [2]);
});

test('preferred election moves leadership back to the first replica only when it is live and in sync', () => {
  const state = { ...base, leader: 2, leaderEpoch: 5 };
  assert.equal(preferPartition(state, liveSet(1, 2, 3))!.leader, 1);
  assert.equal(preferPartition({ ...state, isr: [2, 3] }, liveSet(1, 2, 3)), null);
  assert.equal(preferPartition(state, liveSet(2, 3)), null);
  assert.equal(preferPartition(base, liveSet(1, 2, 3)), null);
});
