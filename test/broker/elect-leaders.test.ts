/** ElectLeaders on a single node: every partition already has its preferred leader. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { removeDir, startTestBroker, type TestBroker } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';

let broker: TestBroker;
let client: RawClient;

before(async () => {
  broker = await startTestBroker({ storage: 'memory' });
  await broker.broker.topics.create('elect', 2);
  client = await RawClient.connect(broker.port);
});

after(async () => {
  client.close();
  await broker.stop();
  removeDir(broker.dataDir);
});

test('named partitions: ELECTION_NOT_NEEDED, unknown ones UNKNOWN_TOPIC_OR_PARTITION; all partitions: nothing to report', async () => {
  const named = await client.request(43, 2, { electionType: 0, topicPartitions: [{ topic: 'elect', partitions: [0, 1, 7] }], timeoutMs: 1000 });
  assert.equal(named.errorCode, ErrorCode.NONE);
  assert.deepEqual(
    named.replicaElectionResults[0].partitionResult.map((p: any) => [p.partitionId, p.errorCode]),
    [[0, ErrorCode.ELECTION_NOT_NEEDED], [1, ErrorCode.ELECTION_NOT_NEEDED], [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]],
  );
  const all = await client.request(43, 1, { electionType: 0, topicPartitions: null, timeoutMs: 1000 });
  assert.deepEqual(all.replicaElectionResults, []);
  const bad = await client.request(43, 2, { electionType: 5, topicPartitions: null, timeoutMs: 1000 });
  assert.equal(bad.errorCode, ErrorCode.INVALID_REQUEST);
});
