/**
 * Replication over real sockets: two in-process brokers, each with a ReplicaManager built by
 * createReplicaManager (network transport, Fetch with a replica id, OffsetForLeaderEpoch), a
 * fake controller standing in for etcd. acks=all produce, NOT_LEADER_OR_FOLLOWER on a follower,
 * a leader change with the old leader following the new one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Api } from '../../../src/client/apis.js';
import { Connection } from '../../../src/client/connection.js';
import type { BrokerEndpoint, IsrWriter, BrokerDirectory, PartitionState } from '../../../src/cluster/contract.js';
import { createReplicaManager, type ReplicaManager } from '../../../src/cluster/replication/index.js';
import { ErrorCode } from '../../../src/protocol/errors.js';
import { encodeBatch } from '../../../src/records/record-batch.js';
import { startTestBroker, type TestBroker } from '../../helpers/broker.js';

const TOPIC = 'replicated';

describe('replication over the network', () => {
  const brokers = new Map<number, TestBroker>();
  const managers = new Map<number, ReplicaManager>();
  let state: PartitionState;

  function cluster(localNodeId: number): IsrWriter & BrokerDirectory {
    return {
      localNodeId,
      endpoint: (id): BrokerEndpoint | undefined => {
        const b = brokers.get(id);
        return b ? { nodeId: id, host: '127.0.0.1', port: b.port, rack: null } : undefined;
      },
      alterIsr: async (current, isr) => {
        if (current.partitionEpoch !== state.partitionEpoch || current.leaderEpoch !== state.leaderEpoch) return state;
        state = { ...state, isr, partitionEpoch: state.partitionEpoch + 1 };
        await applyEverywhere();
        return state;
      },
    };
  }

  async function applyEverywhere(): Promise<void> {
    for (const m of managers.values()) await m.applyPartitionState({ ...state });
  }

  async function produce(nodeId: number, value: string): Promise<{ errorCode: number; baseOffset: number }> {
    const conn = await Connection.open({ host: '127.0.0.1', port: brokers.get(nodeId)!.port, clientId: 'test', connectTimeoutMs: 5000, requestTimeoutMs: 10_000 });
    try {
      const records = encodeBatch({ baseOffset: 0, partitionLeaderEpoch: -1, records: [{ key: null, value: Buffer.from(value), headers: [], timestampMs: Date.now() }] });
      const res = await conn.send(Api.produce, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }] });
      const p = res.responses[0]!.partitionResponses[0]!;
      return { errorCode: p.errorCode, baseOffset: p.baseOffset };
    } finally {
      conn.close();
    }
  }

  function partitionOf(nodeId: number) {
    return brokers.get(nodeId)!.broker.topics.get(TOPIC)!.partitions[0]!;
  }

  async function until(what: string, check: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 25));
    assert.ok(check(), what);
  }

  before(async () => {
    for (const id of [1, 2]) {
      const broker = await startTestBroker({ storage: 'memory', config: { 'min.insync.replicas': '2' } });
      brokers.set(id, broker);
      await broker.broker.topics.getOrCreate(TOPIC, 1);
      const manager = createReplicaManager(broker.broker, cluster(id), { replicaFetchWaitMaxMs: 100, replicaFetchBackoffMs: 50 });
      Object.assign(broker.broker, { replicas: manager });
      managers.set(id, manager);
    }
    state = { topic: TOPIC, partition: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', replicas: [1, 2], leader: 1, leaderEpoch: 1, isr: [1, 2], partitionEpoch: 1 };
    await applyEverywhere();
  });

  after(async () => {
    for (const m of managers.values()) await m.close();
    for (const b of brokers.values()) await b.stop();
  });

  it('acks=all is answered once the follower has the record; a follower refuses produce', async () => {
    const first = await produce(1, 'a');
    assert.deepEqual(first, { errorCode: ErrorCode.NONE, baseOffset: 0 });
    assert.equal(partitionOf(1).highWatermark, 1);
    await until('the follower has the record', () => partitionOf(2).logEndOffset === 1);
    assert.equal((await produce(1, 'b')).errorCode, ErrorCode.NONE);
    assert.equal((await produce(2, 'x')).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    assert.equal(partitionOf(2).log.latestEpoch, 1, 'the leader epoch travelled in the batches');
  });

  it('a new leader takes over; the old one follows it and gets the new records', async () => {
    state = { ...state, leader: 2, leaderEpoch: 2, partitionEpoch: state.partitionEpoch + 1 };
    await applyEverywhere();
    assert.equal((await produce(1, 'stale')).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
    const r = await produce(2, 'c');
    assert.deepEqual(r, { errorCode: ErrorCode.NONE, baseOffset: 2 });
    await until('the old leader caught up', () => partitionOf(1).logEndOffset === 3 && partitionOf(1).highWatermark === 3);
    const read = async (id: number) => Buffer.concat((await partitionOf(id).log.read(0, { maxBytes: 1 << 20, minOneBatch: true })).chunks);
    assert.deepEqual(await read(1), await read(2));
    assert.deepEqual(partitionOf(1).log.endOffsetForEpoch(1), { leaderEpoch: 1, endOffset: 2 });
  });

  it('acks=all with the ISR below min.insync.replicas is refused before the append', async () => {
    // Replica 1 is swapped for a replica 3 that never fetches: the ISR cannot grow back meanwhile.
    const real = state;
    // A new leader epoch, as a controller's election would bring: the leader takes the ISR as given.
    state = { ...state, replicas: [2, 3], isr: [2], leaderEpoch: state.leaderEpoch + 1, partitionEpoch: state.partitionEpoch + 1 };
    await applyEverywhere();
    const end = partitionOf(2).logEndOffset;
    assert.equal((await produce(2, 'd')).errorCode, ErrorCode.NOT_ENOUGH_REPLICAS);
    assert.equal(partitionOf(2).logEndOffset, end);
    // Replica 1 back: it fetches, is caught up, and the leader expands the ISR again.
    state = { ...real, isr: [2], leaderEpoch: state.leaderEpoch + 1, partitionEpoch: state.partitionEpoch + 1 };
    await applyEverywhere();
    await until('the ISR expanded', () => state.isr.length === 2);
    assert.equal((await produce(2, 'e')).errorCode, ErrorCode.NONE);
  });
});
