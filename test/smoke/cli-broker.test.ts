/** Smoke test (also run under Node 24 in CI): the CLI starts a broker kcat can use, SIGTERM stops it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startChildBroker, freePort, tempDir, removeDir } from '../helpers/broker.js';
import { kcat } from '../helpers/kcat.js';

test('brook start serves produce and consume, then stops on SIGTERM', async () => {
  const dataDir = tempDir();
  try {
    const broker = await startChildBroker(dataDir, await freePort());
    const produced = await kcat(['-b', broker.bootstrapServers, '-P', '-t', 'smoke'], 'one\ntwo\nthree\n');
    assert.equal(produced.code, 0, produced.stderr);
    const out = await kcat(['-b', broker.bootstrapServers, '-C', '-t', 'smoke', '-o', 'beginning', '-e', '-q']);
    assert.deepEqual(out.stdout.trim().split('\n'), ['one', 'two', 'three']);
    const startedAt = Date.now();
    broker.child.kill('SIGTERM');
    const exit = await broker.exited;
    assert.equal(exit.code, 0);
    assert.ok(Date.now() - startedAt < 2000, 'stops within a second or so');
  } finally {
    removeDir(dataDir);
  }
});
