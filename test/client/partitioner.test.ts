/** The default partitioner agrees with kafkajs's Java-compatible one (which is Java's murmur2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Partitioners } from 'kafkajs';
import { DefaultPartitioner, murmur2, partitionForKey } from '../../src/client/partitioner.js';

test('murmur2 matches known Java values', () => {
  // Values from Apache Kafka's UtilsTest.testMurmur2 (byte arrays as strings here).
  assert.equal(murmur2(Buffer.from('21')), -973932308);
  assert.equal(murmur2(Buffer.from('foobar')), -790332482);
  assert.equal(murmur2(Buffer.from('a-little-bit-long-string')), -985981536);
  assert.equal(murmur2(Buffer.from('a-little-bit-longer-string')), -1486304829);
  assert.equal(murmur2(Buffer.from('lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8')), -58897971);
  assert.equal(murmur2(Buffer.from([0x61, 0x62, 0x63])), 479470107);
});

test('keyed records land on the same partition as with kafkajs DefaultPartitioner', () => {
  const kafkajs = Partitioners.DefaultPartitioner();
  for (const numPartitions of [1, 3, 7, 16, 100]) {
    const partitionMetadata = Array.from({ length: numPartitions }, (_, i) => ({ partitionId: i, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
    for (let i = 0; i < 500; i++) {
      const key = `key-${i}-${'x'.repeat(i % 9)}`;
      const theirs = kafkajs({ topic: 't', partitionMetadata, message: { key, value: 'v' } });
      assert.equal(partitionForKey(Buffer.from(key), numPartitions), theirs, `key ${key} over ${numPartitions}`);
    }
  }
});

test('null keys stick to one partition until its batch closes, then move', () => {
  let n = 0;
  const p = new DefaultPartitioner(() => [0.5, 0.1, 0.9][n++ % 3]!);
  const first = p.partition('t', null, 4);
  assert.equal(p.partition('t', null, 4), first);
  assert.equal(p.partition('t', null, 4), first);
  p.batchClosed('t', first, 4);
  const second = p.partition('t', null, 4);
  assert.notEqual(second, first);
  assert.ok(second >= 0 && second < 4);
  // Keys ignore stickiness.
  assert.equal(p.partition('t', Buffer.from('k'), 4), partitionForKey(Buffer.from('k'), 4));
});
