/** Admin.readPartition (one Fetch at an offset, no group) and listPartitionOffsets across topics. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, Producer, Admin } from '../../src/index.js';
import { KafkaError, ErrorCode } from '../../src/client/errors.js';

test('readPartition reads from an offset inside a batch, up to a record limit; listPartitionOffsets spans topics', async () => {
  const broker = await startBroker({ port: 0, storage: 'memory' });
  const admin = new Admin({ bootstrapServers: broker.bootstrapServers });
  const producer = new Producer({ bootstrapServers: broker.bootstrapServers, lingerMs: 0 });
  try {
    await admin.createTopics({ topics: [{ topic: 'read-a', numPartitions: 2 }, { topic: 'read-b', numPartitions: 1 }] });
    // One send: the five records land in one batch, so reading from offset 2 starts mid-batch.
    await producer.send({ topic: 'read-a', messages: Array.from({ length: 5 }, (_, i) => ({ partition: 1, key: `k${i}`, value: `v${i}`, headers: { h: `x${i}` }, timestamp: 1000 + i })) });
    await producer.send({ topic: 'read-b', messages: [{ partition: 0, value: 'only' }] });

    const read = await admin.readPartition('read-a', 1, 2, { maxRecords: 2 });
    assert.deepEqual(read.records.map((r) => [r.offset, r.key?.toString(), r.value?.toString(), r.headers[0]?.value?.toString(), r.timestamp]), [
      [2, 'k2', 'v2', 'x2', 1002],
      [3, 'k3', 'v3', 'x3', 1003],
    ]);
    assert.equal(read.highWatermark, 5);
    assert.deepEqual((await admin.readPartition('read-a', 0, 0)).records, []);
    await assert.rejects(admin.readPartition('read-a', 1, 9), (err: unknown) => err instanceof KafkaError && err.code === ErrorCode.OFFSET_OUT_OF_RANGE);

    const tps = [{ topic: 'read-a', partition: 0 }, { topic: 'read-a', partition: 1 }, { topic: 'read-b', partition: 0 }];
    assert.deepEqual((await admin.listPartitionOffsets(tps, 'latest')).map((o) => o.offset), [0, 5, 1]);
    assert.deepEqual((await admin.listPartitionOffsets(tps, { timestamp: 1003 })).map((o) => o.offset), [-1, 3, 0], 'the record in read-b is newer');
    assert.ok((await admin.describeTopics({ includeInternal: true })).some((t) => t.isInternal === false && t.name === 'read-b'));
  } finally {
    await producer.close();
    await admin.close();
    await broker.stop();
  }
});
