/** `brook cluster`: etcd plus two brokers from one command; Metadata lists both; SIGTERM stops all with exit 0. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cliPath, freePortRun, removeDir, tempDir } from '../helpers/broker.js';
import { etcdMissing } from '../helpers/etcd.js';
import { RawClient } from '../helpers/raw-client.js';

test('brook cluster runs etcd and the brokers, and stops them all on SIGTERM', { skip: etcdMissing, timeout: 60_000 }, async () => {
  const dataDir = tempDir('brook-cluster-cmd-');
  // Broker 2 listens on basePort + 1 and etcd's peer port is etcdPort + 1: both must be free too.
  const basePort = await freePortRun(4);
  const etcdPort = basePort + 2;
  const child = spawn(process.execPath, [cliPath, 'cluster', '--brokers', '2', '--base-port', String(basePort), '--etcd-port', String(etcdPort), '--data-dir', dataDir, '--set', 'broker.session.timeout.ms=2000'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const deadline = Date.now() + 40_000;
    let brokers: number[] = [];
    while (brokers.length < 2) {
      assert.ok(Date.now() < deadline, `cluster did not come up:\n${output}`);
      assert.equal(child.exitCode, null, output);
      try {
        const client = await RawClient.connect(basePort + 1);
        const md = await client.request(3, 12, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
        client.close();
        brokers = md.brokers.map((b: any) => b.nodeId).sort();
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 300));
    }
    assert.deepEqual(brokers, [1, 2]);
    assert.match(output, /bootstrap servers 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+/);
    assert.match(output, /\[broker-2\]/);
  } finally {
    child.kill('SIGTERM');
    const code = await exited;
    removeDir(dataDir);
    assert.equal(code, 0, output);
  }
});
