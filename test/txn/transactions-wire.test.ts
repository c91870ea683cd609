/** Transactions on the wire: LSO, aborted transaction lists, read_committed, timeouts, restarts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/broker/index.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { startTestBroker, startChildBroker, freePort, removeDir, tempDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { readFileSync, unlinkSync } from 'node:fs';
import * as path from 'node:path';
import { addPartitions, createTopic, endTxn, fetchAll, initProducerId, listOffset, produce, producerBatch } from './wire.js';

const LATEST = -1;

test('read_committed stops at the LSO, then sees commits and gets the aborted transactions to skip', async () => {
  const broker = await startTestBroker({ storage: 'memory' });
  const client = await RawClient.connect(broker.port);
  try {
    await produce(client, 'rc', producerBatch(['plain0'], { producerId: -1, producerEpoch: -1, baseSequence: -1 }));
    const { producerId, producerEpoch } = await initProducerId(client, 'tx-rc');
    const p = { producerId, producerEpoch, transactional: true };
    assert.deepEqual(await addPartitions(client, 'tx-rc', producerId, producerEpoch, 'rc'), [0]);
    await produce(client, 'rc', producerBatch(['t1', 't2'], { ...p, baseSequence: 0 }), 0, 'tx-rc');
    await produce(client, 'rc', producerBatch(['plain1'], { producerId: -1, producerEpoch: -1, baseSequence: -1 }));

    let committed = await fetchAll(client, 'rc', 1);
    assert.deepEqual([committed.highWatermark, committed.lastStableOffset], [4, 1]);
    assert.deepEqual(committed.values, ['plain0']);
    assert.deepEqual(committed.abortedTransactions, []);
    assert.equal(await listOffset(client, 'rc', LATEST, 1), 1);
    assert.equal(await listOffset(client, 'rc', LATEST, 0), 4);
    const uncommitted = await fetchAll(client, 'rc', 0);
    assert.deepEqual(uncommitted.values, ['plain0', 't1', 't2', 'plain1']);
    assert.equal(uncommitted.abortedTransactions, null);

    assert.equal(await endTxn(client, 'tx-rc', producerId, producerEpoch, true), ErrorCode.NONE);
    committed = await fetchAll(client, 'rc', 1);
    assert.deepEqual([committed.highWatermark, committed.lastStableOffset], [5, 5]);
    assert.deepEqual(committed.values, ['plain0', 't1', 't2', 'plain1']);
    assert.equal(committed.controlBatches, 1);

    // A second transaction, aborted: its data is returned with the abort listed for skipping.
    assert.deepEqual(await addPartitions(client, 'tx-rc', producerId, producerEpoch, 'rc'), [0]);
    await produce(client, 'rc', producerBatch(['bad'], { ...p, baseSequence: 2 }), 0, 'tx-rc');
    assert.equal(await endTxn(client, 'tx-rc', producerId, producerEpoch, false), ErrorCode.NONE);
    committed = await fetchAll(client, 'rc', 1, 0, 5);
    assert.deepEqual(committed.abortedTransactions, [{ producerId, firstOffset: 5 }]);
    assert.equal(committed.lastStableOffset, 7);
    assert.deepEqual((await fetchAll(client, 'rc', 1, 0, 7)).abortedTransactions, [], 'nothing aborted after offset 7');
  } finally {
    client.close();
    await broker.stop();
  }
});

test('a hung transaction is aborted after transaction.timeout.ms and its producer fenced (injected clock)', async () => {
  let nowMs = Date.now();
  const running = await startBroker({ host: '127.0.0.1', port: 0, storage: 'memory', logLevel: 'silent', clock: () => nowMs });
  const client = await RawClient.connect(running.port);
  try {
    await createTopic(client, 'hung');
    const { producerId, producerEpoch } = await initProducerId(client, 'hung', 10_000);
    await addPartitions(client, 'hung', producerId, producerEpoch, 'hung');
    await produce(client, 'hung', producerBatch(['open'], { producerId, producerEpoch, baseSequence: 0, transactional: true }, nowMs), 0, 'hung');
    await produce(client, 'hung', producerBatch(['after'], { producerId: -1, producerEpoch: -1, baseSequence: -1 }, nowMs));
    const coordinator = running.broker.txn.coordinator;
    nowMs += 9_999;
    await coordinator.runTimeouts();
    assert.deepEqual((await fetchAll(client, 'hung', 1)).values, [], 'still open');
    nowMs += 1;
    await coordinator.runTimeouts();
    const committed = await fetchAll(client, 'hung', 1);
    assert.equal(committed.lastStableOffset, 3);
    assert.deepEqual(committed.abortedTransactions, [{ producerId, firstOffset: 0 }]);
    assert.equal(coordinator.describe('hung')!.state, 'CompleteAbort');
    // The abandoned producer comes back: fenced on produce and on commit.
    const zombie = await produce(client, 'hung', producerBatch(['late'], { producerId, producerEpoch, baseSequence: 1, transactional: true }, nowMs), 0, 'hung');
    assert.equal(zombie.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
    assert.equal(await endTxn(client, 'hung', producerId, producerEpoch, true), ErrorCode.PRODUCER_FENCED);
    // KIP-588: a client of EndTxn v0-v1 does not know PRODUCER_FENCED and gets INVALID_PRODUCER_EPOCH.
    const old = await client.request<{ errorCode: number }>(26, 1, { transactionalId: 'hung', producerId, producerEpoch, committed: true });
    assert.equal(old.errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  } finally {
    client.close();
    await running.stop();
  }
});

test('after a restart an open transaction still holds the LSO, and a new producer instance aborts it', async () => {
  const dataDir = tempDir();
  try {
    let broker = await startTestBroker({ dataDir });
    let client = await RawClient.connect(broker.port);
    await createTopic(client, 'rtx');
    const first = await initProducerId(client, 'restart-tx');
    await addPartitions(client, 'restart-tx', first.producerId, first.producerEpoch, 'rtx');
    await produce(client, 'rtx', producerBatch(['x', 'y'], { ...first, baseSequence: 0, transactional: true }), 0, 'restart-tx');
    client.close();
    await broker.stop();

    broker = await startTestBroker({ dataDir });
    client = await RawClient.connect(broker.port);
    try {
      const held = await fetchAll(client, 'rtx', 1);
      assert.deepEqual([held.lastStableOffset, held.values.length], [0, 0]);
      // The new instance fences the old one: its transaction is aborted, then it gets a new epoch.
      let next = await initProducerId(client, 'restart-tx');
      for (let i = 0; i < 5 && next.errorCode === ErrorCode.CONCURRENT_TRANSACTIONS; i++) next = await initProducerId(client, 'restart-tx');
      assert.equal(next.errorCode, ErrorCode.NONE);
      assert.equal(next.producerId, first.producerId);
      assert.equal(next.producerEpoch, first.producerEpoch + 2);
      const resolved = await fetchAll(client, 'rtx', 1);
      assert.equal(resolved.lastStableOffset, 3);
      assert.deepEqual(resolved.abortedTransactions, [{ producerId: first.producerId, firstOffset: 0 }]);
    } finally {
      client.close();
      await broker.stop();
    }
  } finally {
    removeDir(dataDir);
  }
});

test('AddPartitionsToTxn: unknown partitions fail the request; v4 verifyOnly reports membership', async () => {
  const broker = await startTestBroker({ storage: 'memory' });
  const client = await RawClient.connect(broker.port);
  try {
    await produce(client, 'known', producerBatch(['k'], { producerId: -1, producerEpoch: -1, baseSequence: -1 }));
    const { producerId, producerEpoch } = await initProducerId(client, 'tx-add');
    const r = await client.request(24, 3, {
      v3AndBelowTransactionalId: 'tx-add', v3AndBelowProducerId: producerId, v3AndBelowProducerEpoch: producerEpoch,
      v3AndBelowTopics: [{ name: 'known', partitions: [0] }, { name: 'missing', partitions: [0] }],
    });
    assert.deepEqual(r.resultsByTopicV3AndBelow.map((t: any) => t.resultsByPartition[0].partitionErrorCode), [ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
    assert.deepEqual(await addPartitions(client, 'tx-add', producerId, producerEpoch + 1, 'known'), [ErrorCode.PRODUCER_FENCED]);
    assert.deepEqual(await addPartitions(client, 'tx-add', producerId, producerEpoch, 'known'), [0]);
    const v4 = await client.request(24, 4, {
      transactions: [
        { transactionalId: 'tx-add', producerId, producerEpoch, verifyOnly: true, topics: [{ name: 'known', partitions: [0] }] },
        { transactionalId: 'other', producerId: 1, producerEpoch: 0, verifyOnly: true, topics: [{ name: 'known', partitions: [0] }] },
      ],
    });
    assert.deepEqual(v4.resultsByTransaction.map((t: any) => t.topicResults[0].resultsByPartition[0].partitionErrorCode), [0, ErrorCode.INVALID_TXN_STATE]);
  } finally {
    client.close();
    await broker.stop();
  }
});

test('after a restart a hung transaction is aborted on its timeout even if its producer never returns', async () => {
  const dataDir = tempDir();
  let nowMs = Date.now();
  const start = () => startBroker({ host: '127.0.0.1', port: 0, dataDir, storage: 'file', logLevel: 'silent', clock: () => nowMs });
  try {
    let running = await start();
    let client = await RawClient.connect(running.port);
    await createTopic(client, 'orphan');
    const p = await initProducerId(client, 'orphan-tx', 20_000);
    await addPartitions(client, 'orphan-tx', p.producerId, p.producerEpoch, 'orphan');
    await produce(client, 'orphan', producerBatch(['o'], { ...p, baseSequence: 0, transactional: true }, nowMs), 0, 'orphan-tx');
    client.close();
    await running.stop();

    running = await start();
    client = await RawClient.connect(running.port);
    try {
      // A read_committed reader finds the open transaction, which gets the coordinator loaded.
      assert.equal((await fetchAll(client, 'orphan', 1)).lastStableOffset, 0);
      const services = running.broker.txn;
      // Loading replays __transaction_state in the background: wait for it (bounded).
      for (let i = 0; i < 1000 && !services.coordinator.loaded; i++) await new Promise((r) => setTimeout(r, 10));
      assert.ok(services.coordinator.loaded, 'the coordinator loaded after the restart');
      nowMs += 20_000;
      await services.coordinator.runTimeouts();
      const after = await fetchAll(client, 'orphan', 1);
      assert.deepEqual([after.lastStableOffset, after.highWatermark], [2, 2]);
      assert.deepEqual(after.abortedTransactions, [{ producerId: p.producerId, firstOffset: 0 }]);
    } finally {
      client.close();
      await running.stop();
    }
  } finally {
    removeDir(dataDir);
  }
});

test('kill -9 in the middle of a transaction: after the restart the new instance aborts it', async () => {
  const dataDir = tempDir();
  const port = await freePort();
  try {
    const first = await startChildBroker(dataDir, port);
    let client = await RawClient.connect(port);
    await createTopic(client, 'k9tx');
    const committed = await initProducerId(client, 'k9-tx');
    await addPartitions(client, 'k9-tx', committed.producerId, committed.producerEpoch, 'k9tx');
    await produce(client, 'k9tx', producerBatch(['kept'], { ...committed, baseSequence: 0, transactional: true }), 0, 'k9-tx');
    assert.equal(await endTxn(client, 'k9-tx', committed.producerId, committed.producerEpoch, true), 0);
    await addPartitions(client, 'k9-tx', committed.producerId, committed.producerEpoch, 'k9tx');
    await produce(client, 'k9tx', producerBatch(['lost'], { ...committed, baseSequence: 1, transactional: true }), 0, 'k9-tx');
    client.close();
    first.child.kill('SIGKILL');
    await first.exited;

    const second = await startChildBroker(dataDir, port);
    client = await RawClient.connect(port);
    try {
      let next = await initProducerId(client, 'k9-tx');
      for (let i = 0; i < 5 && next.errorCode === ErrorCode.CONCURRENT_TRANSACTIONS; i++) next = await initProducerId(client, 'k9-tx');
      assert.equal(next.errorCode, 0);
      const read = await fetchAll(client, 'k9tx', 1);
      assert.equal(read.lastStableOffset, read.highWatermark);
      assert.deepEqual(read.abortedTransactions, [{ producerId: committed.producerId, firstOffset: 2 }]);
      assert.deepEqual((await fetchAll(client, 'k9tx', 0)).values, ['kept', 'lost']);
    } finally {
      client.close();
      second.child.kill('SIGKILL');
      await second.exited;
    }
  } finally {
    removeDir(dataDir);
  }
});

test('transactional writes are verified: only partitions of the ongoing transaction, never after it ended', async () => {
  const broker = await startTestBroker({ storage: 'memory' });
  const client = await RawClient.connect(broker.port);
  try {
    await createTopic(client, 'verify', 2);
    const p = await initProducerId(client, 'tx-verify');
    const spec = (baseSequence: number) => ({ ...p, baseSequence, transactional: true });
    assert.equal((await produce(client, 'verify', producerBatch(['early'], spec(0)), 0, 'tx-verify')).errorCode, ErrorCode.INVALID_TXN_STATE);
    await addPartitions(client, 'tx-verify', p.producerId, p.producerEpoch, 'verify', [0]);
    assert.equal((await produce(client, 'verify', producerBatch(['other'], spec(0)), 1, 'tx-verify')).errorCode, ErrorCode.INVALID_TXN_STATE);
    assert.equal((await produce(client, 'verify', producerBatch(['anon'], spec(0)), 0, null)).errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    assert.equal((await produce(client, 'verify', producerBatch(['in'], spec(0)), 0, 'tx-verify')).errorCode, 0);
    assert.equal(await endTxn(client, 'tx-verify', p.producerId, p.producerEpoch, true), 0);
    // A late write after the commit would open a transaction nobody ends: refused.
    assert.equal((await produce(client, 'verify', producerBatch(['late'], spec(1)), 0, 'tx-verify')).errorCode, ErrorCode.INVALID_TXN_STATE);
    const read = await fetchAll(client, 'verify', 1);
    assert.deepEqual([read.values, read.lastStableOffset, read.highWatermark], [['in'], 2, 2]);
  } finally {
    client.close();
    await broker.stop();
  }
});

test('WriteTxnMarkers (kafka-transactions.sh abort) ends a hanging transaction; a stale epoch is refused', async () => {
  const broker = await startTestBroker({ storage: 'memory' });
  const client = await RawClient.connect(broker.port);
  try {
    await createTopic(client, 'hang');
    const p = await initProducerId(client, 'tx-hang');
    await addPartitions(client, 'tx-hang', p.producerId, p.producerEpoch, 'hang');
    await produce(client, 'hang', producerBatch(['h'], { ...p, baseSequence: 0, transactional: true }), 0, 'tx-hang');
    assert.equal((await fetchAll(client, 'hang', 1)).lastStableOffset, 0);
    const write = async (producerEpoch: number) => {
      const r = await client.request(27, 1, { markers: [{ producerId: p.producerId, producerEpoch, transactionResult: false, coordinatorEpoch: 0, topics: [{ name: 'hang', partitionIndexes: [0] }] }] });
      return r.markers[0].topics[0].partitions[0].errorCode as number;
    };
    assert.equal(await write(p.producerEpoch + 1), 0);
    const read = await fetchAll(client, 'hang', 1);
    assert.deepEqual([read.lastStableOffset, read.abortedTransactions], [2, [{ producerId: p.producerId, firstOffset: 0 }]]);
    assert.equal(await write(p.producerEpoch), ErrorCode.INVALID_PRODUCER_EPOCH);
  } finally {
    client.close();
    await broker.stop();
  }
});

test('aborted transactions come from the .txnindex files: only those overlapping the fetched range; rebuilt when deleted', async () => {
  const dataDir = tempDir();
  let broker = await startTestBroker({ dataDir });
  let client = await RawClient.connect(broker.port);
  const plain = (v: string) => producerBatch([v], { producerId: -1, producerEpoch: -1, baseSequence: -1 });
  try {
    await createTopic(client, 'idx');
    const { producerId, producerEpoch } = await initProducerId(client, 'tx-idx');
    const p = { producerId, producerEpoch, transactional: true };
    await produce(client, 'idx', plain('p0')); // 0
    await addPartitions(client, 'tx-idx', producerId, producerEpoch, 'idx');
    await produce(client, 'idx', producerBatch(['a'], { ...p, baseSequence: 0 }), 0, 'tx-idx'); // 1
    assert.equal(await endTxn(client, 'tx-idx', producerId, producerEpoch, false), ErrorCode.NONE); // marker 2
    await produce(client, 'idx', plain('p3')); // 3
    await addPartitions(client, 'tx-idx', producerId, producerEpoch, 'idx');
    await produce(client, 'idx', producerBatch(['b'], { ...p, baseSequence: 1 }), 0, 'tx-idx'); // 4
    assert.equal(await endTxn(client, 'tx-idx', producerId, producerEpoch, false), ErrorCode.NONE); // marker 5

    const both = [{ producerId, firstOffset: 1 }, { producerId, firstOffset: 4 }];
    const check = async () => {
      assert.deepEqual((await fetchAll(client, 'idx', 1)).abortedTransactions, both);
      assert.deepEqual((await fetchAll(client, 'idx', 1, 0, 3)).abortedTransactions, [both[1]]);
      // One byte of partition budget returns only the first batch (KIP-74): [0, 1) overlaps no abort.
      const r = await client.request(1, 11, {
        replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 10_000_000, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
        topics: [{ topic: 'idx', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 }] }],
        forgottenTopicsData: [], rackId: '',
      });
      assert.deepEqual(r.responses[0].partitions[0].abortedTransactions, []);
    };
    await check();
    const index = path.join(dataDir, 'idx-0', '00000000000000000000.txnindex');
    const entries = (bytes: Buffer) => Array.from({ length: bytes.length / 34 }, (_, i) => [bytes.readInt16BE(i * 34), Number(bytes.readBigInt64BE(i * 34 + 10)), Number(bytes.readBigInt64BE(i * 34 + 18))]);
    assert.deepEqual(entries(readFileSync(index)), [[0, 1, 2], [0, 4, 5]], '(version, firstOffset, lastOffset) per abort');

    client.close();
    await broker.stop();
    unlinkSync(index);
    broker = await startTestBroker({ dataDir });
    client = await RawClient.connect(broker.port);
    await check();
    assert.deepEqual(entries(readFileSync(index)), [[0, 1, 2], [0, 4, 5]], 'rebuilt from the markers');
  } finally {
    client.close();
    await broker.stop();
    removeDir(dataDir);
  }
});
