/** The classic rebalance state machine on a manual clock: no sleeping, every timer explicit. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { flush, harness, joinRequest, PendingJoin, type Harness } from './helpers.js';
import type { JoinRequest } from '../../src/group/membership.js';

function state(h: Harness, groupId: string): string {
  return h.coordinator.describeGroups([groupId])[0]!.groupState;
}

async function join(h: Harness, groupId: string, overrides: Partial<JoinRequest> = {}): Promise<PendingJoin> {
  const pending = new PendingJoin(h.coordinator.joinGroup(joinRequest(groupId, overrides)));
  await flush();
  return pending;
}

/** Joins `count` dynamic members and completes the first generation (leader syncs). */
async function stableGroup(h: Harness, groupId: string, count: number, overrides: Partial<JoinRequest> = {}): Promise<{ memberIds: string[]; generationId: number; leader: string }> {
  const joins: PendingJoin[] = [];
  for (let i = 0; i < count; i++) joins.push(await join(h, groupId, { clientId: `c${i}`, ...overrides }));
  h.scheduler.advance(0);
  await flush();
  const results = joins.map((j) => j.result!);
  assert.ok(results.every((r) => r.errorCode === ErrorCode.NONE), JSON.stringify(results.map((r) => r.errorCode)));
  const generationId = results[0]!.generationId;
  const leader = results[0]!.leader;
  const syncs = results.map((r) =>
    h.coordinator.syncGroup({
      groupId,
      generationId,
      memberId: r.memberId,
      groupInstanceId: overrides.groupInstanceId ?? null,
      protocolType: null,
      protocolName: null,
      assignments: r.memberId === leader ? results.map((m) => ({ memberId: m.memberId, assignment: Buffer.from(`a-${m.memberId}`) })) : [],
    }),
  );
  const synced = await Promise.all(syncs);
  assert.ok(synced.every((s) => s.errorCode === ErrorCode.NONE));
  assert.equal(state(h, groupId), 'Stable');
  return { memberIds: results.map((r) => r.memberId), generationId, leader };
}

test('v4+ join: MEMBER_ID_REQUIRED, rejoin with the id, initial delay, leader sync, Stable', async () => {
  const h = harness({ 'group.initial.rebalance.delay.ms': '3000' });
  const first = await join(h, 'g', { requireKnownMemberId: true });
  assert.equal(first.result!.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const memberId = first.result!.memberId;
  assert.equal(memberId, 'client-uuid-1');
  const second = await join(h, 'g', { requireKnownMemberId: true, memberId });
  assert.equal(second.result, null, 'parked until the initial delay passes');
  assert.equal(state(h, 'g'), 'PreparingRebalance');
  h.scheduler.advance(2999);
  await flush();
  assert.equal(second.result, null);
  h.scheduler.advance(1);
  await flush();
  const r = second.result!;
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.equal(r.generationId, 1);
  assert.equal(r.leader, memberId);
  assert.equal(r.protocolName, 'range');
  assert.equal(r.members.length, 1);
  assert.equal(state(h, 'g'), 'CompletingRebalance');
  const sync = await h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range', assignments: [{ memberId, assignment: Buffer.from('mine') }] });
  assert.equal(sync.errorCode, ErrorCode.NONE);
  assert.equal(sync.assignment.toString(), 'mine');
  assert.equal(state(h, 'g'), 'Stable');
  assert.equal(h.log.appended.length, 1, 'the assignment was stored before the answer');
});

test('the initial delay is extended while new members keep arriving, up to the rebalance timeout', async () => {
  const h = harness({ 'group.initial.rebalance.delay.ms': '1000' });
  const a = await join(h, 'g', { rebalanceTimeoutMs: 2500 });
  h.scheduler.advance(900);
  const b = await join(h, 'g', { rebalanceTimeoutMs: 2500 });
  h.scheduler.advance(100);
  await flush();
  assert.equal(a.result, null, 'a member joined during the delay: wait another delay');
  h.scheduler.advance(999);
  await flush();
  assert.equal(a.result, null);
  h.scheduler.advance(1);
  await flush();
  assert.equal(a.result!.errorCode, ErrorCode.NONE);
  assert.equal(b.result!.generationId, 1);
  assert.equal(a.result!.members.length + b.result!.members.length, 2, 'the leader sees both members');
});

test('a new member triggers a rebalance; followers learn it from heartbeats and the join completes once all rejoin', async () => {
  const h = harness();
  const { memberIds, generationId } = await stableGroup(h, 'g', 2);
  const newcomer = await join(h, 'g', { clientId: 'c9' });
  assert.equal(state(h, 'g'), 'PreparingRebalance');
  assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId, memberId: memberIds[0]!, groupInstanceId: null }), ErrorCode.REBALANCE_IN_PROGRESS);
  const rejoin0 = await join(h, 'g', { memberId: memberIds[0]! });
  assert.equal(newcomer.result, null);
  const rejoin1 = await join(h, 'g', { memberId: memberIds[1]! });
  await flush();
  for (const j of [newcomer, rejoin0, rejoin1]) assert.equal(j.result!.generationId, generationId + 1);
  assert.equal(state(h, 'g'), 'CompletingRebalance');
  // The old generation is fenced now.
  assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId, memberId: memberIds[0]!, groupInstanceId: null }), ErrorCode.ILLEGAL_GENERATION);
});

test('a member that stops heartbeating is removed after its session timeout and the group rebalances', async () => {
  const h = harness();
  const { memberIds, generationId } = await stableGroup(h, 'g', 2, { sessionTimeoutMs: 5000 });
  const heartbeat0 = () => h.coordinator.heartbeat({ groupId: 'g', generationId, memberId: memberIds[0]!, groupInstanceId: null });
  h.scheduler.advance(2000);
  assert.equal(heartbeat0(), ErrorCode.NONE);
  h.scheduler.advance(2000);
  assert.equal(heartbeat0(), ErrorCode.NONE);
  h.scheduler.advance(999);
  assert.equal(state(h, 'g'), 'Stable');
  h.scheduler.advance(1);
  // memberIds[1] never heartbeated: its session (5 s) ran out at 5 s.
  assert.equal(state(h, 'g'), 'PreparingRebalance');
  assert.equal(heartbeat0(), ErrorCode.REBALANCE_IN_PROGRESS);
  assert.equal(h.coordinator.describeGroups(['g'])[0]!.members.length, 1);
  assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId, memberId: memberIds[1]!, groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID);
  const rejoin = await join(h, 'g', { memberId: memberIds[0]! });
  assert.equal(rejoin.result!.generationId, generationId + 1);
  assert.equal(rejoin.result!.members.length, 1);
});

test('a dynamic member that does not rejoin within the rebalance timeout is dropped from the next generation', async () => {
  const h = harness();
  const { memberIds } = await stableGroup(h, 'g', 2, { rebalanceTimeoutMs: 4000, sessionTimeoutMs: 60_000 });
  const rejoin = await join(h, 'g', { memberId: memberIds[0]!, rebalanceTimeoutMs: 4000, sessionTimeoutMs: 60_000, protocols: [{ name: 'range', metadata: Buffer.from('changed') }] });
  h.scheduler.advance(3999);
  await flush();
  assert.equal(rejoin.result, null);
  h.scheduler.advance(1);
  await flush();
  assert.equal(rejoin.result!.errorCode, ErrorCode.NONE);
  assert.equal(rejoin.result!.members.length, 1);
  assert.equal(h.coordinator.describeGroups(['g'])[0]!.members.length, 1);
});

test('members that never send SyncGroup are removed when the rebalance timeout passes', async () => {
  const h = harness();
  const a = await join(h, 'g', { clientId: 'a', rebalanceTimeoutMs: 3000 });
  const b = await join(h, 'g', { clientId: 'b', rebalanceTimeoutMs: 3000 });
  h.scheduler.advance(0);
  await flush();
  const leader = a.result!.leader;
  const follower = [a.result!, b.result!].find((r) => r.memberId !== leader)!;
  const leaderSync = h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: leader, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  assert.equal((await leaderSync).errorCode, ErrorCode.NONE);
  h.scheduler.advance(3000);
  await flush();
  const described = h.coordinator.describeGroups(['g'])[0]!;
  assert.deepEqual(described.members.map((m) => m.memberId), [leader]);
  assert.equal(described.groupState, 'PreparingRebalance');
  assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId: 1, memberId: follower.memberId, groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID);
});

test('fencing: wrong generation, unknown member, rebalance in progress, unknown group', async () => {
  const h = harness();
  const { memberIds, generationId } = await stableGroup(h, 'g', 1);
  const hb = (memberId: string, generation: number) => h.coordinator.heartbeat({ groupId: 'g', generationId: generation, memberId, groupInstanceId: null });
  assert.equal(hb(memberIds[0]!, generationId + 5), ErrorCode.ILLEGAL_GENERATION);
  assert.equal(hb('nobody', generationId), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(h.coordinator.heartbeat({ groupId: 'nope', generationId: 1, memberId: 'x', groupInstanceId: null }), ErrorCode.UNKNOWN_MEMBER_ID);
  const sync = (memberId: string, generation: number) => h.coordinator.syncGroup({ groupId: 'g', generationId: generation, memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  assert.equal((await sync(memberIds[0]!, generationId - 1)).errorCode, ErrorCode.ILLEGAL_GENERATION);
  assert.equal((await sync('nobody', generationId)).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  const joinUnknown = await join(h, 'g', { memberId: 'nobody' });
  assert.equal(joinUnknown.result!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  const joinNoGroup = await join(h, 'other', { memberId: 'someone' });
  assert.equal(joinNoGroup.result!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  // The leader rejoining forces a rebalance (completed at once: it is the only member).
  const rejoined = await join(h, 'g', { memberId: memberIds[0]! });
  assert.equal(rejoined.result!.generationId, generationId + 1);
  await join(h, 'g', { clientId: 'late' });
  assert.equal(state(h, 'g'), 'PreparingRebalance');
  assert.equal((await sync(memberIds[0]!, generationId)).errorCode, ErrorCode.ILLEGAL_GENERATION);
  assert.equal((await sync(memberIds[0]!, generationId + 1)).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
});

test('protocol checks: empty type or list, type mismatch, no common protocol, SyncGroup v5 name mismatch', async () => {
  const h = harness();
  assert.equal((await join(h, 'g', { protocolType: '' })).result!.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal((await join(h, 'g', { protocols: [] })).result!.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal(h.coordinator.groupCount, 0, 'a failed first join leaves no group behind');
  const { memberIds, generationId } = await stableGroup(h, 'g', 1);
  assert.equal((await join(h, 'g', { protocolType: 'connect' })).result!.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal((await join(h, 'g', { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] })).result!.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  const sync = await h.coordinator.syncGroup({ groupId: 'g', generationId, memberId: memberIds[0]!, groupInstanceId: null, protocolType: 'consumer', protocolName: 'roundrobin', assignments: [] });
  assert.equal(sync.errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
});

test('the protocol most members prefer among those all support is chosen', async () => {
  const h = harness();
  const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
  const a = await join(h, 'g', { clientId: 'a', protocols: p('sticky', 'range') });
  const b = await join(h, 'g', { clientId: 'b', protocols: p('range', 'sticky') });
  const c = await join(h, 'g', { clientId: 'c', protocols: p('range', 'sticky', 'roundrobin') });
  h.scheduler.advance(0);
  await flush();
  for (const j of [a, b, c]) assert.equal(j.result!.protocolName, 'range');
  const leader = [a, b, c].find((j) => j.result!.members.length > 0)!.result!;
  assert.deepEqual(leader.members.map((m) => m.metadata.toString()).sort(), ['range', 'range', 'range']);
});

test('session timeout bounds and group id validation', async () => {
  const h = harness({ 'group.max.session.timeout.ms': '20000' });
  assert.equal((await join(h, 'g', { sessionTimeoutMs: 999 })).result!.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  assert.equal((await join(h, 'g', { sessionTimeoutMs: 20_001 })).result!.errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  assert.equal((await join(h, '')).result!.errorCode, ErrorCode.INVALID_GROUP_ID);
  const tenKb = 'g'.repeat(10 * 1024);
  assert.equal((await join(h, tenKb)).result!.errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal(h.coordinator.heartbeat({ groupId: tenKb, generationId: 1, memberId: 'm', groupInstanceId: null }), ErrorCode.INVALID_GROUP_ID);
  assert.equal(h.coordinator.describeGroups([tenKb])[0]!.errorCode, ErrorCode.INVALID_GROUP_ID);
  assert.equal(h.coordinator.groupCount, 0);
});

test('static member restart in a Stable group: new member id, no rebalance, old id fenced', async () => {
  const h = harness();
  const { memberIds, generationId } = await stableGroup(h, 'g', 1, { groupInstanceId: 'instance-1' });
  const oldId = memberIds[0]!;
  const appendsBefore = h.log.appended.length;
  const restarted = await join(h, 'g', { groupInstanceId: 'instance-1', supportsSkipAssignment: true });
  await flush();
  const r = restarted.result!;
  assert.equal(r.errorCode, ErrorCode.NONE);
  assert.notEqual(r.memberId, oldId);
  assert.equal(r.generationId, generationId, 'same generation: no rebalance');
  assert.equal(r.skipAssignment, true, 'the static leader keeps the assignment');
  assert.equal(state(h, 'g'), 'Stable');
  assert.equal(h.log.appended.length, appendsBefore + 1, 'the new member id was stored');
  assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId, memberId: oldId, groupInstanceId: 'instance-1' }), ErrorCode.FENCED_INSTANCE_ID);
  assert.equal(h.coordinator.heartbeat({ groupId: 'g', generationId, memberId: r.memberId, groupInstanceId: 'instance-1' }), ErrorCode.NONE);
  const sync = await h.coordinator.syncGroup({ groupId: 'g', generationId, memberId: r.memberId, groupInstanceId: 'instance-1', protocolType: null, protocolName: null, assignments: [] });
  assert.equal(sync.assignment.toString(), `a-${oldId}`, 'the assignment carried over to the new id');
});

test('a static member that sits out a rebalance stays in the next generation, then goes if it never syncs', async () => {
  const h = harness();
  const a = await join(h, 'g', { groupInstanceId: 'a', sessionTimeoutMs: 20_000, rebalanceTimeoutMs: 5000 });
  const b = await join(h, 'g', { groupInstanceId: 'b', sessionTimeoutMs: 20_000, rebalanceTimeoutMs: 5000 });
  h.scheduler.advance(0);
  await flush();
  const leader = a.result!.leader;
  await h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a.result!.memberId, groupInstanceId: 'a', protocolType: null, protocolName: null, assignments: [] });
  await h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: b.result!.memberId, groupInstanceId: 'b', protocolType: null, protocolName: null, assignments: [] });
  assert.equal(state(h, 'g'), 'Stable');
  // The leader rejoins; b is "restarting" and does not.
  const rejoin = await join(h, 'g', { memberId: leader, groupInstanceId: leader === a.result!.memberId ? 'a' : 'b', sessionTimeoutMs: 20_000, rebalanceTimeoutMs: 5000 });
  h.scheduler.advance(5000);
  await flush();
  assert.equal(rejoin.result!.errorCode, ErrorCode.NONE);
  assert.equal(rejoin.result!.members.length, 2, 'the static member that sat out is still in the group');
  const leaderInstance = leader === a.result!.memberId ? 'a' : 'b';
  const sync = await h.coordinator.syncGroup({ groupId: 'g', generationId: 2, memberId: leader, groupInstanceId: leaderInstance, protocolType: null, protocolName: null, assignments: [] });
  assert.equal(sync.errorCode, ErrorCode.NONE);
  h.scheduler.advance(4999);
  assert.equal(h.coordinator.describeGroups(['g'])[0]!.members.length, 2);
  h.scheduler.advance(1);
  // Kafka removes members that did not SyncGroup within the rebalance timeout, static or not.
  assert.deepEqual(h.coordinator.describeGroups(['g'])[0]!.members.map((m) => m.memberId), [leader]);
});

test('group.max.size: the next new member gets GROUP_MAX_SIZE_REACHED', async () => {
  const h = harness({ 'group.max.size': '2' });
  await stableGroup(h, 'g', 2);
  const third = await join(h, 'g', { clientId: 'c3' });
  assert.equal(third.result!.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
  assert.equal(state(h, 'g'), 'Stable', 'the refused member did not disturb the group');
  const pending = await join(h, 'g', { clientId: 'c4', requireKnownMemberId: true });
  assert.equal(pending.result!.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED, 'no member id is handed out either');
  const h2 = harness({ 'group.max.size': '1' });
  const a = await join(h2, 'g', { requireKnownMemberId: true });
  const b = await join(h2, 'g', { requireKnownMemberId: true });
  assert.equal(a.result!.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert.equal(b.result!.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED, 'pending ids count toward the cap too');
});

test('pending member ids expire after the session timeout if the member never comes back', async () => {
  const h = harness();
  const first = await join(h, 'g', { requireKnownMemberId: true, sessionTimeoutMs: 5000 });
  assert.equal(first.result!.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert.equal(h.coordinator.groupCount, 1);
  h.scheduler.advance(5000);
  assert.equal(h.coordinator.groupCount, 0, 'the group held only that pending id');
  const late = await join(h, 'g', { requireKnownMemberId: true, memberId: first.result!.memberId });
  assert.equal(late.result!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('LeaveGroup: batch by member id, by instance id alone, unknown members, last member leaves -> Empty', async () => {
  const h = harness();
  const { memberIds } = await stableGroup(h, 'g', 2);
  const s = await join(h, 'g', { groupInstanceId: 'static-1', clientId: 's' });
  assert.equal(s.result, null);
  const result = h.coordinator.leaveGroup('g', [
    { memberId: memberIds[0]!, groupInstanceId: null },
    { memberId: 'ghost', groupInstanceId: null },
    { memberId: '', groupInstanceId: 'static-1' },
    { memberId: '', groupInstanceId: 'no-such-instance' },
  ]);
  assert.equal(result.errorCode, ErrorCode.NONE);
  assert.deepEqual(result.members.map((m) => m.errorCode), [ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE, ErrorCode.UNKNOWN_MEMBER_ID]);
  await flush();
  assert.equal(s.result!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID, 'the removed member\'s parked join is answered');
  h.coordinator.leaveGroup('g', [{ memberId: memberIds[1]!, groupInstanceId: null }]);
  assert.equal(state(h, 'g'), 'Empty');
  const unknownGroup = h.coordinator.leaveGroup('nope', [{ memberId: 'x', groupInstanceId: null }]);
  assert.equal(unknownGroup.members[0]!.errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('thousands of members join one generation; memory returns when they leave and the group is deleted', async () => {
  const h = harness();
  const before = h.coordinator.memoryUsedBytes;
  const count = 3000;
  const joins: PendingJoin[] = [];
  for (let i = 0; i < count; i++) joins.push(new PendingJoin(h.coordinator.joinGroup(joinRequest('big', { clientId: `c${i}` }))));
  await flush();
  h.scheduler.advance(0);
  await flush();
  assert.ok(joins.every((j) => j.result?.errorCode === ErrorCode.NONE && j.result.generationId === 1));
  const leader = joins.find((j) => j.result!.members.length > 0)!.result!;
  assert.equal(leader.members.length, count);
  assert.ok(h.coordinator.memoryUsedBytes > before);
  h.coordinator.leaveGroup('big', joins.map((j) => ({ memberId: j.result!.memberId, groupInstanceId: null })));
  assert.equal(state(h, 'big'), 'Empty');
  const [deleted] = await h.coordinator.deleteGroups(['big']);
  assert.equal(deleted!.errorCode, ErrorCode.NONE);
  assert.equal(h.coordinator.memoryUsedBytes, before);
  assert.equal(h.scheduler.pendingCount, 0, 'no timer outlives the members');
});

test('memory and member limits refuse joins with GROUP_MAX_SIZE_REACHED instead of growing', async () => {
  const h = harness({}, { memoryBudgetBytes: 64 * 1024, maxMembersPerGroup: 50 });
  const big = Buffer.alloc(40 * 1024);
  const first = await join(h, 'g', { protocols: [{ name: 'range', metadata: big }] });
  const second = await join(h, 'g', { protocols: [{ name: 'range', metadata: big }] });
  assert.equal(first.result, null, 'the first fits and is waiting for the rebalance');
  assert.equal(second.result!.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
  const h2 = harness({}, { maxMembersPerGroup: 50 });
  const joins: PendingJoin[] = [];
  for (let i = 0; i < 60; i++) joins.push(await join(h2, 'g', { clientId: `c${i}`, requireKnownMemberId: true }));
  const codes = joins.map((j) => j.result!.errorCode);
  assert.equal(codes.filter((c) => c === ErrorCode.MEMBER_ID_REQUIRED).length, 50);
  assert.equal(codes.filter((c) => c === ErrorCode.GROUP_MAX_SIZE_REACHED).length, 10);
});

test('a second JoinGroup from the same member supersedes the first, which is answered', async () => {
  const h = harness();
  const { memberIds } = await stableGroup(h, 'g', 2);
  const first = await join(h, 'g', { memberId: memberIds[0]! });
  const second = await join(h, 'g', { memberId: memberIds[0]! });
  assert.equal(first.result!.errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
  assert.equal(second.result, null);
});

test('the stored assignment failing to append answers the members with NOT_COORDINATOR and rebalances', async () => {
  const h = harness();
  const a = await join(h, 'g');
  h.scheduler.advance(0);
  await flush();
  h.log.failing = true;
  const sync = await h.coordinator.syncGroup({ groupId: 'g', generationId: 1, memberId: a.result!.memberId, groupInstanceId: null, protocolType: null, protocolName: null, assignments: [] });
  assert.equal(sync.errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal(state(h, 'g'), 'PreparingRebalance');
});
