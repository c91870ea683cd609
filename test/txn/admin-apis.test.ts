/** DescribeTransactions, ListTransactions and DescribeProducers on the wire. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/broker/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { RawClient } from '../helpers/raw-client.js';
import { addPartitions, createTopic, initProducerId, produce, producerBatch } from './wire.js';

test('transactions and producers are described and listed with filters', async () => {
  let nowMs = 1_800_000_000_000;
  const running = await startBroker({ host: '127.0.0.1', port: 0, storage: 'memory', logLevel: 'silent', clock: () => nowMs });
  const client = await RawClient.connect(running.port);
  try {
    await createTopic(client, 'adm', 2);
    const open = await initProducerId(client, 'adm-open', 60_000);
    await addPartitions(client, 'adm-open', open.producerId, open.producerEpoch, 'adm', [1, 0]);
    await produce(client, 'adm', producerBatch(['a', 'b'], { ...open, baseSequence: 0, transactional: true }, nowMs), 1, 'adm-open');
    const idle = await initProducerId(client, 'adm-idle', 60_000);
    const plain = await initProducerId(client);
    await produce(client, 'adm', producerBatch(['p'], { ...plain, baseSequence: 0 }, nowMs), 1);
    nowMs += 5_000;

    const described = await client.request(65, 0, { transactionalIds: ['adm-open', 'adm-idle', 'nobody'] });
    const [o, i, n] = described.transactionStates;
    assert.deepEqual([o.errorCode, o.transactionState, o.producerId, o.transactionTimeoutMs], [0, 'Ongoing', open.producerId, 60_000]);
    assert.deepEqual(o.topics, [{ topic: 'adm', partitions: [0, 1] }]);
    assert.deepEqual([i.transactionState, i.producerId], ['Empty', idle.producerId]);
    assert.equal(n.errorCode, ErrorCode.TRANSACTIONAL_ID_NOT_FOUND);

    const ids = async (body: object) => (await client.request(66, 1, { stateFilters: [], producerIdFilters: [], durationFilter: -1, ...body })).transactionStates.map((t: { transactionalId: string }) => t.transactionalId).sort();
    assert.deepEqual(await ids({}), ['adm-idle', 'adm-open']);
    assert.deepEqual(await ids({ stateFilters: ['Ongoing'] }), ['adm-open']);
    assert.deepEqual(await ids({ producerIdFilters: [idle.producerId] }), ['adm-idle']);
    assert.deepEqual(await ids({ durationFilter: 4_000 }), ['adm-open']);
    assert.deepEqual(await ids({ durationFilter: 6_000 }), []);
    const unknown = await client.request(66, 0, { stateFilters: ['Sleeping'], producerIdFilters: [] });
    assert.deepEqual(unknown.unknownStateFilters, ['Sleeping']);

    const producers = await client.request(61, 0, { topics: [{ name: 'adm', partitionIndexes: [1, 0] }, { name: 'none', partitionIndexes: [0] }] });
    const p1 = producers.topics[0].partitions[0];
    const byId = new Map<number, { lastSequence: number; currentTxnStartOffset: number }>(p1.activeProducers.map((p: any) => [Number(p.producerId), p]));
    assert.deepEqual([byId.get(open.producerId)!.lastSequence, Number(byId.get(open.producerId)!.currentTxnStartOffset)], [1, 0]);
    assert.deepEqual([byId.get(plain.producerId)!.lastSequence, Number(byId.get(plain.producerId)!.currentTxnStartOffset)], [0, -1]);
    assert.deepEqual(producers.topics[0].partitions[1].activeProducers, []);
    assert.equal(producers.topics[1].partitions[0].errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  } finally {
    client.close();
    await running.stop();
  }
});
