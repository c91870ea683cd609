/** Connection: version negotiation, timeouts and unreachable brokers, against fake servers. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { chooseVersions, Connection } from '../../src/client/connection.js';
import { Api } from '../../src/client/apis.js';
import { ConnectionError, RequestTimeoutError } from '../../src/client/errors.js';
import { freePort } from '../helpers/broker.js';

test('chooseVersions picks the highest version inside both ranges, and skips disjoint ones', () => {
  const v = chooseVersions([
    { apiKey: Api.fetch.key, minVersion: 4, maxVersion: 17 },
    { apiKey: Api.metadata.key, minVersion: 0, maxVersion: 5 },
    { apiKey: Api.produce.key, minVersion: 0, maxVersion: 2 },
  ]);
  assert.equal(v.get(Api.fetch.key), Api.fetch.maxVersion);
  assert.equal(v.get(Api.metadata.key), 5);
  assert.equal(v.has(Api.produce.key), false, 'produce v3+ is all this client speaks');
  assert.equal(v.has(Api.listGroups.key), false, 'not advertised');
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

test('a broker that never answers fails the request with a timeout, and the connection closes', async () => {
  const server = createServer((socket) => socket.on('data', () => {}));
  const port = await listen(server);
  const started = Date.now();
  await assert.rejects(
    Connection.open({ host: '127.0.0.1', port, clientId: 't', connectTimeoutMs: 1000, requestTimeoutMs: 100 }),
    (err: unknown) => err instanceof RequestTimeoutError && err.retriable && /ApiVersions/.test(err.message),
  );
  assert.ok(Date.now() - started < 2000);
  await new Promise((resolve) => server.close(resolve));
});

test('an unreachable broker fails with a retriable ConnectionError', async () => {
  const port = await freePort();
  await assert.rejects(
    Connection.open({ host: '127.0.0.1', port, clientId: 't', connectTimeoutMs: 1000, requestTimeoutMs: 1000 }),
    (err: unknown) => err instanceof ConnectionError && err.retriable && /ECONNREFUSED/.test(err.message),
  );
});

/**
 * A fake broker: answers ApiVersions (v0 body for an unsupported version, as Kafka does), and
 * Metadata requests in reverse order of arrival, to show responses are matched by correlation id.
 */
async function fakeBroker(options: { apiVersionsMax: number; holdMetadata: number }) {
  const { Reader } = await import('../../src/protocol/reader.js');
  const { Writer } = await import('../../src/protocol/writer.js');
  const g = await import('../../src/protocol/generated/index.js');
  const seenApiVersions: number[] = [];
  const server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    const held: Array<{ correlationId: number; version: number; topic: string }> = [];
    const reply = (correlationId: number, apiKey: number, version: number, encode: (w: InstanceType<typeof Writer>) => void) => {
      const w = new Writer();
      w.int32(0);
      g.encodeResponseHeader(w, { correlationId }, g.responseHeaderVersion(apiKey, version));
      encode(w);
      w.setInt32At(0, w.length - 4);
      socket.write(w.toBuffer());
    };
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 4 && buf.length >= 4 + buf.readInt32BE(0)) {
        const frame = buf.subarray(4, 4 + buf.readInt32BE(0));
        buf = buf.subarray(4 + frame.length);
        const r = new Reader(frame);
        const apiKey = frame.readInt16BE(0);
        const version = frame.readInt16BE(2);
        const header = g.decodeRequestHeader(r, g.requestHeaderVersion(apiKey, version));
        if (apiKey === 18) {
          seenApiVersions.push(version);
          const apiKeys = [
            { apiKey: 18, minVersion: 0, maxVersion: options.apiVersionsMax },
            { apiKey: 3, minVersion: 0, maxVersion: 4 },
          ];
          const unsupported = version > options.apiVersionsMax;
          reply(header.correlationId, 18, unsupported ? 0 : version, (w) =>
            g.encodeApiVersionsResponse(w, { errorCode: unsupported ? 35 : 0, apiKeys, throttleTimeMs: 0 }, unsupported ? 0 : version),
          );
        } else if (apiKey === 3) {
          const req = g.decodeMetadataRequest(r, version);
          held.push({ correlationId: header.correlationId, version, topic: req.topics![0]!.name! });
          if (held.length === options.holdMetadata) {
            for (const h of held.reverse()) {
              reply(h.correlationId, 3, h.version, (w) =>
                g.encodeMetadataResponse(w, { brokers: [], controllerId: -1, topics: [{ errorCode: 3, name: h.topic, isInternal: false, partitions: [] }] }, h.version),
              );
            }
            held.length = 0;
          }
        }
      }
    });
  });
  const port = await listen(server);
  return { server, port, seenApiVersions };
}

test('ApiVersions falls back to the broker\'s version; pipelined responses are matched by correlation id', async () => {
  const fake = await fakeBroker({ apiVersionsMax: 2, holdMetadata: 5 });
  const conn = await Connection.open({ host: '127.0.0.1', port: fake.port, clientId: 't', connectTimeoutMs: 1000, requestTimeoutMs: 2000 });
  assert.deepEqual(fake.seenApiVersions, [Api.apiVersions.maxVersion, 2]);
  assert.equal(conn.versionOf(Api.metadata), 4, 'highest common version');
  assert.equal(conn.versionOf(Api.fetch), -1, 'not advertised');
  const topics = ['a', 'b', 'c', 'd', 'e'];
  const responses = await Promise.all(topics.map((name) => conn.send(Api.metadata, { topics: [{ name }], allowAutoTopicCreation: false })));
  assert.deepEqual(responses.map((r) => r.topics[0]!.name), topics);
  conn.close();
  await new Promise((resolve) => fake.server.close(resolve));
});
