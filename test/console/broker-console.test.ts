// The console served by the broker itself: `console.port` / startBroker({consolePort}), and
// `brook start --console-port` in a real process. Same server and API as `brook console`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/broker/index.js';
import { parseStartArgs, UsageError } from '../../src/cli/start-args.js';
import { freePort, removeDir, startChildBroker, tempDir } from '../helpers/broker.js';

test('--console-port is parsed, validated, and absent by default', () => {
  assert.equal(parseStartArgs(['--console-port', '9021']).consolePort, 9021);
  assert.equal(parseStartArgs([]).consolePort, null);
  assert.throws(() => parseStartArgs(['--console-port', '70000']), (err: unknown) => err instanceof UsageError && /port number/.test(err.message));
});

test('the console is off by default, and on with console.port; it closes with the broker', async () => {
  const offDir = tempDir();
  const off = await startBroker({ host: '127.0.0.1', port: 0, storage: 'memory', dataDir: offDir, logLevel: 'silent' });
  assert.equal(off.consoleUrl, null);
  await off.stop();
  removeDir(offDir);

  const dataDir = tempDir();
  const broker = await startBroker({ host: '127.0.0.1', port: 0, storage: 'memory', dataDir, logLevel: 'silent', config: { 'console.port': '0' } });
  const url = broker.consoleUrl;
  try {
    assert.ok(url, 'console.port=0 picks a free port');
    await broker.broker.topics.getOrCreate('served', 3);
    const overview = (await (await fetch(`${url}/api/overview`)).json()) as { brokers: { port: number }[]; topicCount: number };
    assert.deepEqual(overview.brokers.map((b) => b.port), [broker.port], 'the console talks to this broker');
    const topics = (await (await fetch(`${url}/api/topics?search=serv`)).json()) as { name: string; partitions: number }[];
    assert.deepEqual(topics.map((t) => [t.name, t.partitions]), [['served', 3]]);
    const bad = await fetch(`${url}/api/groups/g/offsets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"to":"soon"}' });
    assert.equal(bad.status, 400);
  } finally {
    await broker.stop();
    removeDir(dataDir);
  }
  await assert.rejects(fetch(`${url}/api/overview`), 'the console stops with the broker');
});

test('brook start --console-port serves the console pages and API from the broker process', async () => {
  const dataDir = tempDir();
  const [port, consolePort] = [await freePort(), await freePort()];
  const broker = await startChildBroker(dataDir, port, ['--console-port', String(consolePort), '--storage', 'memory']);
  try {
    const url = `http://127.0.0.1:${consolePort}`;
    const page = await fetch(`${url}/`);
    // 200 with the built pages, 503 with a hint when `npm run build` has not built them.
    assert.ok(page.status === 200 || page.status === 503, `GET / answered ${page.status}`);
    const overview = (await (await fetch(`${url}/api/overview`)).json()) as { brokers: { port: number }[] };
    assert.deepEqual(overview.brokers.map((b) => b.port), [port]);
    assert.match(broker.output(), /"msg":"console on http:\/\/127\.0\.0\.1:\d+"/);
  } finally {
    broker.child.kill('SIGTERM');
    const exit = await broker.exited;
    assert.equal(exit.code, 0, broker.output());
    removeDir(dataDir);
  }
});
