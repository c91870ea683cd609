/** TxnOffsetCommit on the wire: offsets become visible only when the transaction commits, even across a restart. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { startTestBroker, removeDir, tempDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { createTopic, endTxn, initProducerId } from './wire.js';
import { decodeBatches, type DecodedBatch } from '../../src/records/record-batch.js';
import type { Broker } from '../../src/broker/broker.js';
import { existsSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { kcat } from '../helpers/kcat.js';

async function addOffsets(client: RawClient, transactionalId: string, p: { producerId: number; producerEpoch: number }, groupId: string): Promise<number> {
  return (await client.request(25, 1, { transactionalId, ...p, groupId })).errorCode;
}

async function txnCommit(client: RawClient, transactionalId: string, p: { producerId: number; producerEpoch: number }, groupId: string, topic: string, offset: number): Promise<number> {
  const r = await client.request(28, 3, {
    transactionalId, groupId, ...p, generationId: -1, memberId: '', groupInstanceId: null,
    topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: 'm' }] }],
  });
  return r.topics[0].partitions[0].errorCode;
}

async function committed(client: RawClient, groupId: string, topic: string): Promise<number> {
  const r = await client.request(9, 7, { groupId, topics: [{ name: topic, partitionIndexes: [0] }], requireStable: false });
  return Number(r.topics[0].partitions[0].committedOffset);
}

/** OffsetFetch v7 with requireStable: the partition's error code. */
async function stableError(client: RawClient, groupId: string, topic: string): Promise<number> {
  const r = await client.request(9, 7, { groupId, topics: [{ name: topic, partitionIndexes: [0] }], requireStable: true });
  return r.topics[0].partitions[0].errorCode;
}

/** Every batch of every partition of an internal topic, read through the broker's logs. */
async function batchesOf(broker: Broker, topic: string): Promise<DecodedBatch[]> {
  const out: DecodedBatch[] = [];
  for (const partition of broker.topics.get(topic)?.partitions ?? []) {
    for (let offset = partition.logStartOffset; offset < partition.logEndOffset; ) {
      const read = await partition.log.read(offset, { maxBytes: 1 << 20, minOneBatch: true });
      for (const chunk of read.chunks) for (const b of decodeBatches(chunk)) if (b.lastOffset >= offset) out.push(b);
      offset = out.at(-1)!.lastOffset + 1;
    }
  }
  return out;
}

test('transactional offsets: invisible until commit, dropped on abort, kept across a restart, fenced producers refused', async () => {
  const dataDir = tempDir();
  let broker = await startTestBroker({ dataDir });
  let client = await RawClient.connect(broker.port);
  try {
    await createTopic(client, 'src');
    const p = await initProducerId(client, 'tx-off');
    const id = { producerId: p.producerId, producerEpoch: p.producerEpoch };
    assert.equal(await addOffsets(client, 'tx-off', id, 'g1'), ErrorCode.NONE);
    assert.equal(await txnCommit(client, 'tx-off', id, 'g1', 'src', 42), ErrorCode.NONE);
    assert.equal(await txnCommit(client, 'tx-off', { ...id, producerEpoch: id.producerEpoch + 1 }, 'g1', 'src', 43), ErrorCode.PRODUCER_FENCED);
    assert.equal(await txnCommit(client, 'tx-other', id, 'g1', 'src', 43), ErrorCode.INVALID_PRODUCER_ID_MAPPING);
    assert.equal(await committed(client, 'g1', 'src'), -1, 'pending offsets are not visible');
    assert.equal(await stableError(client, 'g1', 'src'), ErrorCode.UNSTABLE_OFFSET_COMMIT, 'requireStable sees the open transaction');
    client.close();
    await broker.stop();

    broker = await startTestBroker({ dataDir });
    client = await RawClient.connect(broker.port);
    try {
      assert.equal(await committed(client, 'g1', 'src'), -1);
      assert.equal(await stableError(client, 'g1', 'src'), ErrorCode.UNSTABLE_OFFSET_COMMIT, 'pending again after the replay');
      assert.equal(await endTxn(client, 'tx-off', id.producerId, id.producerEpoch, true), ErrorCode.NONE);
      assert.equal(await committed(client, 'g1', 'src'), 42, 'the restart kept the pending offsets');
      assert.equal(await stableError(client, 'g1', 'src'), ErrorCode.NONE);

      assert.equal(await addOffsets(client, 'tx-off', id, 'g1'), ErrorCode.NONE);
      assert.equal(await txnCommit(client, 'tx-off', id, 'g1', 'src', 99), ErrorCode.NONE);
      assert.equal(await endTxn(client, 'tx-off', id.producerId, id.producerEpoch, false), ErrorCode.NONE);
      assert.equal(await committed(client, 'g1', 'src'), 42, 'aborted offsets are dropped');
      assert.equal(await stableError(client, 'g1', 'src'), ErrorCode.NONE);

      // Kafka's layout: offsets as transactional batches of the producer in __consumer_offsets,
      // decided by the markers there; nothing but TransactionLogKey v0 in __transaction_state.
      const offsetBatches = await batchesOf(broker.broker, '__consumer_offsets');
      assert.equal(offsetBatches.filter((b) => b.transactional && !b.isControl && b.producerId === id.producerId).length, 2);
      assert.equal(offsetBatches.filter((b) => b.isControl && b.producerId === id.producerId).length, 2, 'a COMMIT and an ABORT marker');
      const stateKeys = (await batchesOf(broker.broker, '__transaction_state')).flatMap((b) => b.records.map((r) => r.key!.readInt16BE(0)));
      assert.ok(stateKeys.length > 0);
      assert.deepEqual([...new Set(stateKeys)], [0]);
    } finally {
      client.close();
      await broker.stop();
    }

    // The replay commits only what a COMMIT marker decided.
    broker = await startTestBroker({ dataDir });
    client = await RawClient.connect(broker.port);
    try {
      assert.equal(await committed(client, 'g1', 'src'), 42);
      assert.equal(await stableError(client, 'g1', 'src'), ErrorCode.NONE);
    } finally {
      client.close();
      await broker.stop();
    }
  } finally {
    // A failed assertion must not leave a broker running (stop() of a stopped broker is a no-op).
    client.close();
    await broker.stop().catch(() => undefined);
    removeDir(dataDir);
  }
});

const DEBIAN_PYTHON = '/usr/bin/python3';
const hasConfluentKafka = existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0;

test('librdkafka (read_committed) retries OffsetFetch on UNSTABLE_OFFSET_COMMIT and starts at the offset the transaction commits', { skip: !hasConfluentKafka && 'python3-confluent-kafka is not installed' }, async () => {
  const broker = await startTestBroker({ storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0' } });
  const client = await RawClient.connect(broker.port);
  let child: ChildProcess | null = null;
  try {
    await createTopic(client, 'stable-src');
    const lines = Array.from({ length: 10 }, (_, i) => `v${i}`).join('\n') + '\n';
    assert.equal((await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'stable-src', '-p', '0'], lines)).code, 0);
    const p = await initProducerId(client, 'tx-stable');
    const id = { producerId: p.producerId, producerEpoch: p.producerEpoch };
    assert.equal(await addOffsets(client, 'tx-stable', id, 'g-stable'), ErrorCode.NONE);
    assert.equal(await txnCommit(client, 'tx-stable', id, 'g-stable', 'stable-src', 6), ErrorCode.NONE);

    // Watch the coordinator: commit the transaction only once the consumer was told UNSTABLE.
    const coordinator = broker.broker.groups.coordinator;
    const fetchOffsets = coordinator.fetchOffsets.bind(coordinator);
    let unstableAnswers = 0;
    let sawUnstable: () => void = () => undefined;
    const unstable = new Promise<void>((resolve) => (sawUnstable = resolve));
    coordinator.fetchOffsets = (groupId, topics, requireStable) => {
      const result = fetchOffsets(groupId, topics, requireStable);
      if (result.topics.some((t) => t.partitions.some((x) => x.errorCode === ErrorCode.UNSTABLE_OFFSET_COMMIT))) {
        unstableAnswers++;
        sawUnstable();
      }
      return result;
    };
    const script = `
import sys
from confluent_kafka import Consumer
c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'g-stable', 'auto.offset.reset': 'earliest', 'enable.auto.commit': False, 'isolation.level': 'read_committed'})
c.subscribe(['stable-src'])
got = []
while len(got) < 4:
    m = c.poll(10)
    if m is None:
        break
    if not m.error():
        got.append(m.value().decode())
print(' '.join(got), flush=True)
c.close()
`;
    const proc = spawn(DEBIAN_PYTHON, ['-c', script, broker.bootstrapServers], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    let output = '';
    proc.stdout.on('data', (c: Buffer) => (output += c.toString()));
    proc.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => proc.on('close', resolve));
    await Promise.race([unstable, exited]);
    assert.ok(unstableAnswers > 0, `the consumer never asked with requireStable: ${output}`);
    assert.equal(await endTxn(client, 'tx-stable', id.producerId, id.producerEpoch, true), ErrorCode.NONE);
    assert.equal(await exited, 0, output);
    assert.equal(output.trim(), 'v6 v7 v8 v9', 'started at the committed offset, not at the earliest');
  } finally {
    child?.kill('SIGKILL');
    client.close();
    await broker.stop();
  }
});
