/**
 * Distributed mode with two workers in one group: connectors created through either worker's REST
 * API (changes are forwarded to the leader), work split between both, and when one worker leaves
 * its tasks resume on the other without losing records (at-least-once).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '../../src/client/index.js';
import { startDistributed, type RunningDistributed } from '../../src/connect/distributed.js';
import { cliPath, startTestBroker, tempDir, removeDir, type TestBroker } from '../helpers/broker.js';
import { call, lines, silent, waitFor } from './helpers.js';

let broker: TestBroker;
let dir: string;

before(async () => {
  // Short session timeouts so a killed worker is noticed quickly.
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' } });
  dir = tempDir('brook-connect-dist-');
  writeFileSync(join(dir, 'idle.mjs'), IDLE_PLUGIN);
});

after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
  removeDir(dir);
});

const spiUrl = new URL('../../src/connect/index.js', import.meta.url).href;

/** A source whose tasks produce nothing and count their starts (same module instance in-process). */
const IDLE_PLUGIN = `
import { SourceConnector, SourceTask, ConfigDef } from '${spiUrl}';
export class IdleTask extends SourceTask {
  start(props) { globalThis.idleTaskStarts = (globalThis.idleTaskStarts ?? 0) + 1; }
  async poll() { await new Promise((r) => setTimeout(r, 50)); return null; }
  stop() {}
}
export class IdleSourceConnector extends SourceConnector {
  config() { return new ConfigDef(); }
  start(props) { this.props = props; }
  taskClass() { return IdleTask; }
  taskConfigs(max) { return Array.from({ length: max }, (_, i) => ({ ...this.props, n: String(i) })); }
  stop() {}
}
`;

function worker(): Promise<RunningDistributed> {
  return startDistributed({
    workerConfig: {
      'bootstrap.servers': broker.bootstrapServers,
      'group.id': 'connect-cluster',
      'config.storage.topic': 'connect-configs',
      'offset.storage.topic': 'connect-offsets',
      'offset.storage.partitions': '3',
      'status.storage.topic': 'connect-status',
      'offset.flush.interval.ms': '100',
      'heartbeat.interval.ms': '200',
      'session.timeout.ms': '6000',
      'scheduled.rebalance.max.delay.ms': '300',
      'plugin.path': dir,
      listeners: 'http://127.0.0.1:0',
      'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
      'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    },
    logger: silent,
    pollTimeoutMs: 100,
  });
}

async function workersOf(url: string, names: string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const n of names) {
    const s = (await call(url, 'GET', `/connectors/${n}/status`)).body;
    if (s.connector.state !== 'RUNNING' || s.tasks.some((t: any) => t.state !== 'RUNNING') || s.tasks.length === 0) return new Set();
    ids.add(s.connector.worker_id);
    for (const t of s.tasks) ids.add(t.worker_id);
  }
  return ids;
}

test('two workers share connectors; when one leaves, the other takes over without loss', async () => {
  const admin = new Admin({ bootstrapServers: broker.bootstrapServers });
  await admin.createTopics({ topics: [{ topic: 'dist-lines', numPartitions: 2 }] });
  await admin.close();
  const a = await worker();
  const b = await worker();
  try {
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    const first = Array.from({ length: 30 }, (_, i) => `first-${i}`);
    writeFileSync(input, first.join('\n') + '\n');
    const src = await callRetrying(b.url, 'POST', '/connectors', { name: 'src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'dist-lines' } });
    assert.equal(src.status, 201, JSON.stringify(src.body));
    const snk = await callRetrying(a.url, 'PUT', '/connectors/snk/config', { 'connector.class': 'FileStreamSink', file: output, topics: 'dist-lines', 'tasks.max': '2' });
    assert.equal(snk.status, 201, JSON.stringify(snk.body));
    assert.equal((await callRetrying(b.url, 'POST', '/connectors', { name: 'bad', config: { 'connector.class': 'FileStreamSink' } })).status, 400);

    await waitFor('the first lines', () => lines(output).length >= first.length);
    // KIP-558 entries live in the status topic, so either worker answers for both connectors.
    await waitFor('topic tracking on both workers', async () => {
      const src = (await call(b.url, 'GET', '/connectors/src/topics')).body;
      const snk = (await call(a.url, 'GET', '/connectors/snk/topics')).body;
      return JSON.stringify([src, snk]) === JSON.stringify([{ src: { topics: ['dist-lines'] } }, { snk: { topics: ['dist-lines'] } }]);
    });
    await waitFor('both workers running something', async () => (await workersOf(a.url, ['src', 'snk'])).size === 2);
    assert.deepEqual((await call(b.url, 'GET', '/connectors')).body, ['snk', 'src']);
    assert.equal((await call(b.url, 'GET', '/connectors/snk/tasks')).body.length, 2);

    await b.stop();
    const more = Array.from({ length: 30 }, (_, i) => `more-${i}`);
    appendFileSync(input, more.join('\n') + '\n');
    await waitFor('every line after the worker left', () => new Set(lines(output)).size === first.length + more.length);
    assert.deepEqual([...new Set(lines(output))].sort(), [...first, ...more].sort());
    await waitFor('everything on the remaining worker', async () => {
      const ids = await workersOf(a.url, ['src', 'snk']);
      return ids.size === 1 && ids.has(a.url.replace('http://', ''));
    });
    const offsets = (await call(a.url, 'GET', '/connectors/src/offsets')).body.offsets;
    assert.equal(offsets[0].partition.filename, input);

    assert.equal((await call(a.url, 'PUT', '/connectors/src/pause')).status, 202);
    await waitFor('paused', async () => (await call(a.url, 'GET', '/connectors/src/status')).body.tasks[0]?.state === 'PAUSED');
    assert.equal((await call(a.url, 'DELETE', '/connectors/src')).status, 204);
    assert.equal((await call(a.url, 'GET', '/connectors/src/status')).status, 404);
  } finally {
    await b.stop().catch(() => {});
    await a.stop();
  }
});

test('a joining worker takes a share without restarting the tasks that stay (KIP-415)', async () => {
  const a = await worker();
  const b = await worker();
  const c = { stop: async () => {} } as Pick<RunningDistributed, 'stop'> & Partial<RunningDistributed>;
  const g = globalThis as { idleTaskStarts?: number };
  try {
    g.idleTaskStarts = 0;
    assert.equal((await callRetrying(a.url, 'PUT', '/connectors/idle/config', { 'connector.class': 'IdleSourceConnector', 'tasks.max': '4' })).status, 201);
    const taskWorkers = async (url: string) => {
      const s = (await call(url, 'GET', '/connectors/idle/status')).body;
      return s.tasks.length === 4 && s.tasks.every((t: any) => t.state === 'RUNNING') ? s.tasks.map((t: any) => t.worker_id as string) : [];
    };
    await waitFor('four idle tasks running', async () => new Set(await taskWorkers(a.url)).size === 2);
    assert.equal(g.idleTaskStarts, 4);
    const before = await taskWorkers(a.url);

    Object.assign(c, await worker());
    const cId = c.url!.replace('http://', '');
    await waitFor('the new worker running a task', async () => (await taskWorkers(a.url)).includes(cId));
    const afterJoin = await taskWorkers(a.url);
    const moved = afterJoin.filter((w: string, i: number) => w !== before[i]).length;
    assert.equal(moved, 1, `one task moves to the newcomer: ${JSON.stringify({ before, afterJoin })}`);
    assert.equal(g.idleTaskStarts, 4 + moved, 'only moved tasks were restarted (eager rebalancing restarts all four)');

    // A leaving worker's task waits scheduled.rebalance.max.delay.ms, then runs elsewhere.
    await c.stop();
    await waitFor('the departed worker task running elsewhere', async () => {
      const ws = await taskWorkers(a.url);
      return ws.length === 4 && !ws.includes(cId);
    });
    assert.equal(g.idleTaskStarts, 4 + moved + 1);
    assert.equal((await call(a.url, 'DELETE', '/connectors/idle')).status, 204);
  } finally {
    await c.stop().catch(() => {});
    await b.stop();
    await a.stop();
  }
});

/** As a REST client would: 409 (a rebalance is underway) is retried. */
async function callRetrying(url: string, method: string, path: string, body?: unknown) {
  let res = await call(url, method, path, body);
  for (let i = 0; i < 200 && res.status === 409 && /rebalance/.test(res.body.message); i++) {
    await new Promise((r) => setTimeout(r, 50));
    res = await call(url, method, path, body);
  }
  return res;
}

/** `brook connect distributed` as a child process; resolves with its REST URL once started. */
async function childWorker(configFile: string) {
  const child = spawn(process.execPath, [cliPath, 'connect', 'distributed', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (c) => (log += c));
  child.stderr.on('data', (c) => (log += c));
  await waitFor('a worker to start', () => /distributed worker started/.test(log) || child.exitCode !== null);
  const url = /"url":"([^"]+)"/.exec(log)?.[1];
  if (!url) throw new Error(`worker did not start:\n${log}`);
  return { child, url, log: () => log };
}

test('a worker killed mid-stream: its tasks resume on the other one (at-least-once, nothing lost)', async () => {
  const configFile = join(dir, 'worker-kill.properties');
  writeFileSync(
    configFile,
    [
      `bootstrap.servers=${broker.bootstrapServers}`,
      'group.id=connect-kill',
      'config.storage.topic=kill-configs',
      'offset.storage.topic=kill-offsets',
      'offset.storage.partitions=2',
      'status.storage.topic=kill-status',
      'offset.flush.interval.ms=100',
      'session.timeout.ms=2000',
      'heartbeat.interval.ms=300',
      'scheduled.rebalance.max.delay.ms=500',
      'consumer.session.timeout.ms=2000',
      'consumer.heartbeat.interval.ms=300',
      'listeners=http://127.0.0.1:0',
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      '',
    ].join('\n'),
  );
  const a = await childWorker(configFile);
  const b = await childWorker(configFile);
  try {
    const input = join(dir, 'kill-in.txt');
    const output = join(dir, 'kill-out.txt');
    const first = Array.from({ length: 200 }, (_, i) => `k-${i}`);
    writeFileSync(input, first.join('\n') + '\n');
    assert.equal((await callRetrying(a.url, 'POST', '/connectors', { name: 'ksrc', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'kill-lines', 'batch.size': '10' } })).status, 201);
    assert.equal((await callRetrying(b.url, 'POST', '/connectors', { name: 'ksnk', config: { 'connector.class': 'FileStreamSink', file: output, topics: 'kill-lines', 'tasks.max': '2' } })).status, 201);
    await waitFor('both workers running something', async () => (await workersOf(a.url, ['ksrc', 'ksnk'])).size === 2);
    await waitFor('some lines through', () => lines(output).length > 0);
    b.child.kill('SIGKILL');
    const more = Array.from({ length: 100 }, (_, i) => `after-kill-${i}`);
    appendFileSync(input, more.join('\n') + '\n');
    await waitFor('every line after the kill', () => new Set(lines(output)).size === first.length + more.length, 30_000);
    assert.deepEqual([...new Set(lines(output))].sort(), [...first, ...more].sort());
    // The worker group notices the dead member after its session timeout and moves its work.
    await waitFor('everything on the surviving worker', async () => {
      const ids = await workersOf(a.url, ['ksrc', 'ksnk']);
      return ids.size === 1 && ids.has(a.url.replace('http://', ''));
    });
    const more2 = Array.from({ length: 50 }, (_, i) => `after-takeover-${i}`);
    appendFileSync(input, more2.join('\n') + '\n');
    await waitFor('lines after the takeover', () => new Set(lines(output)).size === first.length + more.length + more2.length);
  } finally {
    b.child.kill('SIGKILL');
    a.child.kill('SIGTERM');
    await new Promise((r) => (a.child.exitCode !== null ? r(null) : a.child.once('exit', r)));
  }
});
