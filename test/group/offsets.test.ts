/** Committed offsets: commit/fetch/delete rules, durability ordering, retention, replay. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { FakeLog, flush, harness, joinRequest, ManualScheduler, type Harness } from './helpers.js';
import type { CommitRequest } from '../../src/group/offset-manager.js';
import { decodeRecord } from '../../src/group/records.js';
import { Writer } from '../../src/protocol/writer.js';
import { encodeConsumerProtocolSubscription } from '../../src/protocol/generated/data/consumer-protocol-subscription.js';

function commit(groupId: string, offsets: Record<string, number[]>, overrides: Partial<CommitRequest> = {}): CommitRequest {
  return {
    groupId,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: Object.entries(offsets).map(([name, values]) => ({
      name,
      partitions: values.map((offset, partitionIndex) => ({ partitionIndex, committedOffset: offset, committedLeaderEpoch: 3, commitTimestampMs: -1, committedMetadata: `m${offset}` })),
    })),
    missingGroupIsNotFound: false,
    ...overrides,
  };
}

function codes(result: { partitions: { errorCode: number }[] }[]): number[] {
  return result.flatMap((t) => t.partitions.map((p) => p.errorCode));
}

function fetchOne(h: Harness, groupId: string, topic: string, partition: number): number {
  return h.coordinator.fetchOffsets(groupId, [{ name: topic, partitionIndexes: [partition] }]).topics[0]!.partitions[0]!.committedOffset;
}

/** A consumer-protocol subscription blob (version 0) for JoinGroup metadata. */
function subscription(...topics: string[]): Buffer {
  const w = new Writer();
  w.int16(0);
  encodeConsumerProtocolSubscription(w, { topics, userData: null }, 0);
  return Buffer.from(w.toBuffer());
}

async function stableMember(h: Harness, groupId: string, topics: string[] = ['t']): Promise<{ memberId: string; generationId: number }> {
  const joined = h.coordinator.joinGroup(joinRequest(groupId, { protocols: [{ name: 'range', metadata: subscription(...topics) }] }));
  await flush();
  h.scheduler.advance(0);
  const r = await joined;
  await h.coordinator.syncGroup({ groupId, generationId: r.generationId, memberId: r.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  return { memberId: r.memberId, generationId: r.generationId };
}

test('a simple commit creates the group; fetch returns offsets, leader epoch and metadata; -1 where none', async () => {
  const h = harness();
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [10, 20] }))), [0, 0]);
  const fetched = h.coordinator.fetchOffsets('g', [{ name: 't', partitionIndexes: [0, 1, 2] }, { name: 'other', partitionIndexes: [0] }]);
  assert.equal(fetched.errorCode, ErrorCode.NONE);
  assert.deepEqual(fetched.topics[0]!.partitions.map((p) => [p.committedOffset, p.committedLeaderEpoch, p.metadata]), [
    [10, 3, 'm10'],
    [20, 3, 'm20'],
    [-1, -1, ''],
  ]);
  assert.equal(fetched.topics[1]!.partitions[0]!.committedOffset, -1);
  const all = h.coordinator.fetchOffsets('g', null);
  assert.deepEqual(all.topics.map((t) => [t.name, t.partitions.length]), [['t', 2]]);
  assert.equal(h.coordinator.describeGroups(['g'])[0]!.groupState, 'Empty');
  assert.equal(h.coordinator.listGroups([], [])[0]!.protocolType, '');
  assert.deepEqual(h.coordinator.fetchOffsets('unknown', null).topics, []);
});

test('a commit is visible only once its append is durable, and answered only then', async () => {
  const h = harness();
  h.log.hold = true;
  let answered = false;
  const pending = h.coordinator.commitOffsets(commit('g', { t: [5] })).then((r) => ((answered = true), r));
  await flush();
  assert.equal(answered, false);
  assert.equal(fetchOne(h, 'g', 't', 0), -1, 'not durable yet');
  h.log.release();
  assert.deepEqual(codes(await pending), [0]);
  assert.equal(fetchOne(h, 'g', 't', 0), 5);
  assert.equal(h.log.appended[0]!.partition, h.coordinator.partitionFor('g'));
});

test('a failed append answers NOT_COORDINATOR and keeps the previous offset', async () => {
  const h = harness();
  await h.coordinator.commitOffsets(commit('g', { t: [5] }));
  h.log.failing = true;
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [9] }))), [ErrorCode.NOT_COORDINATOR]);
  assert.equal(fetchOne(h, 'g', 't', 0), 5);
});

test('per-partition errors: unknown topic or partition, metadata too large', async () => {
  const h = harness({ 'offset.metadata.max.bytes': '10' });
  const req = commit('g', { t: [1], nope: [1] });
  req.topics[0]!.partitions.push({ partitionIndex: 99, committedOffset: 1, committedLeaderEpoch: -1, commitTimestampMs: -1, committedMetadata: null });
  req.topics[0]!.partitions.push({ partitionIndex: 1, committedOffset: 1, committedLeaderEpoch: -1, commitTimestampMs: -1, committedMetadata: 'x'.repeat(11) });
  assert.deepEqual(codes(await h.coordinator.commitOffsets(req)), [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.OFFSET_METADATA_TOO_LARGE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('', { t: [1] }))), [ErrorCode.INVALID_GROUP_ID]);
  const none = await h.coordinator.commitOffsets(commit('g2', { nope: [1] }));
  assert.deepEqual(codes(none), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  assert.equal(h.coordinator.groupCount, 1, 'a commit that stored nothing created no group');
});

test('group-bearing commits: generation and member fencing, v9 GROUP_ID_NOT_FOUND, rebalance in progress', async () => {
  const h = harness();
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('none', { t: [1] }, { generationId: 1, memberId: 'm' }))), [ErrorCode.ILLEGAL_GENERATION]);
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('none', { t: [1] }, { generationId: 1, memberId: 'm', missingGroupIsNotFound: true }))), [ErrorCode.GROUP_ID_NOT_FOUND]);
  const { memberId, generationId } = await stableMember(h, 'g');
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [1] }, { generationId, memberId }))), [0]);
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [1] }, { generationId: generationId + 1, memberId }))), [ErrorCode.ILLEGAL_GENERATION]);
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [1] }, { generationId, memberId: 'other' }))), [ErrorCode.UNKNOWN_MEMBER_ID]);
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [1] }))), [ErrorCode.UNKNOWN_MEMBER_ID], 'no member id while the group has members');
  // A second member joins: during PreparingRebalance the current generation may still commit.
  const second = h.coordinator.joinGroup(joinRequest('g', { clientId: 'x', protocols: [{ name: 'range', metadata: subscription('t') }] }));
  await flush();
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [2] }, { generationId, memberId }))), [0]);
  const rejoin = await h.coordinator.joinGroup(joinRequest('g', { memberId, protocols: [{ name: 'range', metadata: subscription('t') }] }));
  await second;
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [3] }, { generationId: rejoin.generationId, memberId }))), [ErrorCode.REBALANCE_IN_PROGRESS]);
});

test('commits keep a member session alive', async () => {
  const h = harness();
  const { memberId, generationId } = await stableMember(h, 'g');
  for (let i = 0; i < 5; i++) {
    h.scheduler.advance(6000);
    assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [i] }, { generationId, memberId }))), [0]);
  }
  assert.equal(h.coordinator.describeGroups(['g'])[0]!.groupState, 'Stable', '30 s of commits, no heartbeats, session 10 s');
});

test('DeleteGroups: NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, and an Empty group goes with its offsets', async () => {
  const h = harness();
  const { memberId, generationId } = await stableMember(h, 'g');
  await h.coordinator.commitOffsets(commit('g', { t: [7, 8] }, { generationId, memberId }));
  const results = await h.coordinator.deleteGroups(['g', 'missing', '']);
  assert.deepEqual(results.map((r) => r.errorCode), [ErrorCode.NON_EMPTY_GROUP, ErrorCode.GROUP_ID_NOT_FOUND, ErrorCode.INVALID_GROUP_ID]);
  h.coordinator.leaveGroup('g', [{ memberId, groupInstanceId: null }]);
  const appendsBefore = h.log.appended.length;
  assert.deepEqual((await h.coordinator.deleteGroups(['g'])).map((r) => r.errorCode), [ErrorCode.NONE]);
  const tombstones = h.log.appended.slice(appendsBefore).flatMap((a) => a.records);
  assert.ok(tombstones.every((r) => r.value === null));
  assert.deepEqual(tombstones.map((r) => decodeRecord(r.key, r.value).type), ['offset', 'offset', 'group']);
  assert.equal(fetchOne(h, 'g', 't', 0), -1);
  assert.equal(h.coordinator.describeGroups(['g'])[0]!.groupState, 'Dead');
});

test('OffsetDelete: refused for a classic group with members, per topic while subscribed', async () => {
  const h = harness();
  await h.coordinator.commitOffsets(commit('simple', { t: [1, 2], u: [3] }));
  const deleted = await h.coordinator.deleteOffsets('simple', [{ name: 't', partitions: [0] }, { name: 'nope', partitions: [0] }]);
  assert.equal(deleted.errorCode, ErrorCode.NONE);
  assert.deepEqual(codes(deleted.topics), [0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  assert.equal(fetchOne(h, 'simple', 't', 0), -1);
  assert.equal(fetchOne(h, 'simple', 't', 1), 2);
  assert.equal((await h.coordinator.deleteOffsets('missing', [])).errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
  const { memberId, generationId } = await stableMember(h, 'g', ['t']);
  await h.coordinator.commitOffsets(commit('g', { t: [1], u: [1] }, { generationId, memberId }));
  const consumerGroup = await h.coordinator.deleteOffsets('g', [{ name: 't', partitions: [0] }, { name: 'u', partitions: [0] }]);
  assert.equal(consumerGroup.errorCode, ErrorCode.NONE, 'consumer-protocol groups may drop offsets of topics they do not subscribe to');
  assert.deepEqual(codes(consumerGroup.topics), [ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC, 0]);
  const other = h.coordinator.joinGroup(joinRequest('connect-group', { protocolType: 'connect' }));
  await flush();
  h.scheduler.advance(0);
  await other;
  assert.equal((await h.coordinator.deleteOffsets('connect-group', [])).errorCode, ErrorCode.NON_EMPTY_GROUP);
});

test('retention: offsets of an Empty group expire retention after it emptied, then the group goes', async () => {
  const h = harness({ 'offsets.retention.minutes': '1', 'offsets.retention.check.interval.ms': '10000' });
  await h.coordinator.load();
  const { memberId, generationId } = await stableMember(h, 'g');
  await h.coordinator.commitOffsets(commit('g', { t: [5] }, { generationId, memberId }));
  await h.coordinator.commitOffsets(commit('simple', { t: [6] }));
  for (let i = 0; i < 24; i++) {
    h.scheduler.advance(5000);
    assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId: null }), ErrorCode.NONE);
    await flush();
  }
  assert.equal(fetchOne(h, 'g', 't', 0), 5, 'a Stable group subscribed to the topic keeps its offsets');
  assert.equal(fetchOne(h, 'simple', 't', 0), -1, 'a simple group\'s offsets expire from their commit time');
  assert.equal(h.coordinator.describeGroups(['simple'])[0]!.groupState, 'Dead');
  h.coordinator.leaveGroup('g', [{ memberId, groupInstanceId: null }]);
  h.scheduler.advance(50_000);
  await flush();
  assert.equal(fetchOne(h, 'g', 't', 0), 5, 'less than the retention since the group emptied');
  h.scheduler.advance(20_000);
  await flush();
  assert.equal(fetchOne(h, 'g', 't', 0), -1);
  assert.equal(h.coordinator.groupCount, 0);
  h.coordinator.stop();
  assert.equal(h.scheduler.pendingCount, 0);
});

test('v2-v4 per-commit retention uses the old expire timestamp semantics', async () => {
  const h = harness({ 'offsets.retention.check.interval.ms': '1000' });
  await h.coordinator.load();
  await h.coordinator.commitOffsets(commit('g', { t: [1] }, { retentionTimeMs: 5000 }));
  h.scheduler.advance(4000);
  await flush();
  assert.equal(fetchOne(h, 'g', 't', 0), 1);
  h.scheduler.advance(1000);
  await flush();
  assert.equal(fetchOne(h, 'g', 't', 0), -1);
});

test('replaying the log rebuilds offsets and groups: a restart sees what was acknowledged', async () => {
  const h = harness();
  const { memberId, generationId } = await stableMember(h, 'g');
  await h.coordinator.commitOffsets(commit('g', { t: [11, 12] }, { generationId, memberId }));
  await h.coordinator.commitOffsets(commit('g', { t: [13] }, { generationId, memberId }));
  await h.coordinator.commitOffsets(commit('simple', { u: [1, 2] }));
  await h.coordinator.deleteOffsets('simple', [{ name: 'u', partitions: [0] }]);
  await h.coordinator.commitOffsets(commit('gone', { t: [1] }));
  await h.coordinator.deleteGroups(['gone']);

  const restarted = harness({}, {}, new FakeLog(), new ManualScheduler());
  const records = h.log.allRecords();
  await restarted.coordinator.load(async (replay) => records.forEach((r) => replay(r.key, r.value)));
  assert.equal(fetchOne(restarted, 'g', 't', 0), 13);
  assert.equal(fetchOne(restarted, 'g', 't', 1), 12);
  assert.equal(fetchOne(restarted, 'simple', 'u', 0), -1);
  assert.equal(fetchOne(restarted, 'simple', 'u', 1), 2);
  assert.equal(restarted.coordinator.describeGroups(['gone'])[0]!.groupState, 'Dead');
  const g = restarted.coordinator.describeGroups(['g'])[0]!;
  assert.equal(g.groupState, 'Stable');
  assert.deepEqual(g.members.map((m) => m.memberId), [memberId]);
  // The loaded member must heartbeat within its session or be removed.
  assert.equal(restarted.coordinator.heartbeat({ groupId: 'g', generationId, memberId, groupInstanceId: null }), ErrorCode.NONE);
  restarted.scheduler.advance(10_000);
  assert.equal(restarted.coordinator.describeGroups(['g'])[0]!.groupState, 'Empty', 'its only member timed out');
  assert.equal(restarted.coordinator.memoryUsedBytes > 0, true);
});

test('a commit racing a group deletion is covered by the tombstones', async () => {
  const h = harness();
  await h.coordinator.commitOffsets(commit('g', { t: [1] }));
  h.log.hold = true;
  const inFlight = h.coordinator.commitOffsets(commit('g', { t: [1, 2] }));
  const deletion = h.coordinator.deleteGroups(['g']);
  h.log.release();
  await flush();
  h.log.release();
  await inFlight;
  await deletion;
  const restarted = harness({}, {}, new FakeLog(), new ManualScheduler());
  const records = h.log.allRecords();
  await restarted.coordinator.load(async (replay) => records.forEach((r) => replay(r.key, r.value)));
  assert.equal(fetchOne(restarted, 'g', 't', 1), -1, 'the in-flight commit of partition 1 was tombstoned too');
  assert.equal(restarted.coordinator.groupCount, 0);
});

test('the memory budget refuses new offsets with COORDINATOR_NOT_AVAILABLE', async () => {
  const h = harness({}, { memoryBudgetBytes: 600 });
  const first = await h.coordinator.commitOffsets(commit('g', { t: [1, 2, 3, 4] }));
  assert.deepEqual(codes(first), [0, 0, ErrorCode.COORDINATOR_NOT_AVAILABLE, ErrorCode.COORDINATOR_NOT_AVAILABLE]);
  assert.ok(h.coordinator.memoryUsedBytes <= 600);
  assert.equal(fetchOne(h, 'g', 't', 1), 2);
  const h2 = harness({}, { maxGroups: 2 });
  await h2.coordinator.commitOffsets(commit('a', { t: [1] }));
  await h2.coordinator.commitOffsets(commit('b', { t: [1] }));
  assert.deepEqual(codes(await h2.coordinator.commitOffsets(commit('c', { t: [1] }))), [ErrorCode.COORDINATOR_NOT_AVAILABLE]);
});

test('transactional offsets: written as the producer\'s transactional records, pending until the marker, UNSTABLE for requireStable, replayed by their marker', async () => {
  const h = harness();
  const txn = (producerId: number, offset: number) =>
    h.coordinator.commitTxnOffsets({ groupId: 'g', producerId, producerEpoch: 2, topics: commit('g', { t: [offset] }).topics });
  assert.deepEqual(codes(await h.coordinator.commitOffsets(commit('g', { t: [5] }))), [0]);
  assert.deepEqual(codes(await txn(7, 10)), [0]);
  assert.deepEqual(h.log.appended.at(-1)!.txn, { producerId: 7, producerEpoch: 2 });
  assert.equal(fetchOne(h, 'g', 't', 0), 5, 'not visible before the marker');
  const stable = () => h.coordinator.fetchOffsets('g', [{ name: 't', partitionIndexes: [0, 1] }], true).topics[0]!.partitions.map((p) => p.errorCode);
  assert.deepEqual(stable(), [ErrorCode.UNSTABLE_OFFSET_COMMIT, ErrorCode.NONE]);
  const partition = h.coordinator.partitionFor('g');
  h.coordinator.onTransactionCompleted(7, partition + 1, true);
  assert.equal(fetchOne(h, 'g', 't', 0), 5, "another partition's marker does not decide this group");
  h.coordinator.onTransactionCompleted(7, partition, true);
  assert.equal(fetchOne(h, 'g', 't', 0), 10);
  assert.deepEqual(stable(), [ErrorCode.NONE, ErrorCode.NONE]);
  assert.deepEqual(codes(await txn(8, 20)), [0]);
  h.coordinator.onTransactionCompleted(8, partition, false);
  assert.equal(fetchOne(h, 'g', 't', 0), 10, 'aborted offsets are dropped');
  assert.deepEqual(codes(await txn(9, 30)), [0]);

  // Replay: records of a transactional batch wait for their producer's marker in that partition.
  const restarted = harness();
  await restarted.coordinator.load(async (replay, replayMarker) => {
    for (const a of h.log.appended) {
      for (const r of a.records) replay(r.key, r.value, a.txn?.producerId ?? -1);
      if (a.txn?.producerId === 7) replayMarker(a.partition, 7, true);
      if (a.txn?.producerId === 8) replayMarker(a.partition, 8, false);
    }
  });
  assert.equal(fetchOne(restarted, 'g', 't', 0), 10);
  assert.equal(restarted.coordinator.fetchOffsets('g', [{ name: 't', partitionIndexes: [0] }], true).topics[0]!.partitions[0]!.errorCode, ErrorCode.UNSTABLE_OFFSET_COMMIT, 'producer 9 is still open');
  restarted.coordinator.onTransactionCompleted(9, partition, true);
  assert.equal(fetchOne(restarted, 'g', 't', 0), 30);
});
