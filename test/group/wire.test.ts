/** Every group API over the wire, version by version, with a bare protocol client. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { partitionForGroup } from '../../src/group/coordinator-partition.js';

let broker: TestBroker;
let client: RawClient;

const OFFSETS_PARTITIONS = 3;

before(async () => {
  broker = await startTestBroker({
    storage: 'memory',
    config: {
      'group.initial.rebalance.delay.ms': '0',
      'group.min.session.timeout.ms': '100',
      'group.max.size': '100',
      'offsets.topic.num.partitions': String(OFFSETS_PARTITIONS),
      'num.partitions': '2',
    },
  });
  client = await RawClient.connect(broker.port);
  await client.request(19, 4, { topics: [{ name: 'wt', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }], timeoutMs: 5000, validateOnly: false });
});

after(async () => {
  client.close();
  await broker.stop();
  removeDir(broker.dataDir);
});

test('ApiVersions advertises the group APIs with the versions implemented', async () => {
  const res = await client.request(18, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
  const ranges = new Map<number, [number, number]>(res.apiKeys.map((k: { apiKey: number; minVersion: number; maxVersion: number }) => [k.apiKey, [k.minVersion, k.maxVersion]]));
  const expected: Record<number, [number, number]> = { 8: [0, 9], 9: [0, 9], 10: [0, 4], 11: [0, 9], 12: [0, 4], 13: [0, 5], 14: [0, 5], 15: [0, 5], 16: [0, 5], 42: [0, 2], 47: [0, 0] };
  for (const [key, range] of Object.entries(expected)) assert.deepEqual(ranges.get(Number(key)), range, `api ${key}`);
});

test('FindCoordinator v0-v4 names this broker for groups and transactions and creates __consumer_offsets', async () => {
  const expect = (r: { nodeId: number; host: string; port: number; errorCode: number }) => {
    assert.equal(r.errorCode, ErrorCode.NONE);
    assert.equal(r.nodeId, broker.broker.nodeId);
    assert.equal(r.port, broker.port);
  };
  expect(await client.request(10, 0, { key: 'g' }));
  for (const v of [1, 2, 3]) {
    expect(await client.request(10, v, { key: 'g', keyType: 0 }));
    expect(await client.request(10, v, { key: 'txn', keyType: 1 }));
  }
  const batched = await client.request(10, 4, { keyType: 0, coordinatorKeys: ['a', 'b', 'c'] });
  assert.deepEqual(batched.coordinators.map((c: { key: string }) => c.key), ['a', 'b', 'c']);
  batched.coordinators.forEach(expect);
  const bad = await client.request(10, 4, { keyType: 9, coordinatorKeys: ['x'] });
  assert.equal(bad.coordinators[0].errorCode, ErrorCode.INVALID_REQUEST);
  const meta = await client.request(3, 12, { topics: [{ name: '__consumer_offsets', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  assert.equal(meta.topics[0].errorCode, ErrorCode.NONE);
  assert.equal(meta.topics[0].isInternal, true);
  assert.equal(meta.topics[0].partitions.length, OFFSETS_PARTITIONS);
  assert.equal(broker.broker.topics.get('__consumer_offsets')!.configs['cleanup.policy'], 'compact');
});

/** One member through join (two steps from v4), sync, heartbeat, commit, fetch and leave at `v`. */
async function lifecycle(v: number): Promise<void> {
  const groupId = `life-v${v}`;
  const joinBody = (memberId: string) => ({
    groupId,
    sessionTimeoutMs: 10_000,
    rebalanceTimeoutMs: 10_000,
    memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]) }],
    reason: null,
  });
  let joined = await client.request(11, v, joinBody(''));
  if (v >= 4) {
    assert.equal(joined.errorCode, ErrorCode.MEMBER_ID_REQUIRED, `v${v}`);
    assert.ok(joined.memberId.startsWith('raw-client-'));
    joined = await client.request(11, v, joinBody(joined.memberId));
  }
  assert.equal(joined.errorCode, ErrorCode.NONE, `join v${v}`);
  assert.equal(joined.generationId, 1);
  assert.equal(joined.leader, joined.memberId);
  assert.equal(joined.protocolName, 'range');
  if (v >= 7) assert.equal(joined.protocolType, 'consumer');
  assert.equal(joined.members.length, 1);
  const syncV = Math.min(v, 5);
  const synced = await client.request(14, syncV, {
    groupId,
    generationId: 1,
    memberId: joined.memberId,
    groupInstanceId: null,
    protocolType: 'consumer',
    protocolName: 'range',
    assignments: [{ memberId: joined.memberId, assignment: Buffer.from('assigned') }],
  });
  assert.equal(synced.errorCode, ErrorCode.NONE, `sync v${syncV}`);
  assert.equal(synced.assignment.toString(), 'assigned');
  if (syncV >= 5) assert.equal(synced.protocolName, 'range');
  const hbV = Math.min(v, 4);
  const hb = await client.request(12, hbV, { groupId, generationId: 1, memberId: joined.memberId, groupInstanceId: null });
  assert.equal(hb.errorCode, ErrorCode.NONE, `heartbeat v${hbV}`);
  const wrongGeneration = await client.request(12, hbV, { groupId, generationId: 7, memberId: joined.memberId, groupInstanceId: null });
  assert.equal(wrongGeneration.errorCode, ErrorCode.ILLEGAL_GENERATION);
  const described = await client.request(15, Math.min(v, 5), { groups: [groupId], includeAuthorizedOperations: false });
  assert.equal(described.groups[0].groupState, 'Stable');
  assert.equal(described.groups[0].protocolData, 'range');
  assert.equal(described.groups[0].members[0].clientHost, '/127.0.0.1');
  assert.equal(described.groups[0].members[0].memberAssignment.toString(), 'assigned');
  const leaveV = Math.min(v, 5);
  const left = await client.request(13, leaveV, leaveV >= 3 ? { groupId, members: [{ memberId: joined.memberId, groupInstanceId: null, reason: null }] } : { groupId, memberId: joined.memberId });
  assert.equal(left.errorCode, ErrorCode.NONE, `leave v${leaveV}`);
  if (leaveV >= 3) assert.equal(left.members[0].errorCode, ErrorCode.NONE);
  const leftAgain = await client.request(13, leaveV, leaveV >= 3 ? { groupId, members: [{ memberId: joined.memberId, groupInstanceId: null, reason: null }] } : { groupId, memberId: joined.memberId });
  if (leaveV >= 3) assert.equal(leftAgain.members[0].errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  else assert.equal(leftAgain.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
}

test('JoinGroup v0-v9 with SyncGroup, Heartbeat, DescribeGroups and LeaveGroup at matching versions', async () => {
  for (let v = 0; v <= 9; v++) await lifecycle(v);
});

test('OffsetCommit v0-v9 and OffsetFetch v0-v9 round trip; v8+ fetch several groups', async () => {
  for (let v = 0; v <= 9; v++) {
    const groupId = `commit-v${v}`;
    const committed = await client.request(8, v, {
      groupId,
      generationIdOrMemberEpoch: -1,
      memberId: '',
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: 'wt', partitions: [{ partitionIndex: 0, committedOffset: 100 + v, committedLeaderEpoch: 2, commitTimestamp: -1, committedMetadata: `meta-${v}` }, { partitionIndex: 5, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] }],
    });
    assert.deepEqual(committed.topics[0].partitions.map((p: { errorCode: number }) => p.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION], `commit v${v}`);
    const fetchV = v;
    const fetched =
      fetchV >= 8
        ? (await client.request(9, fetchV, { groups: [{ groupId, memberId: null, memberEpoch: -1, topics: [{ name: 'wt', partitionIndexes: [0, 1] }] }], requireStable: false })).groups[0]
        : await client.request(9, fetchV, { groupId, topics: [{ name: 'wt', partitionIndexes: [0, 1] }], requireStable: false });
    const parts = fetched.topics[0].partitions;
    assert.equal(parts[0].committedOffset, 100 + v, `fetch v${fetchV}`);
    assert.equal(parts[0].metadata, `meta-${v}`);
    if (fetchV >= 5) assert.equal(parts[0].committedLeaderEpoch, v >= 6 ? 2 : -1);
    assert.equal(parts[1].committedOffset, -1);
  }
  const multi = await client.request(9, 8, {
    groups: [
      { groupId: 'commit-v1', topics: null },
      { groupId: 'commit-v2', topics: [{ name: 'wt', partitionIndexes: [0] }] },
      { groupId: 'no-such-group', topics: null },
    ],
    requireStable: true,
  });
  assert.deepEqual(multi.groups.map((g: { groupId: string; topics: unknown[] }) => [g.groupId, g.topics.length]), [['commit-v1', 1], ['commit-v2', 1], ['no-such-group', 0]]);
  assert.equal(multi.groups[0].topics[0].partitions[0].committedOffset, 101);
  const all = await client.request(9, 2, { groupId: 'commit-v3', topics: null });
  assert.equal(all.topics[0].partitions[0].committedOffset, 103);
});

test('OffsetCommit with a generation to a group that does not exist: ILLEGAL_GENERATION, v9 GROUP_ID_NOT_FOUND', async () => {
  const body = { groupId: 'ghost', generationIdOrMemberEpoch: 3, memberId: 'm', groupInstanceId: null, retentionTimeMs: -1, topics: [{ name: 'wt', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, commitTimestamp: -1, committedMetadata: null }] }] };
  assert.equal((await client.request(8, 8, body)).topics[0].partitions[0].errorCode, ErrorCode.ILLEGAL_GENERATION);
  assert.equal((await client.request(8, 9, body)).topics[0].partitions[0].errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test('a 10 KB group id gets INVALID_GROUP_ID from every group API and creates nothing', async () => {
  const groupId = 'x'.repeat(10 * 1024);
  const groupsBefore = broker.broker.groups.coordinator.groupCount;
  const join = await client.request(11, 5, { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
  assert.equal(join.errorCode, ErrorCode.INVALID_GROUP_ID);
  const commit = await client.request(8, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'wt', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }] });
  assert.equal(commit.topics[0].partitions[0].errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal((await client.request(9, 7, { groupId, topics: null, requireStable: false })).errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal((await client.request(12, 4, { groupId, generationId: 1, memberId: 'm', groupInstanceId: null })).errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal((await client.request(14, 5, { groupId, generationId: 1, memberId: 'm', groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] })).errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal((await client.request(13, 5, { groupId, members: [] })).errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal((await client.request(15, 5, { groups: [groupId], includeAuthorizedOperations: false })).groups[0].errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal((await client.request(42, 2, { groupsNames: [groupId] })).results[0].errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal((await client.request(47, 0, { groupId, topics: [] })).errorCode, ErrorCode.INVALID_GROUP_ID);
  const found = await client.request(10, 3, { key: groupId, keyType: 0 });
  assert.equal(found.errorCode, ErrorCode.NONE, 'FindCoordinator only routes: it answers');
  assert.equal(broker.broker.groups.coordinator.groupCount, groupsBefore);
});

test('ListGroups v0-v5 (state and type filters), DeleteGroups and OffsetDelete', async () => {
  await client.request(8, 2, { groupId: 'listed', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: [{ name: 'wt', partitions: [{ partitionIndex: 0, committedOffset: 5, committedMetadata: null }, { partitionIndex: 1, committedOffset: 6, committedMetadata: null }] }] });
  for (let v = 0; v <= 5; v++) {
    const listed = await client.request(16, v, { statesFilter: [], typesFilter: [] });
    const entry = listed.groups.find((g: { groupId: string }) => g.groupId === 'listed');
    assert.ok(entry, `v${v}`);
    if (v >= 4) assert.equal(entry.groupState, 'Empty');
    if (v >= 5) assert.equal(entry.groupType, 'classic');
  }
  const stableOnly = await client.request(16, 4, { statesFilter: ['STABLE'] });
  assert.ok(!stableOnly.groups.some((g: { groupId: string }) => g.groupId === 'listed'));
  const emptyOnly = await client.request(16, 4, { statesFilter: ['empty'] });
  assert.ok(emptyOnly.groups.some((g: { groupId: string }) => g.groupId === 'listed'));
  const consumerType = await client.request(16, 5, { statesFilter: [], typesFilter: ['consumer'] });
  assert.equal(consumerType.groups.length, 0);

  const offsetDeleted = await client.request(47, 0, { groupId: 'listed', topics: [{ name: 'wt', partitions: [{ partitionIndex: 0 }] }, { name: 'nope', partitions: [{ partitionIndex: 0 }] }] });
  assert.equal(offsetDeleted.errorCode, ErrorCode.NONE);
  assert.deepEqual(offsetDeleted.topics.map((t: { partitions: { errorCode: number }[] }) => t.partitions[0]!.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  const after = await client.request(9, 6, { groupId: 'listed', topics: null });
  assert.deepEqual(after.topics[0].partitions.map((p: { partitionIndex: number }) => p.partitionIndex), [1]);

  const deleted = await client.request(42, 2, { groupsNames: ['listed', 'listed', 'never-existed'] });
  assert.deepEqual(deleted.results.map((r: { groupId: string; errorCode: number }) => [r.groupId, r.errorCode]), [['listed', ErrorCode.NONE], ['never-existed', ErrorCode.GROUP_ID_NOT_FOUND]]);
  const gone = await client.request(15, 0, { groups: ['listed'] });
  assert.equal(gone.groups[0].groupState, 'Dead');
  for (const v of [0, 1, 2]) {
    await client.request(8, 2, { groupId: `del-v${v}`, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1, topics: [{ name: 'wt', partitions: [{ partitionIndex: 0, committedOffset: 1, committedMetadata: null }] }] });
    const res = await client.request(42, v, { groupsNames: [`del-v${v}`] });
    assert.equal(res.results[0].errorCode, ErrorCode.NONE, `DeleteGroups v${v}`);
  }
});

test('the group record goes to partition abs(hashCode) % offsets.topic.num.partitions of __consumer_offsets', async () => {
  const groupId = 'where-am-i';
  await client.request(8, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'wt', partitions: [{ partitionIndex: 0, committedOffset: 9, committedLeaderEpoch: -1, committedMetadata: null }] }] });
  const target = partitionForGroup(groupId, OFFSETS_PARTITIONS);
  const topic = broker.broker.topics.get('__consumer_offsets')!;
  const before = topic.partitions.map((p) => p.logEndOffset);
  await client.request(8, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'wt', partitions: [{ partitionIndex: 0, committedOffset: 10, committedLeaderEpoch: -1, committedMetadata: null }] }] });
  const grown = topic.partitions.map((p, i) => p.logEndOffset - before[i]!);
  assert.deepEqual(grown, grown.map((_, i) => (i === target ? 1 : 0)));
});

test('thousands of JoinGroups on one connection: member ids up to group.max.size, then GROUP_MAX_SIZE_REACHED; memory stays bounded', async () => {
  const joiner = await RawClient.connect(broker.port);
  const count = 3000;
  const responses = await Promise.all(
    Array.from({ length: count }, () =>
      joiner.request(11, 7, { groupId: 'crowd', sessionTimeoutMs: 60_000, rebalanceTimeoutMs: 60_000, memberId: '', groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(64) }] }),
    ),
  );
  const codes = responses.map((r: { errorCode: number }) => r.errorCode);
  assert.equal(codes.filter((c) => c === ErrorCode.MEMBER_ID_REQUIRED).length, 100);
  assert.equal(codes.filter((c) => c === ErrorCode.GROUP_MAX_SIZE_REACHED).length, count - 100);
  assert.ok(broker.broker.groups.coordinator.memoryUsedBytes < 1024 * 1024, `${broker.broker.groups.coordinator.memoryUsedBytes} bytes held`);
  joiner.close();
});
