// The console API's input checks, against a client that records what reached it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { handleApi, type ApiRequest } from '../../src/console/api.js';
import { ClusterRequestError, type ClusterClient } from '../../src/console/cluster-client.js';

function recordingClient() {
  const calls: string[] = [];
  const client = new Proxy({} as ClusterClient, {
    get: (_t, name: string) => async (arg: unknown, ...rest: unknown[]) => {
      calls.push([name, ...[arg ?? null, ...rest].map((a) => JSON.stringify(a))].join(' '));
      if (name === 'topic' && arg === 'missing') throw new ClusterRequestError("topic 'missing' does not exist", 404);
      if (name === 'listTopics') return [{ name: 'orders' }, { name: 'payments' }, { name: 'ORDERS-dlq' }];
      return { ok: true };
    },
  });
  return { client, calls };
}

function req(method: string, path: string, body?: unknown): ApiRequest {
  const url = new URL(path, 'http://x');
  return { method, path: url.pathname, query: url.searchParams, body };
}

async function call(method: string, path: string, body?: unknown) {
  const { client, calls } = recordingClient();
  const res = await handleApi(client, req(method, path, body));
  return { ...res, error: (res.body as { error?: string }).error, calls };
}

test('create topic: name, partitions and configs are checked before the cluster sees them', async () => {
  const cases: [unknown, RegExp][] = [
    [undefined, /request body must be a JSON object/],
    [[], /request body must be a JSON object/],
    [{ partitions: 1 }, /topic name is required/],
    [{ name: 'bad name', partitions: 1 }, /may only contain ASCII letters, digits/],
    [{ name: '..', partitions: 1 }, /cannot be '\.' or '\.\.'/],
    [{ name: 'x'.repeat(250), partitions: 1 }, /longer than 249/],
    [{ name: 't' }, /partitions must be a whole number, got undefined/],
    [{ name: 't', partitions: 0 }, /partitions must be between 1 and 10000, got 0/],
    [{ name: 't', partitions: 1.5 }, /partitions must be a whole number/],
    [{ name: 't', partitions: '3' , replicationFactor: -1 }, /replicationFactor must be between 1 and 1000/],
    [{ name: 't', partitions: 1, configs: ['a'] }, /configs must be a JSON object/],
    [{ name: 't', partitions: 1, configs: { 'Bad Name': '1' } }, /not a Kafka config name/],
    [{ name: 't', partitions: 1, configs: { 'retention.ms': { x: 1 } } }, /must be a string, number or boolean/],
  ];
  for (const [body, message] of cases) {
    const res = await call('POST', '/api/topics', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.error!, message);
    assert.deepEqual(res.calls, [], 'nothing reached the cluster');
  }
  const good = await call('POST', '/api/topics', { name: 'orders.v1', partitions: '3', configs: { 'retention.ms': 1000 } });
  assert.equal(good.status, 201);
  assert.deepEqual(good.calls, ['createTopic {"name":"orders.v1","partitions":3,"replicationFactor":1,"configs":{"retention.ms":"1000"}}']);
});

test('delete needs the topic name repeated as confirmation', async () => {
  const missing = await call('DELETE', '/api/topics/orders');
  assert.equal(missing.status, 400);
  assert.match(missing.error!, /repeat its name as \?confirm=orders/);
  const wrong = await call('DELETE', '/api/topics/orders?confirm=order');
  assert.equal(wrong.status, 400);
  assert.deepEqual(wrong.calls, []);
  const ok = await call('DELETE', '/api/topics/orders?confirm=orders');
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.calls, ['deleteTopic "orders"']);
});

test('browse: partition, offset and limit are bounded whole numbers', async () => {
  for (const [query, message] of [
    ['partition=-1', /partition must be between 0 and 10000, got -1/],
    ['partition=x', /partition must be a whole number, got "x"/],
    ['offset=1e3', /offset must be a whole number/],
    ['limit=0', /limit must be between 1 and 500/],
    ['limit=100000', /limit must be between 1 and 500/],
    ['offset=3&timestamp=1000', /either offset or timestamp, not both/],
    ['timestamp=yesterday', /timestamp \(milliseconds since the epoch\) must be a whole number/],
  ] as const) {
    const res = await call('GET', `/api/topics/orders/messages?${query}`);
    assert.equal(res.status, 400, query);
    assert.match(res.error!, message);
    assert.deepEqual(res.calls, []);
  }
  const ok = await call('GET', '/api/topics/orders/messages?partition=2&offset=10');
  assert.deepEqual(ok.calls, ['browse {"topic":"orders","partition":2,"offset":10,"limit":50}']);
  const byTime = await call('GET', '/api/topics/orders/messages?timestamp=1700000000000&limit=5');
  assert.deepEqual(byTime.calls, ['browse {"topic":"orders","partition":0,"offset":0,"timestampMs":1700000000000,"limit":5}']);
});

test('produce: key, value and headers must have the right shapes', async () => {
  for (const [body, message] of [
    ['text', /request body must be a JSON object/],
    [{ value: 42 }, /value must be a string or null/],
    [{ key: ['k'] }, /key must be a string or null/],
    [{ value: 'v', partition: -2 }, /partition must be between 0 and 10000/],
    [{ value: 'v', headers: { a: 'b' } }, /headers must be a list of \{key, value\}/],
    [{ value: 'v', headers: [{ key: '', value: 'x' }] }, /headers\[0\]\.key must be a non-empty string/],
    [{ value: 'v', headers: [{ key: 'a', value: 1 }] }, /headers\[0\]\.value must be a string or null/],
  ] as const) {
    const res = await call('POST', '/api/topics/orders/messages', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.error!, message);
    assert.deepEqual(res.calls, []);
  }
  const ok = await call('POST', '/api/topics/orders/messages', { value: '{"a":1}', headers: [{ key: 'trace', value: 'abc' }] });
  assert.equal(ok.status, 201);
  assert.deepEqual(ok.calls, ['produce {"topic":"orders","partition":null,"key":null,"value":"{\\"a\\":1}","headers":[{"key":"trace","value":"abc"}]}']);
});

test('config changes: names and values are checked, null removes an override', async () => {
  for (const [body, message] of [
    [{}, /configs must be a JSON object/],
    [{ configs: {} }, /at least one config/],
    [{ configs: { 'retention ms': '1' } }, /not a Kafka config name/],
    [{ configs: { 'Bad': null } }, /not a Kafka config name/],
    [{ configs: { 'retention.ms': [1] } }, /must be a string, number or boolean/],
  ] as const) {
    const res = await call('PUT', '/api/topics/orders/configs', body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.error!, message);
    assert.deepEqual(res.calls, []);
  }
  const ok = await call('PUT', '/api/topics/orders/configs', { configs: { 'retention.ms': 60000, 'cleanup.policy': null } });
  assert.equal(ok.status, 200);
  assert.deepEqual(ok.calls, ['alterTopicConfigs "orders" {"retention.ms":"60000","cleanup.policy":null}', 'topic "orders"']);
  assert.equal((await call('GET', '/api/topics/orders/configs')).status, 405);
});

test('routing: unknown paths 404, wrong methods 405, bad names 400, cluster refusals keep their status', async () => {
  assert.equal((await call('GET', '/api/nope')).status, 404);
  assert.equal((await call('GET', '/api/topics/a/b/c')).status, 404);
  assert.equal((await call('PUT', '/api/overview')).status, 405);
  const badName = await call('GET', '/api/topics/a%20b');
  assert.equal(badName.status, 400);
  assert.match(badName.error!, /'a b' may only contain/);
  assert.equal((await call('GET', '/api/topics/%E0%A4%A')).status, 400);
  const missing = await call('GET', '/api/topics/missing');
  assert.equal(missing.status, 404);
  assert.equal(missing.error, "topic 'missing' does not exist");
  const search = await call('GET', '/api/topics?search=orders');
  assert.deepEqual((search.body as { name: string }[]).map((t) => t.name), ['orders', 'ORDERS-dlq']);
});

test('reset offsets: the target, offset, timestamp, topic and partitions are checked', async () => {
  const path = '/api/groups/billing/offsets';
  const cases: [unknown, RegExp][] = [
    [undefined, /request body must be a JSON object/],
    [{}, /'to' must be one of "earliest", "latest", "offset", "timestamp", got null/],
    [{ to: 'newest' }, /'to' must be one of .*got "newest"/],
    [{ to: 'offset' }, /"to": "offset" needs an 'offset'/],
    [{ to: 'offset', offset: -1 }, /offset must be between 0 and/],
    [{ to: 'offset', offset: 'ten' }, /offset must be a whole number, got "ten"/],
    [{ to: 'timestamp' }, /"to": "timestamp" needs a 'timestamp'/],
    [{ to: 'latest', offset: 5 }, /'offset' is only used with "to": "offset"/],
    [{ to: 'earliest', timestamp: 5 }, /'timestamp' is only used with "to": "timestamp"/],
    [{ to: 'latest', topic: 'bad topic' }, /topic 'bad topic' may only contain/],
    [{ to: 'latest', partitions: [0] }, /'partitions' needs a 'topic'/],
    [{ to: 'latest', topic: 'orders', partitions: [] }, /non-empty list/],
    [{ to: 'latest', topic: 'orders', partitions: [0, 0] }, /lists a partition twice/],
    [{ to: 'latest', topic: 'orders', partitions: [1.5] }, /partitions\[0\] must be a whole number/],
  ];
  for (const [body, message] of cases) {
    const res = await call('POST', path, body);
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.match(res.error!, message, JSON.stringify(body));
    assert.deepEqual(res.calls, [], 'nothing reached the cluster');
  }
  assert.equal((await call('GET', path)).status, 405);
  const good = await call('POST', path, { to: 'timestamp', timestamp: '1700000000000', topic: 'orders', partitions: [1, 0] });
  assert.equal(good.status, 200);
  assert.deepEqual(good.calls, ['resetGroupOffsets {"groupId":"billing","topic":"orders","partitions":[1,0],"to":{"kind":"timestamp","timestampMs":1700000000000}}']);
});
