import { test } from 'node:test';
import assert from 'node:assert/strict';
import { completeReassignment, isReassigning, revertReassignment, startReassignment, targetProblem } from '../../src/cluster/reassignment.js';
import type { PartitionState } from '../../src/cluster/contract.js';

const base: PartitionState = { topic: 't', partition: 0, topicId: 'id', replicas: [1, 2], leader: 1, leaderEpoch: 3, isr: [1, 2], partitionEpoch: 5 };

test('starting a move: target first, then the replicas being removed; adding replicas are not in sync yet', () => {
  const next = startReassignment(base, [2, 3]);
  assert.deepEqual(next, { ...base, replicas: [2, 3, 1], partitionEpoch: 6, addingReplicas: [3], removingReplicas: [1] });
  assert.ok(isReassigning(next));
  assert.equal(completeReassignment(next), null, 'broker 3 is not in the ISR yet');
});

test('completing: the target replaces the set, removed replicas leave the ISR, a removed leader hands over with a new epoch', () => {
  const moving = { ...startReassignment(base, [2, 3]), isr: [1, 2, 3], partitionEpoch: 7 };
  const done = completeReassignment(moving)!;
  assert.deepEqual(done, { ...base, replicas: [2, 3], isr: [2, 3], leader: 2, leaderEpoch: 4, partitionEpoch: 8, addingReplicas: [], removingReplicas: [] });
  assert.ok(!isReassigning(done));
});

test('a leader that stays keeps its epoch; a target already in sync completes at once', () => {
  const done = startReassignment({ ...base, replicas: [1, 2, 3], isr: [1, 2, 3] }, [1, 3]);
  assert.deepEqual(done, { ...base, replicas: [1, 3], isr: [1, 3], partitionEpoch: 7, addingReplicas: [], removingReplicas: [] });
});

test('cancelling restores the original replicas and drops adding replicas from the ISR', () => {
  const moving = { ...startReassignment(base, [3, 4]), isr: [1, 2, 3], partitionEpoch: 7 };
  const reverted = revertReassignment(moving);
  assert.deepEqual(reverted, { ...base, replicas: [1, 2], isr: [1, 2], partitionEpoch: 8, addingReplicas: [], removingReplicas: [] });
});

test('a new target during a move starts from the original replicas', () => {
  const moving = startReassignment(base, [2, 3]);
  const again = startReassignment(moving, [1, 4]);
  assert.deepEqual(again.replicas, [1, 4, 2]);
  assert.deepEqual(again.addingReplicas, [4]);
  assert.deepEqual(again.removingReplicas, [2]);
  assert.deepEqual(again.isr, [1, 2]);
});

test('invalid targets: empty, duplicates, unregistered brokers', () => {
  const live = (id: number) => [1, 2, 3].includes(id);
  assert.match(targetProblem([], live)!, /empty/);
  assert.match(targetProblem([1, 1], live)!, /Duplicate/);
  assert.match(targetProblem([1, 9], live)!, /9/);
  assert.equal(targetProblem([3, 1], live), null);
});
