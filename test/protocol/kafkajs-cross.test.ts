// Cross-check against an independent implementation: requests encoded by KafkaJS decode with our
// codecs, and responses encoded by our codecs decode with KafkaJS's parsers (what a real client
// will do with the broker's answers).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import {
  Reader,
  Writer,
  ZERO_UUID,
  decodeFetchRequest,
  decodeMetadataRequest,
  decodeProduceRequest,
  encodeApiVersionsResponse,
  encodeFetchResponse,
  encodeFindCoordinatorResponse,
  encodeMetadataResponse,
  encodeProduceResponse,
} from '../../src/protocol/index.js';

const require = createRequire(import.meta.url);

interface KjsRequest {
  apiKey: number;
  apiVersion: number;
  encode(): Promise<{ buffer: Buffer }>;
}
type KjsDecode = (raw: Buffer) => Promise<Record<string, unknown>>;

function kjsRequest(path: string, args: Record<string, unknown>): KjsRequest {
  return (require(`kafkajs/src/protocol/requests/${path}/request`) as (a: unknown) => KjsRequest)(args);
}

function kjsDecode(path: string): KjsDecode {
  return (require(`kafkajs/src/protocol/requests/${path}/response`) as { decode: KjsDecode }).decode;
}

function body(fill: (w: Writer) => void): Buffer {
  const w = new Writer();
  fill(w);
  return w.toBuffer();
}

test('KafkaJS Metadata v6 request decodes with our codec', async () => {
  const req = kjsRequest('metadata/v6', { topics: ['alpha', 'beta'], allowAutoTopicCreation: false });
  const decoded = decodeMetadataRequest(new Reader((await req.encode()).buffer), 6);
  assert.deepStrictEqual(decoded, {
    topics: [
      { topicId: ZERO_UUID, name: 'alpha' },
      { topicId: ZERO_UUID, name: 'beta' },
    ],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
});

test('KafkaJS Produce v3 request (with a record batch) decodes with our codec', async () => {
  const req = kjsRequest('produce/v3', {
    acks: -1,
    timeout: 5000,
    topicData: [{ topic: 't1', partitions: [{ partition: 2, messages: [{ key: 'k', value: 'v1' }, { value: 'v2' }] }] }],
  });
  const buf = (await req.encode()).buffer;
  const r = new Reader(buf);
  const decoded = decodeProduceRequest(r, 3);
  assert.equal(r.remaining, 0);
  assert.equal(decoded.transactionalId, null);
  assert.equal(decoded.acks, -1);
  assert.equal(decoded.timeoutMs, 5000);
  const part = decoded.topicData[0]!.partitionData[0]!;
  assert.equal(decoded.topicData[0]!.name, 't1');
  assert.equal(part.index, 2);
  assert.equal(part.records![16], 2, 'magic v2 batch');
  assert.equal(part.records!.readInt32BE(57), 2, 'two records');
});

test('KafkaJS Fetch v11 request decodes with our codec', async () => {
  const req = kjsRequest('fetch/v11', {
    replicaId: -1,
    maxWaitTime: 500,
    minBytes: 1,
    maxBytes: 1048576,
    isolationLevel: 1,
    rackId: 'rack-a',
    topics: [{ topic: 'orders', partitions: [{ partition: 0, fetchOffset: '42', maxBytes: 65536 }] }],
  });
  const d = decodeFetchRequest(new Reader((await req.encode()).buffer), 11);
  assert.equal(d.maxWaitMs, 500);
  assert.equal(d.minBytes, 1);
  assert.equal(d.maxBytes, 1048576);
  assert.equal(d.isolationLevel, 1);
  assert.equal(d.sessionEpoch, -1);
  assert.equal(d.rackId, 'rack-a');
  assert.deepStrictEqual(d.topics, [
    {
      topic: 'orders',
      topicId: ZERO_UUID,
      partitions: [
        {
          partition: 0,
          currentLeaderEpoch: -1,
          fetchOffset: 42,
          lastFetchedEpoch: -1,
          logStartOffset: -1,
          partitionMaxBytes: 65536,
          replicaDirectoryId: ZERO_UUID,
        },
      ],
    },
  ]);
});

test('our ApiVersions v2 and FindCoordinator v2 responses parse with KafkaJS', async () => {
  const av = await kjsDecode('apiVersions/v2')(
    body((w) =>
      encodeApiVersionsResponse(
        w,
        { errorCode: 0, apiKeys: [{ apiKey: 0, minVersion: 3, maxVersion: 9 }], throttleTimeMs: 5 },
        2,
      ),
    ),
  );
  assert.equal(av.errorCode, 0);
  assert.deepStrictEqual(av.apiVersions, [{ apiKey: 0, minVersion: 3, maxVersion: 9 }]);
  assert.equal(av.clientSideThrottleTime, 5);

  const fc = await kjsDecode('findCoordinator/v2')(
    body((w) =>
      encodeFindCoordinatorResponse(w, { errorCode: 0, errorMessage: null, nodeId: 3, host: 'h', port: 9092 }, 2),
    ),
  );
  assert.deepStrictEqual(fc.coordinator, { nodeId: 3, host: 'h', port: 9092 });
});

test('our Metadata v5 response parses with KafkaJS', async () => {
  const raw = body((w) =>
    encodeMetadataResponse(
      w,
      {
        throttleTimeMs: 0,
        brokers: [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }],
        clusterId: 'c1',
        controllerId: 1,
        topics: [
          {
            errorCode: 0,
            name: 'orders',
            isInternal: false,
            partitions: [{ errorCode: 0, partitionIndex: 0, leaderId: 1, replicaNodes: [1], isrNodes: [1], offlineReplicas: [] }],
          },
        ],
      },
      5,
    ),
  );
  const d = await kjsDecode('metadata/v5')(raw);
  assert.deepStrictEqual(d.brokers, [{ nodeId: 1, host: 'localhost', port: 9092, rack: null }]);
  assert.equal(d.clusterId, 'c1');
  assert.deepStrictEqual(d.topicMetadata, [
    {
      topicErrorCode: 0,
      topic: 'orders',
      isInternal: false,
      partitionMetadata: [{ partitionErrorCode: 0, partitionId: 0, leader: 1, replicas: [1], isr: [1], offlineReplicas: [] }],
    },
  ]);
});

test('our Produce v7 response parses with KafkaJS', async () => {
  const raw = body((w) =>
    encodeProduceResponse(
      w,
      {
        responses: [{ name: 't1', partitionResponses: [{ index: 2, errorCode: 0, baseOffset: 1234567890123, logAppendTimeMs: -1, logStartOffset: 0 }] }],
        throttleTimeMs: 0,
      },
      7,
    ),
  );
  const d = await kjsDecode('produce/v7')(raw);
  const topics = d.topics as { topicName: string; partitions: Record<string, unknown>[] }[];
  assert.equal(topics[0]!.topicName, 't1');
  assert.equal(topics[0]!.partitions[0]!.partition, 2);
  assert.equal(topics[0]!.partitions[0]!.baseOffset, '1234567890123');
});

test('our Fetch v11 response (records passed by reference) parses with KafkaJS', async () => {
  // Let KafkaJS build a record batch, then serve it back in a fetch response.
  const produce = kjsRequest('produce/v3', {
    acks: 1,
    timeout: 1000,
    topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k1', value: 'hello' }] }] }],
  });
  const batch = decodeProduceRequest(new Reader((await produce.encode()).buffer), 3).topicData[0]!.partitionData[0]!.records!;
  const raw = body((w) =>
    encodeFetchResponse(
      w,
      {
        throttleTimeMs: 0,
        errorCode: 0,
        sessionId: 0,
        responses: [
          {
            topic: 't',
            partitions: [
              { partitionIndex: 0, errorCode: 0, highWatermark: 1, lastStableOffset: 1, logStartOffset: 0, abortedTransactions: null, preferredReadReplica: -1, records: [batch] },
            ],
          },
        ],
      },
      11,
    ),
  );
  const d = await kjsDecode('fetch/v11')(raw);
  const responses = d.responses as { topicName: string; partitions: { highWatermark: string; messages: { key: Buffer; value: Buffer }[] }[] }[];
  assert.equal(responses[0]!.topicName, 't');
  const p = responses[0]!.partitions[0]!;
  assert.equal(p.highWatermark, '1');
  assert.equal(p.messages.length, 1);
  assert.equal(p.messages[0]!.key.toString(), 'k1');
  assert.equal(p.messages[0]!.value.toString(), 'hello');
});
