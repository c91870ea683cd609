/**
 * A real transactional producer (librdkafka via confluent-kafka) across a broker kill -9 in the
 * middle of its transaction: after the restart the open transaction still holds the LSO, the
 * producer carries on (its sequences continue against the rebuilt producer state) and commits,
 * and read_committed consumers see every record exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort, removeDir, startChildBroker, tempDir, type ChildBroker } from '../helpers/broker.js';
import { kcat } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';
import { createTopic } from './wire.js';

const DEBIAN_PYTHON = '/usr/bin/python3';
const hasConfluentKafka = existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0;

const SCRIPT = `
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'transactional.id': 'restart-tx', 'linger.ms': 1,
              'reconnect.backoff.ms': 50, 'reconnect.backoff.max.ms': 200, 'message.timeout.ms': 30000})
p.init_transactions(20)
p.begin_transaction()
for i in range(20):
    p.produce('restart-txn', value=('a%d' % i).encode())
p.flush(20)
print('ready', flush=True)
sys.stdin.readline()
for i in range(20):
    p.produce('restart-txn', value=('b%d' % i).encode())
p.commit_transaction(30)
print('committed', flush=True)
`;

async function consume(bootstrap: string, isolation: string): Promise<string[]> {
  const out = await kcat(['-b', bootstrap, '-C', '-t', 'restart-txn', '-o', 'beginning', '-e', '-q', '-f', '%s\n', '-X', `isolation.level=${isolation}`]);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout.split('\n').filter((l) => l.length > 0);
}

test('librdkafka transaction across a broker kill -9: held by the LSO after the restart, then committed exactly once', { skip: !hasConfluentKafka && 'python3-confluent-kafka is not installed' }, async () => {
  const dataDir = tempDir();
  const port = await freePort();
  let broker: ChildBroker | null = null;
  let producer: ChildProcess | null = null;
  try {
    broker = await startChildBroker(dataDir, port);
    const client = await RawClient.connect(port);
    assert.equal(await createTopic(client, 'restart-txn'), 0);
    client.close();

    const proc = spawn(DEBIAN_PYTHON, ['-c', SCRIPT, broker.bootstrapServers], { stdio: ['pipe', 'pipe', 'pipe'] });
    producer = proc;
    let output = '';
    let onOutput: () => void = () => undefined;
    proc.stdout.on('data', (c: Buffer) => ((output += c.toString()), onOutput()));
    proc.stderr.on('data', (c: Buffer) => ((output += c.toString()), onOutput()));
    const exited = new Promise<number | null>((resolve) => proc.on('close', resolve));
    const printed = (line: string) =>
      Promise.race([
        new Promise<void>((resolve) => {
          onOutput = () => output.includes(line) && resolve();
          onOutput();
        }),
        exited.then((code) => assert.fail(`producer exited (${code}) before "${line}":\n${output}`)),
      ]);
    await printed('ready');

    broker.child.kill('SIGKILL');
    await broker.exited;
    broker = await startChildBroker(dataDir, port);
    assert.deepEqual(await consume(broker.bootstrapServers, 'read_committed'), [], 'the open transaction holds the LSO after the restart');
    assert.equal((await consume(broker.bootstrapServers, 'read_uncommitted')).length, 20);

    proc.stdin.write('go\n');
    await printed('committed');
    assert.equal(await exited, 0, output);
    const expected = [...Array.from({ length: 20 }, (_, i) => `a${i}`), ...Array.from({ length: 20 }, (_, i) => `b${i}`)];
    assert.deepEqual(await consume(broker.bootstrapServers, 'read_committed'), expected);
  } finally {
    producer?.kill('SIGKILL');
    if (broker) {
      broker.child.kill('SIGKILL');
      await broker.exited;
    }
    removeDir(dataDir);
  }
});
