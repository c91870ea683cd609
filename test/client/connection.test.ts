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
