/**
 * Request time quotas (request_percentage, KIP-124): handler time recorded per user/client id,
 * throttle_time_ms once over the share, the connection muted meanwhile; SASL requests exempt.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { QuotaStore } from '../../src/security/quota-store.js';
import { ClientQuotas, REQUEST_PERCENTAGE } from '../../src/security/quotas.js';
import { withRequestThrottle } from '../../src/security/request-quota.js';
import type { ApiHandler, RequestContext } from '../../src/broker/handler.js';
import type { Broker } from '../../src/broker/broker.js';
import { RawClient } from '../helpers/raw-client.js';
import { removeDir, startTestBroker } from '../helpers/broker.js';

function clientQuota(clientId: string | null, percent: number) {
  return { entity: new Map([['client-id', clientId]]), set: new Map([[REQUEST_PERCENTAGE, percent]]) };
}

test('request_percentage: 10% is 100 ms of request time per second, after a burst of samples-1 windows', async () => {
  const store = new QuotaStore(null);
  await store.apply([clientQuota('app', 10)]);
  let nowMs = 0;
  const quotas = new ClientQuotas(store, { samples: 2, windowMs: 1000 }, () => nowMs);
  assert.equal(quotas.recordRequestTime('User:ANONYMOUS', 'app', 60), 0); // within the 100 ms burst
  assert.equal(quotas.recordRequestTime('User:ANONYMOUS', 'app', 60), 200); // 20 ms over: 200 ms at 100 ms/s
  nowMs = 200;
  assert.equal(quotas.recordRequestTime('User:ANONYMOUS', 'app', 10), 100);
  assert.equal(quotas.recordRequestTime('User:ANONYMOUS', 'other', 500), 0); // no quota for this client
});

test('the request throttle goes into the response when longer than its own; SASL and follower fetches are exempt', async () => {
  const store = new QuotaStore(null);
  await store.apply([clientQuota(null, 1)]); // every client id: 10 ms/s
  const quotas = new ClientQuotas(store, { samples: 2, windowMs: 1000 }, () => 0);
  const broker = { security: { quotas } } as unknown as Broker;
  const ctx = (apiKey: number, clientId: string): RequestContext =>
    ({ apiKey, apiVersion: 1, correlationId: 1, clientId, clientAddress: '', broker, principal: 'User:ANONYMOUS', sasl: null });
  const shared = { throttleTimeMs: 0, brokers: [] };
  const throttled = withRequestThrottle(ctx(3, 'a'), {}, shared, 30);
  assert.equal(throttled.throttleTimeMs, 2000); // 20 ms over at 10 ms/s, capped at the 2 s span
  assert.equal(shared.throttleTimeMs, 0, 'the handler object is not changed');
  assert.equal(withRequestThrottle(ctx(0, 'b'), {}, { throttleTimeMs: 5000 }, 30).throttleTimeMs, 5000);
  assert.equal(withRequestThrottle(ctx(36, 'c'), {}, { throttleTimeMs: 0 }, 1000).throttleTimeMs, 0);
  assert.equal(withRequestThrottle(ctx(1, 'd'), { replicaId: 2 }, { throttleTimeMs: 0 }, 1000).throttleTimeMs, 0);
  assert.equal(withRequestThrottle(ctx(1, 'd'), { replicaId: -1 }, { throttleTimeMs: 0 }, 1000).throttleTimeMs, 2000);
});

test('a client over its request_percentage is throttled and muted on a live broker', async () => {
  const broker = await startTestBroker({ storage: 'memory', config: { 'quota.window.num': '2', 'quota.window.size.seconds': '1' } });
  const client = await RawClient.connect(broker.port);
  try {
    // Metadata made slow on purpose: 25 ms of request time each.
    const metadata = broker.broker.handlers.get(3)!;
    const slow: ApiHandler = {
      ...metadata,
      handle: (ctx, req) => {
        const until = performance.now() + 25;
        while (performance.now() < until);
        return metadata.handle(ctx, req);
      },
    };
    broker.broker.handlers.set(3, slow);
    const altered = await client.request(49, 1, {
      validateOnly: false,
      entries: [{ entity: [{ entityType: 'client-id', entityName: 'raw-client' }], ops: [{ key: REQUEST_PERCENTAGE, value: 10, remove: false }] }],
    });
    assert.equal(altered.entries[0].errorCode, 0);
    // 10%: 100 ms of request time per second; the burst (one window) is 100 ms, 4 requests.
    const throttles: number[] = [];
    const startMs = performance.now();
    for (let i = 0; i < 8; i++) {
      const res = await client.request(3, 9, { topics: [], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
      throttles.push(res.throttleTimeMs);
    }
    const elapsedMs = performance.now() - startMs;
    assert.equal(throttles[0], 0, throttles.join(','));
    // 8 x 25 ms = 200 ms at 100 ms/s is 2 s, less the 1 s burst: about 1 s of throttling in all.
    const total = throttles.reduce((a, b) => a + b, 0);
    assert.ok(total >= 500 && total <= 2500, `throttles ${throttles.join(',')}`);
    assert.ok(throttles.slice(4).every((t) => t > 0), `throttles ${throttles.join(',')}`);
    // Muted while throttled: the requests after a throttled answer waited for it.
    assert.ok(elapsedMs >= total - throttles[7]! - 100, `elapsed ${elapsedMs} ms, throttles ${throttles.join(',')}`);
  } finally {
    client.close();
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
