import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cooperativeStickyAssignor, rangeAssignor, roundRobinAssignor, withholdTransfers, type MemberSubscription } from '../../src/client/assignors.js';

const member = (memberId: string, topics: string[], owned: Array<[string, number[]]> = [], generationId = 1): MemberSubscription => ({
  memberId,
  groupInstanceId: null,
  topics,
  ownedPartitions: owned.map(([topic, partitions]) => ({ topic, partitions })),
  generationId,
});

const plain = (a: Map<string, Map<string, number[]>>) => Object.fromEntries([...a].map(([m, t]) => [m, Object.fromEntries(t)]));

test('range: consecutive ranges per topic, first members get the extra', () => {
  const a = rangeAssignor.assign([member('c2', ['t']), member('c1', ['t']), member('c3', ['t', 'u'])], new Map([['t', 7], ['u', 2]]));
  assert.deepEqual(plain(a), { c1: { t: [0, 1, 2] }, c2: { t: [3, 4] }, c3: { t: [5, 6], u: [0, 1] } });
});

test('roundrobin: partitions dealt in turn, skipping members not subscribed', () => {
  const a = roundRobinAssignor.assign([member('a', ['t', 'u']), member('b', ['t'])], new Map([['t', 3], ['u', 2]]));
  assert.deepEqual(plain(a), { a: { t: [0, 2], u: [0, 1] }, b: { t: [1] } });
});

test('cooperative-sticky keeps owned partitions and balances the rest', () => {
  const members = [member('a', ['t'], [['t', [0, 1, 2, 3]]]), member('b', ['t'])];
  const a = cooperativeStickyAssignor.assign(members, new Map([['t', 4]]));
  assert.deepEqual(a.get('a')!.get('t')!.sort(), [0, 1]);
  assert.deepEqual(a.get('b')!.get('t')!.sort(), [2, 3]);
  // First cooperative round: b gets nothing that a still owns; a keeps [0, 1] and drops the rest.
  const adjusted = withholdTransfers(a, members);
  assert.deepEqual(adjusted.get('a')!.get('t'), [0, 1]);
  assert.equal(adjusted.get('b')!.size, 0);
  // Second round, after a revoked [2, 3]: the transfer goes through.
  const second = cooperativeStickyAssignor.assign([member('a', ['t'], [['t', [0, 1]]], 2), member('b', ['t'], [], 2)], new Map([['t', 4]]));
  assert.deepEqual(plain(withholdTransfers(second, [member('a', ['t'], [['t', [0, 1]]]), member('b', ['t'])])), { a: { t: [0, 1] }, b: { t: [2, 3] } });
});

test('every assignor assigns each partition exactly once', () => {
  const topics = new Map([['x', 5], ['y', 3]]);
  const members = [member('m1', ['x', 'y']), member('m2', ['x', 'y']), member('m3', ['x', 'y'])];
  for (const assignor of [rangeAssignor, roundRobinAssignor, cooperativeStickyAssignor]) {
    const seen: string[] = [];
    for (const t of assignor.assign(members, topics).values()) for (const [topic, ps] of t) for (const p of ps) seen.push(`${topic}-${p}`);
    assert.equal(seen.length, 8, assignor.name);
    assert.equal(new Set(seen).size, 8, assignor.name);
  }
});
