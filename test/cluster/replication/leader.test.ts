/** The leader's state machine (LeaderPartition) and the follower's truncation rule, on a virtual clock. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Partition } from '../../../src/broker/partition.js';
import type { IsrWriter, PartitionState } from '../../../src/cluster/contract.js';
import { LeaderPartition } from '../../../src/cluster/replication/leader.js';
import { truncationFor } from '../../../src/cluster/replication/truncation.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { encodeBatch } from '../../../src/records/record-batch.js';
import { MemoryPartitionLog } from '../../../src/storage/memory/memory-partition-log.js';
import { VirtualScheduler, settle } from '../../sim/virtual-scheduler.js';

function setup(isr = [1, 2, 3]) {
  const sched = new VirtualScheduler();
  const partition = new Partition('t', 0, new MemoryPartitionLog('t', 0));
  partition.replicated = true;
  let state: PartitionState = { topic: 't', partition: 0, topicId: 'x', replicas: [1, 2, 3], leader: 1, leaderEpoch: 3, isr, partitionEpoch: 7 };
  const proposals: number[][] = [];
  const writer: IsrWriter = {
    alterIsr: async (current, next) => {
      proposals.push(next);
      if (current.partitionEpoch !== state.partitionEpoch) return state;
      state = { ...state, isr: next, partitionEpoch: state.partitionEpoch + 1 };
      return state;
    },
  };
  const leader = new LeaderPartition(state, partition, 1, sched, writer, 1000);
  partition.onLeaderAppend = () => leader.onLocalAppend();
  const append = (n = 1) => partition.append(
    encodeBatch({ baseOffset: 0, partitionLeaderEpoch: -1, records: Array.from({ length: n }, () => ({ key: null, value: Buffer.from('v'), headers: [], timestampMs: 0 })) }),
    [{ recordCount: n, maxTimestampMs: 0 }],
  );
  return { sched, partition, leader, proposals, append, state: () => state };
}

describe('LeaderPartition', () => {
  it('moves the HW to the smallest log end of the ISR, never backwards', async () => {
    const { partition, leader, append } = setup();
    await append(5);
    assert.equal(partition.highWatermark, 0, 'followers have not fetched yet');
    leader.onFollowerFetch(2, 5);
    assert.equal(partition.highWatermark, 0);
    leader.onFollowerFetch(3, 3);
    assert.equal(partition.highWatermark, 3);
    leader.onFollowerFetch(3, 5);
    assert.equal(partition.highWatermark, 5);
    leader.onFollowerFetch(3, 2);
    assert.equal(partition.highWatermark, 5, 'a follower going back does not move the HW back');
  });

  it('a one-replica ISR moves the HW on every append', async () => {
    const { partition, append } = setup([1]);
    await append(2);
    assert.equal(partition.highWatermark, 2);
  });

  it('shrinks the ISR when a follower is not caught up for replica.lag.time.max.ms, expands it when it is', async () => {
    const { sched, leader, append, proposals, state } = setup();
    await append(4);
    leader.onFollowerFetch(2, 4);
    leader.onFollowerFetch(3, 1);
    await sched.runUntil(900);
    leader.onFollowerFetch(2, 4);
    leader.maybeShrinkIsr();
    await settle();
    assert.deepEqual(proposals, [], 'within the lag time nobody leaves');
    await sched.runUntil(1100);
    leader.onFollowerFetch(2, 4);
    leader.maybeShrinkIsr();
    await settle();
    assert.deepEqual(proposals, [[1, 2]]);
    assert.deepEqual(state().isr, [1, 2]);
    assert.deepEqual([...leader.isr], [1, 2]);
    leader.onFollowerFetch(3, 4);
    await settle();
    assert.deepEqual(proposals[1], [1, 2, 3], 'caught up to the HW: back in');
    assert.deepEqual([...leader.isr], [1, 2, 3]);
  });

  it('acks=all: NONE at the HW, NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank, REQUEST_TIMED_OUT, NOT_LEADER_OR_FOLLOWER', async () => {
    const { sched, leader, append, state } = setup();
    await append(1);
    const ok = leader.waitForAcks(1, 2, 500);
    leader.onFollowerFetch(2, 1);
    leader.onFollowerFetch(3, 1);
    assert.equal(await ok, ErrorCode.NONE);
    await append(1);
    const timedOut = leader.waitForAcks(2, 2, 500);
    await sched.runUntil(sched.now() + 600);
    assert.equal(await timedOut, ErrorCode.REQUEST_TIMED_OUT);
    const shrunk = leader.waitForAcks(2, 3, 5000);
    leader.adopt({ ...state(), isr: [1, 2], partitionEpoch: state().partitionEpoch + 1 });
    leader.onFollowerFetch(2, 2);
    assert.equal(await shrunk, ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    await append(1);
    const resigned = leader.waitForAcks(3, 2, 5000);
    leader.resign();
    assert.equal(await resigned, ErrorCode.NOT_LEADER_OR_FOLLOWER);
  });
});

describe('follower truncation (OffsetForLeaderEpoch answer)', () => {
  const local = (entries: Record<number, { leaderEpoch: number; endOffset: number }>) => (e: number) => entries[e] ?? { leaderEpoch: -1, endOffset: -1 };

  it('cuts at the leader end offset of an epoch both have', () => {
    assert.deepEqual(truncationFor({ leaderEpoch: 2, endOffset: 40 }, 55, 30, local({ 2: { leaderEpoch: 2, endOffset: 55 } })), { offset: 40, done: true });
    assert.deepEqual(truncationFor({ leaderEpoch: 2, endOffset: 60 }, 55, 30, local({ 2: { leaderEpoch: 2, endOffset: 55 } })), { offset: 55, done: true });
  });

  it('an epoch the follower never had: cut to its own earlier epoch end and ask again', () => {
    assert.deepEqual(truncationFor({ leaderEpoch: 3, endOffset: 50 }, 70, 30, local({ 3: { leaderEpoch: 2, endOffset: 45 } })), { offset: 45, done: false });
  });

  it('a leader without epochs: the follower keeps its high watermark', () => {
    assert.deepEqual(truncationFor({ leaderEpoch: -1, endOffset: -1 }, 70, 30, local({})), { offset: 30, done: true });
  });
});
