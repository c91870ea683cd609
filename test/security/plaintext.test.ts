/** With no security settings a broker is what it was: PLAINTEXT, no authentication, ANONYMOUS. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawClient } from '../helpers/raw-client.js';
import { removeDir, startTestBroker } from '../helpers/broker.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import type { ApiHandler } from '../../src/broker/handler.js';

test('PLAINTEXT: requests need no SASL, SASL requests get ILLEGAL_SASL_STATE, the principal is ANONYMOUS', async () => {
  const broker = await startTestBroker({ storage: 'memory' });
  try {
    assert.equal(broker.broker.security.settings.protocol, 'PLAINTEXT');
    const principals: string[] = [];
    const metadata = broker.broker.handlers.get(3)!;
    const wrapped: ApiHandler = { ...metadata, handle: (ctx, req) => (principals.push(ctx.principal), metadata.handle(ctx, req)) };
    broker.broker.handlers.set(3, wrapped);
    const client = await RawClient.connect(broker.port);
    try {
      const meta = await client.request(3, 1, { topics: null });
      assert.equal(meta.brokers.length, 1);
      assert.deepEqual(principals, ['User:ANONYMOUS']);
      const handshake = await client.request(17, 1, { mechanism: 'PLAIN' });
      assert.equal(handshake.errorCode, ErrorCode.ILLEGAL_SASL_STATE);
      const auth = await client.request(36, 2, { authBytes: Buffer.from('\u0000a\u0000b') });
      assert.equal(auth.errorCode, ErrorCode.ILLEGAL_SASL_STATE);
      // The connection stays usable.
      assert.equal((await client.request(3, 1, { topics: null })).brokers.length, 1);
      const versions = await client.request(18, 3, { clientSoftwareName: 't', clientSoftwareVersion: '1' });
      const keys = versions.apiKeys.map((k: { apiKey: number }) => k.apiKey);
      for (const key of [17, 36, 50, 51]) assert.ok(keys.includes(key), `api key ${key} advertised`);
    } finally {
      client.close();
    }
  } finally {
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
