/** __consumer_offsets record formats and the coordinator partition of a group, checked against Kafka. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaStringHashCode, partitionForGroup } from '../../src/group/coordinator-partition.js';
import { decodeRecord, groupMetadataRecord, groupTombstone, offsetCommitRecord, offsetTombstone } from '../../src/group/records.js';
import { ClassicGroup } from '../../src/group/classic-group.js';
import { ClassicMember } from '../../src/group/member.js';
import { MemoryBudget } from '../../src/group/memory-budget.js';

test('Java String.hashCode, including the Integer.MIN_VALUE case Kafka maps to partition 0', () => {
  assert.equal(javaStringHashCode(''), 0);
  assert.equal(javaStringHashCode('abc'), 96354);
  assert.equal(javaStringHashCode('hello world'), 1794106052);
  assert.equal(javaStringHashCode('polygenelubricants'), -2147483648);
  assert.equal(javaStringHashCode('€uro'), 8364 * 31 ** 3 + 117 * 31 ** 2 + 114 * 31 + 111 - 2 ** 32 * Math.floor((8364 * 31 ** 3 + 117 * 31 ** 2 + 114 * 31 + 111) / 2 ** 32));
  assert.equal(partitionForGroup('polygenelubricants', 50), 0);
  assert.equal(partitionForGroup('abc', 50), 96354 % 50);
  // A negative hash: Kafka takes the absolute value before the modulo.
  const negative = javaStringHashCode('my-consumer-group-7');
  assert.ok(negative < 0 || partitionForGroup('my-consumer-group-7', 50) === negative % 50);
  assert.equal(partitionForGroup('my-consumer-group-7', 50), Math.abs(negative) % 50);
});

test('OffsetCommit key v1 bytes: int16 version, group, topic, int32 partition', () => {
  const record = offsetCommitRecord('g', 'tp', 3, { offset: 42, leaderEpoch: 7, metadata: 'md', commitTimestampMs: 1000, expireTimestampMs: null });
  assert.deepEqual([...record.key], [0, 1, 0, 1, 0x67, 0, 2, 0x74, 0x70, 0, 0, 0, 3]);
  // Value v3: int16 3 | int64 offset | int32 epoch | string metadata | int64 commit timestamp.
  assert.equal(record.value!.readInt16BE(0), 3);
  assert.equal(Number(record.value!.readBigInt64BE(2)), 42);
  assert.equal(record.value!.readInt32BE(10), 7);
  const decoded = decodeRecord(record.key, record.value);
  assert.deepEqual(decoded, { type: 'offset', group: 'g', topic: 'tp', partition: 3, value: { offset: 42, leaderEpoch: 7, metadata: 'md', commitTimestampMs: 1000, expireTimestampMs: null } });
});

test('an offset with an expire timestamp is written as value v1 and reads back', () => {
  const record = offsetCommitRecord('g', 't', 0, { offset: 1, leaderEpoch: -1, metadata: '', commitTimestampMs: 10, expireTimestampMs: 99 });
  assert.equal(record.value!.readInt16BE(0), 1);
  const decoded = decodeRecord(record.key, record.value);
  assert.equal(decoded.type === 'offset' && decoded.value?.expireTimestampMs, 99);
});

test('group metadata v3 round-trips members, assignments and static ids; tombstones decode as null', () => {
  const clock = () => 5000;
  const group = new ClassicGroup('grp', 'Empty', clock, new MemoryBudget(1 << 20));
  group.add(new ClassicMember({ memberId: 'm1', groupInstanceId: 'i1', clientId: 'c', clientHost: '/1.2.3.4', rebalanceTimeoutMs: 3000, sessionTimeoutMs: 2000, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.from('sub') }] }), null);
  group.protocolName = 'range';
  group.generationId = 4;
  const record = groupMetadataRecord(group, new Map([['m1', Buffer.from('asg')]]));
  assert.equal(record.key.readInt16BE(0), 2);
  assert.equal(record.value!.readInt16BE(0), 3);
  const decoded = decodeRecord(record.key, record.value);
  assert.equal(decoded.type, 'group');
  if (decoded.type !== 'group') return;
  assert.equal(decoded.value!.generation, 4);
  assert.equal(decoded.value!.protocol, 'range');
  assert.equal(decoded.value!.leader, 'm1');
  assert.equal(decoded.value!.currentStateTimestamp, 5000);
  const m = decoded.value!.members[0]!;
  assert.deepEqual([m.memberId, m.groupInstanceId, m.clientHost, m.rebalanceTimeout, m.sessionTimeout, m.subscription.toString(), m.assignment.toString()], ['m1', 'i1', '/1.2.3.4', 3000, 2000, 'sub', 'asg']);
  assert.deepEqual(decodeRecord(groupTombstone('grp').key, null), { type: 'group', group: 'grp', value: null });
  const t = offsetTombstone('grp', 't', 1);
  assert.deepEqual(decodeRecord(t.key, t.value), { type: 'offset', group: 'grp', topic: 't', partition: 1, value: null });
});

test('records of the new consumer protocol (key version 3+) are recognised and skipped', () => {
  const key = Buffer.from([0, 3, 0, 1, 0x67]);
  assert.deepEqual(decodeRecord(key, Buffer.from([0, 0])), { type: 'other', keyVersion: 3 });
});
