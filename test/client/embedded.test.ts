/** The embedded broker starts and stops 50 times, with clients, leaving no handle behind. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker, Producer, Consumer, Admin } from '../../src/index.js';

const activeHandles = () => (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles().length;

test('start/stop 50 times with a producer, consumer and admin each time: handle count returns to baseline', async () => {
  const baseline = activeHandles();
  for (let i = 0; i < 50; i++) {
    const broker = await startBroker({ port: 0, storage: 'memory' });
    const producer = new Producer({ bootstrapServers: broker.bootstrapServers, lingerMs: 0 });
    const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, maxWaitMs: 20 });
    const admin = new Admin({ bootstrapServers: broker.bootstrapServers });
    await admin.createTopics({ topics: [{ topic: 'e', numPartitions: 1 }] });
    await producer.send({ topic: 'e', messages: [{ value: `v${i}` }] });
    await consumer.assign([{ topic: 'e', partition: 0, offset: 0 }]);
    const [record] = await consumer.poll({ timeoutMs: 2000 });
    assert.equal(record?.value?.toString(), `v${i}`);
    await Promise.all([producer.close(), consumer.close(), admin.close()]);
    await broker.stop();
  }
  // Sockets close on the next turns of the event loop.
  for (let i = 0; i < 50 && activeHandles() > baseline; i++) await new Promise((r) => setTimeout(r, 10));
  assert.equal(activeHandles(), baseline);
});
