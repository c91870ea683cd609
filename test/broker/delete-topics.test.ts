/** DeleteTopics: ordinary topics go, internal topics (coordinator state) are refused. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestBroker, removeDir } from '../helpers/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { ErrorCode } from '../../src/protocol/errors.js';

test('__consumer_offsets cannot be deleted, an ordinary topic can', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: { 'offsets.topic.num.partitions': '2' } });
  const client = await RawClient.connect(broker.port);
  try {
    await client.request(3, 12, { topics: [{ topicId: 'AAAAAAAAAAAAAAAAAAAAAA', name: 'plain' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    const commit = await client.request(8, 2, {
      groupId: 'g', generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1,
      topics: [{ name: 'plain', partitions: [{ partitionIndex: 0, committedOffset: 0, committedMetadata: null }] }],
    });
    assert.equal(commit.topics[0].partitions[0].errorCode, 0);
    assert.ok(broker.broker.topics.get('__consumer_offsets'), 'the offsets topic exists');
    const response = await client.request(20, 5, { topicNames: ['__consumer_offsets', 'plain'], timeoutMs: 1000 });
    const byName = new Map(response.responses.map((r: { name: string; errorCode: number }) => [r.name, r.errorCode]));
    assert.equal(byName.get('__consumer_offsets'), ErrorCode.INVALID_REQUEST);
    assert.equal(byName.get('plain'), ErrorCode.NONE);
    assert.ok(broker.broker.topics.get('__consumer_offsets'));
    assert.equal(broker.broker.topics.get('plain'), undefined);
  } finally {
    client.close();
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
