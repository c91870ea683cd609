// `brook console` as a real process: flags, startup line, API answering, clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliPath, freePort, startTestBroker, removeDir } from '../helpers/broker.js';

function runCli(args: string[]) {
  const child = spawn(process.execPath, [cliPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

test('brook console rejects a bad --bootstrap-server with exit code 2', async () => {
  const run = runCli(['console', '--bootstrap-server', 'no-port-here']);
  assert.equal(await run.exited, 2);
  assert.match(run.output(), /brook: option '--bootstrap-server <servers>' argument 'no-port-here' is invalid\. Expected host:port, got 'no-port-here'\./);
  const missing = runCli(['console']);
  assert.equal(await missing.exited, 2);
  assert.match(missing.output(), /required option '--bootstrap-server <servers>' not specified/);
});

test('brook console serves the API for a cluster and stops on SIGTERM', async () => {
  const broker = await startTestBroker({ storage: 'memory' });
  const port = await freePort();
  const run = runCli(['console', '--bootstrap-server', broker.bootstrapServers, '--port', String(port)]);
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => {
        if (/console listening/.test(run.output())) {
          clearInterval(timer);
          resolve();
        }
      }, 20);
      run.exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`console exited (${code}): ${run.output()}`));
      });
    });
    const res = await fetch(`http://127.0.0.1:${port}/api/overview`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { brokers: unknown[] }).brokers.length, 1);
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    assert.match(run.output(), /"msg":"console stopped"/);
  } finally {
    run.child.kill('SIGKILL');
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
