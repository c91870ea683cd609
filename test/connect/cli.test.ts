/** `brook connect standalone ...` as a process: starts from property files, serves REST, stops on SIGTERM. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runConnect } from '../../src/cli/connect-command.js';
import { cliPath, removeDir, startTestBroker, tempDir } from '../helpers/broker.js';
import { lines, waitFor } from './helpers.js';

const sink = () => {
  let text = '';
  return { write: (s: string) => void (text += s), text: () => text };
};
const noSignals = { once: () => {} };

test('bad command lines exit 2 with a message', async () => {
  for (const argv of [[], ['distributed'], ['distributed', 'w.properties', 'c.properties'], ['standalone'], ['bogus']]) {
    const err = sink();
    assert.equal(await runConnect(argv, { stdout: sink(), stderr: err, signals: noSignals }), 2, argv.join(' '));
  }
  const err = sink();
  assert.equal(await runConnect(['standalone', '/nonexistent/worker.properties'], { stdout: sink(), stderr: err, signals: noSignals }), 2);
  assert.match(err.text(), /worker\.properties/);
});

test('a bad connector file exits 2 naming the field', async () => {
  const dir = tempDir('brook-connect-cli-');
  try {
    writeFileSync(join(dir, 'worker.properties'), `bootstrap.servers=127.0.0.1:1\noffset.storage.file.filename=${join(dir, 'o')}\nlisteners=http://127.0.0.1:0\n`);
    writeFileSync(join(dir, 'bad.properties'), 'name=bad\nconnector.class=FileStreamSource\n');
    const err = sink();
    assert.equal(await runConnect(['standalone', join(dir, 'worker.properties'), join(dir, 'bad.properties')], { stdout: sink(), stderr: err, signals: noSignals }), 2);
    assert.match(err.text(), /"topic"/);
  } finally {
    removeDir(dir);
  }
});

test('brook connect standalone runs connectors from files and stops cleanly on SIGTERM', async () => {
  const broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
  const dir = tempDir('brook-connect-cli-');
  try {
    const input = join(dir, 'in.txt');
    const output = join(dir, 'out.txt');
    writeFileSync(input, 'x\ny\n');
    writeFileSync(join(dir, 'worker.properties'), [`bootstrap.servers=${broker.bootstrapServers}`, `offset.storage.file.filename=${join(dir, 'offsets')}`, 'listeners=http://127.0.0.1:0', 'key.converter=org.apache.kafka.connect.storage.StringConverter', 'value.converter=org.apache.kafka.connect.storage.StringConverter', ''].join('\n'));
    writeFileSync(join(dir, 'source.properties'), `name=src\nconnector.class=FileStreamSource\nfile=${input}\ntopic=cli-lines\n`);
    writeFileSync(join(dir, 'sink.json'), JSON.stringify({ name: 'snk', config: { 'connector.class': 'FileStreamSink', file: output, topics: 'cli-lines' } }));
    const child = spawn(process.execPath, [cliPath, 'connect', 'standalone', join(dir, 'worker.properties'), join(dir, 'source.properties'), join(dir, 'sink.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (c) => (log += c));
    child.stderr.on('data', (c) => (log += c));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    await waitFor('the worker to start', () => /standalone worker started/.test(log));
    const url = /"url":"([^"]+)"/.exec(log)![1]!;
    assert.deepEqual(await fetch(`${url}/connectors`).then((r) => r.json()), ['snk', 'src']);
    await waitFor('lines through the pipeline', () => lines(output).length === 2);
    child.kill('SIGTERM');
    assert.equal(await exited, 0, log);
  } finally {
    await broker.stop();
    removeDir(broker.dataDir);
    removeDir(dir);
  }
});
