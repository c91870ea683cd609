// The metrics HTTP endpoint on its own: routes, readiness, bad methods and paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry, Counter } from 'prom-client';
import { startMetricsServer } from '../../src/metrics/http-server.js';

test('/metrics, /health, /ready, and clear answers for anything else', async () => {
  const registry = new Registry();
  new Counter({ name: 'demo_total', help: 'demo', registers: [registry] }).inc(4);
  let ready = false;
  const server = await startMetricsServer({ registry, port: 0, host: '127.0.0.1', ready: () => ready });
  try {
    const metrics = await fetch(`${server.url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/);
    assert.match(await metrics.text(), /^demo_total 4$/m);
    assert.equal((await fetch(`${server.url}/health`)).status, 200);
    assert.equal((await fetch(`${server.url}/ready`)).status, 503);
    ready = true;
    assert.equal((await fetch(`${server.url}/ready`)).status, 200);
    const missing = await fetch(`${server.url}/nope`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /try \/metrics/);
    const post = await fetch(`${server.url}/metrics`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
  } finally {
    await server.close();
  }
});
