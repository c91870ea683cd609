/**
 * Real idempotent producers (librdkafka via kcat and confluent-kafka, kafkajs) through a proxy
 * that loses Produce responses: every retried batch was already appended, and the log must still
 * hold each message exactly once.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { Kafka, logLevel } from 'kafkajs';
import { startTestBroker, type TestBroker } from '../helpers/broker.js';
import { kcat } from '../helpers/kcat.js';
import { startDropProxy } from './drop-proxy.js';

const DEBIAN_PYTHON = '/usr/bin/python3';
const hasConfluentKafka = existsSync(DEBIAN_PYTHON) && spawnSync(DEBIAN_PYTHON, ['-c', 'import confluent_kafka'], { stdio: 'ignore' }).status === 0;

/** A broker behind a proxy that drops the answer to every `every`-th Produce, at most `max` times. */
async function brokerBehindProxy(every: number, max: number) {
  let produces = 0;
  const proxy = await startDropProxy(() => ++produces % every === 0 && produces / every <= max);
  const broker: TestBroker = await startTestBroker({ storage: 'memory', config: { 'advertised.listeners': `PLAINTEXT://127.0.0.1:${proxy.port}` } });
  proxy.setTarget(broker.port);
  return {
    proxy,
    broker,
    bootstrap: `127.0.0.1:${proxy.port}`,
    direct: broker.bootstrapServers.replace(/:\d+$/, `:${broker.port}`),
    async close() {
      await proxy.close();
      await broker.stop();
    },
  };
}

async function consumeValues(bootstrap: string, topic: string): Promise<string[]> {
  const out = await kcat(['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%s\n']);
  assert.equal(out.code, 0, out.stderr);
  return out.stdout.split('\n').filter((l) => l.length > 0);
}

function assertExactlyOnce(values: string[], expected: string[]): void {
  const seen = new Set(values);
  assert.equal(values.length - seen.size, 0, `${values.length - seen.size} duplicates`);
  assert.deepEqual(expected.filter((v) => !seen.has(v)), [], 'lost messages');
  assert.equal(values.length, expected.length);
}

test('kcat (librdkafka) with enable.idempotence=true: lost responses cause no duplicates', async () => {
  const env = await brokerBehindProxy(4, 3);
  try {
    const expected = Array.from({ length: 600 }, (_, i) => `m${i}`);
    // Bootstrap straight to the broker: kcat gives up when all known brokers are down, and the
    // bootstrap connection stays up while the proxied one (the leader) is dropped.
    const produced = await kcat(
      ['-b', env.direct, '-P', '-t', 'idem-kcat', '-X', 'enable.idempotence=true', '-X', 'batch.num.messages=20', '-X', 'linger.ms=1', '-X', 'retry.backoff.ms=10'],
      expected.join('\n') + '\n',
    );
    assert.equal(produced.code, 0, produced.stderr);
    assert.ok(env.proxy.dropped > 0, 'the proxy dropped some responses');
    assertExactlyOnce(await consumeValues(env.bootstrap, 'idem-kcat'), expected);
  } finally {
    await env.close();
  }
});

test('kafkajs idempotent producer: lost responses cause no duplicates', async () => {
  const env = await brokerBehindProxy(3, 3);
  const kafka = new Kafka({ clientId: 'idem', brokers: [env.bootstrap], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 20, retries: 8 } });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await producer.connect();
    const expected: string[] = [];
    for (let i = 0; i < 30; i++) {
      const batch = [`k${i}a`, `k${i}b`];
      expected.push(...batch);
      await producer.send({ topic: 'idem-kafkajs', messages: batch.map((value) => ({ value })) });
    }
    assert.ok(env.proxy.dropped > 0, 'the proxy dropped some responses');
    assertExactlyOnce(await consumeValues(env.bootstrap, 'idem-kafkajs'), expected);
  } finally {
    await producer.disconnect().catch(() => undefined);
    await env.close();
  }
});

test('confluent-kafka (python, librdkafka) idempotent producer: lost responses cause no duplicates', { skip: !hasConfluentKafka && 'python3-confluent-kafka is not installed' }, async () => {
  const env = await brokerBehindProxy(5, 3);
  try {
    const script = `
import sys
from confluent_kafka import Producer
p = Producer({'bootstrap.servers': sys.argv[1], 'enable.idempotence': True, 'linger.ms': 1, 'batch.num.messages': 25, 'retry.backoff.ms': 10})
errors = []
for i in range(500):
    p.produce('idem-python', value=('p%d' % i).encode(), on_delivery=lambda err, msg: err and errors.append(str(err)))
    p.poll(0)
left = p.flush(30)
print('errors', len(errors), errors[:3], 'left', left)
sys.exit(1 if errors or left else 0)
`;
    // Asynchronously: the broker and the proxy run in this process.
    const run = await runProcess(DEBIAN_PYTHON, ['-c', script, env.bootstrap]);
    assert.equal(run.code, 0, run.output);
    assert.ok(env.proxy.dropped > 0, 'the proxy dropped some responses');
    assertExactlyOnce(await consumeValues(env.bootstrap, 'idem-python'), Array.from({ length: 500 }, (_, i) => `p${i}`));
  } finally {
    await env.close();
  }
});

function runProcess(command: string, args: string[], timeoutMs = 60_000): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
