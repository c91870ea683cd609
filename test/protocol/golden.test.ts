// Request frames captured from kcat (librdkafka) decode to the expected header and body, and
// re-encoding them reproduces the exact bytes. See golden/README.md for how they were captured.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  Reader,
  Writer,
  ZERO_UUID,
  apis,
  decodeRequestHeader,
  encodeRequestHeader,
  requestHeaderVersion,
} from '../../src/protocol/index.js';
import type { ApiVersionsRequest, MetadataRequest, ProduceRequest, RequestHeader } from '../../src/protocol/index.js';
import { MAGIC, MAGIC_V2, RECORDS_COUNT, BATCH_LENGTH, LOG_OVERHEAD } from '../../src/records/batch-header.js';
import { repoRoot } from './sample-messages.js';

interface Frame {
  bytes: Buffer;
  headerVersion: number;
  header: RequestHeader;
  body: unknown;
}

function loadFrame(name: string): Frame {
  const hex = fs.readFileSync(path.join(repoRoot(), 'test', 'protocol', 'golden', name), 'utf8').replace(/\s+/g, '');
  const bytes = Buffer.from(hex, 'hex');
  assert.equal(bytes.readInt32BE(0), bytes.length - 4, `${name}: size prefix`);
  const r = new Reader(bytes, 4);
  const apiKey = bytes.readInt16BE(4);
  const apiVersion = bytes.readInt16BE(6);
  const headerVersion = requestHeaderVersion(apiKey, apiVersion);
  const header = decodeRequestHeader(r, headerVersion);
  const body = apis[apiKey]!.decodeRequest(r, apiVersion);
  assert.equal(r.remaining, 0, `${name}: whole frame consumed`);
  return { bytes, headerVersion, header, body };
}

function reencode(frame: Frame): Buffer {
  const { requestApiKey, requestApiVersion } = frame.header;
  const w = new Writer();
  w.int32(0);
  encodeRequestHeader(w, frame.header, frame.headerVersion);
  apis[requestApiKey]!.encodeRequest(w, frame.body, requestApiVersion);
  w.setInt32At(0, w.length - 4);
  return w.toBuffer();
}

test('kcat ApiVersions v3 (flexible, request header v2)', () => {
  const frame = loadFrame('kcat-api-versions-v3.hex');
  assert.equal(frame.headerVersion, 2);
  assert.deepStrictEqual(frame.header, { requestApiKey: 18, requestApiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
  const body = frame.body as ApiVersionsRequest;
  assert.deepStrictEqual(body, { clientSoftwareName: 'librdkafka', clientSoftwareVersion: '2.0.2' });
  assert.deepStrictEqual(reencode(frame), frame.bytes);
});

test('kcat -L Metadata v4 (empty topic list)', () => {
  const frame = loadFrame('kcat-L-metadata-v4.hex');
  assert.equal(frame.headerVersion, 1);
  assert.deepStrictEqual(frame.header, { requestApiKey: 3, requestApiVersion: 4, correlationId: 2, clientId: 'rdkafka' });
  const body = frame.body as MetadataRequest;
  assert.deepStrictEqual(body, {
    topics: [],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  assert.deepStrictEqual(reencode(frame), frame.bytes);
});

test('kcat -P Metadata v4 for one topic', () => {
  const frame = loadFrame('kcat-P-metadata-v4.hex');
  assert.equal(frame.header.clientId, 'rdkafka');
  const body = frame.body as MetadataRequest;
  assert.deepStrictEqual(body.topics, [{ topicId: ZERO_UUID, name: 'golden' }]);
  assert.equal(body.allowAutoTopicCreation, true);
  assert.deepStrictEqual(reencode(frame), frame.bytes);
});

test('kcat -P Produce v7 carries one v2 record batch as a view into the frame', () => {
  const frame = loadFrame('kcat-P-produce-v7.hex');
  assert.equal(frame.header.requestApiKey, 0);
  assert.equal(frame.header.requestApiVersion, 7);
  assert.equal(frame.header.clientId, 'rdkafka');
  const body = frame.body as ProduceRequest;
  assert.equal(body.transactionalId, null);
  assert.equal(body.acks, -1);
  assert.equal(body.timeoutMs, 30000);
  assert.equal(body.topicData.length, 1);
  assert.equal(body.topicData[0]!.name, 'golden');
  const part = body.topicData[0]!.partitionData[0]!;
  assert.equal(part.index, 0);
  const batch = part.records!;
  assert.equal(batch.buffer, frame.bytes.buffer, 'records are not copied');
  assert.equal(batch[MAGIC], MAGIC_V2);
  assert.equal(batch.readInt32BE(BATCH_LENGTH) + LOG_OVERHEAD, batch.length);
  assert.equal(batch.readInt32BE(RECORDS_COUNT), 1);
  assert.ok(batch.includes(Buffer.from('hello')) && batch.includes(Buffer.from('k1')));
  assert.deepStrictEqual(reencode(frame), frame.bytes);
});
