import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeReplicas, rackAlternating } from '../../src/cluster/placement.js';
import { ErrorCode, KafkaError } from '../../src/protocol/errors.js';

const broker = (nodeId: number, rack: string | null = null) => ({ nodeId, host: 'h', port: 1, rack });

test('round robin: consecutive partitions start on consecutive brokers, replicas distinct', () => {
  const placed = placeReplicas({ brokers: [broker(3), broker(1), broker(2)], firstPartition: 0, count: 4, replicationFactor: 2, startIndex: 0 });
  assert.deepEqual(placed, [[1, 2], [2, 3], [3, 1], [1, 2]]);
  for (const replicas of placed) assert.equal(new Set(replicas).size, replicas.length);
});

test('added partitions continue the rotation', () => {
  const placed = placeReplicas({ brokers: [broker(1), broker(2), broker(3)], firstPartition: 2, count: 1, replicationFactor: 3, startIndex: 1 });
  assert.deepEqual(placed, [[1, 2, 3]]);
});

test('too few brokers is INVALID_REPLICATION_FACTOR', () => {
  assert.throws(
    () => placeReplicas({ brokers: [broker(1), broker(2)], firstPartition: 0, count: 1, replicationFactor: 3, startIndex: 0 }),
    (err: unknown) => err instanceof KafkaError && err.code === ErrorCode.INVALID_REPLICATION_FACTOR,
  );
});

test('rack aware: replicas of a partition are on different racks', () => {
  const brokers = [broker(1, 'a'), broker(2, 'a'), broker(3, 'b'), broker(4, 'b')];
  assert.deepEqual(rackAlternating(brokers), [1, 3, 2, 4]);
  const rackOf = new Map(brokers.map((b) => [b.nodeId, b.rack]));
  for (const replicas of placeReplicas({ brokers, firstPartition: 0, count: 8, replicationFactor: 2, startIndex: 1 })) {
    assert.notEqual(rackOf.get(replicas[0]!), rackOf.get(replicas[1]!), `replicas ${replicas}`);
  }
});
