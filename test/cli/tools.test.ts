/** The client tools driven as a user would: the compiled `brook` executable against an in-process broker. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBroker, type RunningBroker } from '../../src/broker/index.js';
import { freePort } from '../helpers/broker.js';
import { Consumer } from '../../src/client/consumer.js';
import { Producer } from '../../src/client/producer.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
let broker: RunningBroker;
let bs: string;

function brook(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
    child.stdin.end(input);
  });
}

before(async () => {
  broker = await startBroker({ port: 0, storage: 'memory', config: { 'group.initial.rebalance.delay.ms': '0' } });
  bs = broker.bootstrapServers;
});

after(async () => {
  await broker.stop();
});

test('topics create, list, describe, alter and delete', async () => {
  let r = await brook(['topics', 'create', '--bootstrap-server', bs, '--topic', 'cli-t', '--partitions', '3', '--replication-factor', '1', '--config', 'retention.ms=60000']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'Created topic cli-t.\n');
  r = await brook(['topics', 'create', '--bootstrap-server', bs, '--topic', 'cli-t', '--partitions', '3']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^brook: .*cli-t.*TOPIC_ALREADY_EXISTS\)\n$/);
  assert.equal((await brook(['topics', 'create', '--bootstrap-server', bs, '--topic', 'cli-t', '--if-not-exists'])).code, 0);
  r = await brook(['topics', 'list', '--bootstrap-server', bs]);
  assert.ok(r.stdout.split('\n').includes('cli-t'));
  r = await brook(['topics', 'describe', '--bootstrap-server', bs, '--topic', 'cli-t']);
  assert.match(r.stdout, /^Topic: cli-t\tTopicId: \S+\tPartitionCount: 3\tReplicationFactor: 1\tConfigs: retention\.ms=60000\n/);
  assert.equal(r.stdout.trim().split('\n').length, 4);
  assert.match(r.stdout, /\tTopic: cli-t\tPartition: 2\tLeader: \d+\tReplicas: \d+\tIsr: \d+/);
  r = await brook(['topics', 'alter', '--bootstrap-server', bs, '--topic', 'cli-t', '--partitions', '5']);
  assert.equal(r.code, 0, r.stderr);
  r = await brook(['topics', 'describe', '--bootstrap-server', bs, '--topic', 'cli-t', '--output', 'json']);
  assert.equal(JSON.parse(r.stdout)[0].partitions.length, 5);
  assert.equal((await brook(['topics', 'delete', '--bootstrap-server', bs, '--topic', 'cli-t'])).code, 0);
  assert.ok(!(await brook(['topics', 'list', '--bootstrap-server', bs])).stdout.includes('cli-t'));
  assert.equal((await brook(['topics', 'delete', '--bootstrap-server', bs, '--topic', 'cli-t', '--if-exists'])).code, 0);
});

test('produce stdin lines with keys and headers; consume prints values one per line, or JSON lines', async () => {
  await brook(['topics', 'create', '--bootstrap-server', bs, '--topic', 'cli-p', '--partitions', '1']);
  const input = 'h1:a,h2:b\tk1:one\n\tk2:two\n\tk3:three\n';
  let r = await brook(['produce', '--bootstrap-server', bs, '--topic', 'cli-p', '--property', 'parse.key=true', '--property', 'key.separator=:', '--property', 'parse.headers=true', '--acks', '1'], input);
  assert.equal(r.code, 0, r.stderr);
  r = await brook(['consume', '--bootstrap-server', bs, '--topic', 'cli-p', '--from-beginning', '--max-messages', '3']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'one\ntwo\nthree\n');
  assert.match(r.stderr, /Processed a total of 3 messages/);
  r = await brook(['consume', '--bootstrap-server', bs, '--topic', 'cli-p', '--from-beginning', '--max-messages', '1', '--output', 'json']);
  const rec = JSON.parse(r.stdout.trim());
  assert.deepEqual([rec.topic, rec.partition, rec.offset, rec.key, rec.value, rec.headers], ['cli-p', 0, 0, 'k1', 'one', { h1: 'a', h2: 'b' }]);
  r = await brook(['consume', '--bootstrap-server', bs, '--topic', 'cli-p', '--offset', '1', '--partition', '0', '--max-messages', '2', '--property', 'print.key=true', '--property', 'print.offset=true']);
  assert.equal(r.stdout, 'Offset:1\tk2\ttwo\nOffset:2\tk3\tthree\n');
  // Nothing after the end: --timeout-ms ends the wait.
  r = await brook(['consume', '--bootstrap-server', bs, '--topic', 'cli-p', '--timeout-ms', '300']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
});

test('consume from a timestamp', async () => {
  await brook(['topics', 'create', '--bootstrap-server', bs, '--topic', 'cli-ts', '--partitions', '1']);
  // Explicit record timestamps (the console producer stamps "now"), so no waiting between writes.
  const producer = new Producer({ bootstrapServers: bs });
  await producer.send({ topic: 'cli-ts', messages: [{ value: 'old', timestamp: Date.parse('2024-01-01T00:00:00Z') }, { value: 'new', timestamp: Date.parse('2024-06-01T00:00:00Z') }] });
  await producer.close();
  let r = await brook(['consume', '--bootstrap-server', bs, '--topic', 'cli-ts', '--timestamp', '2024-03-01T00:00:00Z', '--max-messages', '1']);
  assert.equal(r.stdout, 'new\n');
  r = await brook(['consume', '--bootstrap-server', bs, '--topic', 'cli-ts', '--timestamp', String(Date.parse('2023-12-31T00:00:00Z')), '--max-messages', '2']);
  assert.equal(r.stdout, 'old\nnew\n');
});

test('groups: consume with --group, then describe (Kafka columns and JSON), list, reset offsets, delete', async () => {
  await brook(['topics', 'create', '--bootstrap-server', bs, '--topic', 'cli-g', '--partitions', '2']);
  await brook(['produce', '--bootstrap-server', bs, '--topic', 'cli-g', '--property', 'parse.key=true', '--property', 'key.separator=:'], 'a:1\nb:2\nc:3\nd:4\n');
  let r = await brook(['consume', '--bootstrap-server', bs, '--topic', 'cli-g', '--group', 'cli-group', '--from-beginning', '--max-messages', '4']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n').sort(), ['1', '2', '3', '4']);
  r = await brook(['groups', 'list', '--bootstrap-server', bs]);
  assert.ok(r.stdout.split('\n').includes('cli-group'));
  r = await brook(['groups', 'describe', '--bootstrap-server', bs, '--group', 'cli-group']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.deepEqual(lines[0]!.split(/\s+/), ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID']);
  assert.equal(lines.length, 3);
  for (const line of lines.slice(1)) {
    const [group, topic, , current, end, lag] = line.split(/\s+/);
    assert.deepEqual([group, topic, lag], ['cli-group', 'cli-g', '0']);
    assert.equal(current, end);
  }
  await brook(['produce', '--bootstrap-server', bs, '--topic', 'cli-g', '--partition', '0'], 'x\ny\n');
  r = await brook(['groups', 'describe', '--bootstrap-server', bs, '--group', 'cli-group', '--output', 'json']);
  const rows = JSON.parse(r.stdout) as Array<{ partition: number; lag: number }>;
  assert.equal(rows.find((x) => x.partition === 0)!.lag, 2);
  r = await brook(['groups', 'reset-offsets', '--bootstrap-server', bs, '--group', 'cli-group', '--topic', 'cli-g', '--to-earliest']);
  assert.match(r.stdout, /GROUP\s+TOPIC\s+PARTITION\s+NEW-OFFSET\ncli-group\s+cli-g\s+0\s+0\n/);
  r = await brook(['groups', 'describe', '--bootstrap-server', bs, '--group', 'cli-group', '--output', 'json']);
  assert.equal((JSON.parse(r.stdout) as Array<{ lag: number }>).reduce((s, x) => s + x.lag, 0), 2, 'dry run changed nothing');
  r = await brook(['groups', 'reset-offsets', '--bootstrap-server', bs, '--group', 'cli-group', '--topic', 'cli-g', '--to-earliest', '--execute']);
  assert.equal(r.code, 0, r.stderr);
  r = await brook(['groups', 'describe', '--bootstrap-server', bs, '--group', 'cli-group', '--output', 'json']);
  assert.equal((JSON.parse(r.stdout) as Array<{ lag: number }>).reduce((s, x) => s + x.lag, 0), 6);
  r = await brook(['groups', 'delete', '--bootstrap-server', bs, '--group', 'cli-group']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!(await brook(['groups', 'list', '--bootstrap-server', bs])).stdout.includes('cli-group'));
});

test('configs describe and alter', async () => {
  await brook(['topics', 'create', '--bootstrap-server', bs, '--topic', 'cli-c', '--partitions', '1']);
  let r = await brook(['configs', 'alter', '--bootstrap-server', bs, '--entity-type', 'topics', '--entity-name', 'cli-c', '--add-config', 'retention.ms=1234,cleanup.policy=compact']);
  assert.equal(r.code, 0, r.stderr);
  r = await brook(['configs', 'describe', '--bootstrap-server', bs, '--topic', 'cli-c']);
  assert.match(r.stdout, /^Dynamic configs for topic cli-c are:\n/);
  assert.match(r.stdout, /\n {2}retention\.ms=1234 /);
  assert.match(r.stdout, /\n {2}cleanup\.policy=compact /);
  r = await brook(['configs', 'alter', '--bootstrap-server', bs, '--topic', 'cli-c', '--delete-config', 'retention.ms']);
  assert.equal(r.code, 0, r.stderr);
  r = await brook(['configs', 'describe', '--bootstrap-server', bs, '--topic', 'cli-c', '--output', 'json']);
  const names = (JSON.parse(r.stdout) as Array<{ name: string }>).map((c) => c.name);
  assert.ok(names.includes('cleanup.policy') && !names.includes('retention.ms'));
});

test('configs alter and describe broker configs: the cluster default and one broker', async () => {
  const node = String(broker.broker.nodeId);
  let r = await brook(['configs', 'alter', '--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-default', '--add-config', 'log.retention.ms=7200000']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Completed updating default config for brokers in the cluster/);
  r = await brook(['configs', 'alter', '--bootstrap-server', bs, '--broker', node, '--add-config', 'log.cleaner.backoff.ms=5000']);
  assert.equal(r.code, 0, r.stderr);
  r = await brook(['configs', 'describe', '--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-default']);
  assert.equal(r.stdout, 'Dynamic configs for default brokers are:\n  log.retention.ms=7200000 sensitive=false source=DYNAMIC_DEFAULT_BROKER_CONFIG\n');
  r = await brook(['configs', 'describe', '--bootstrap-server', bs, '--broker', node]);
  assert.match(r.stdout, new RegExp(`^Dynamic configs for broker ${node} are:\n`));
  assert.match(r.stdout, /\n {2}log\.cleaner\.backoff\.ms=5000 sensitive=false source=DYNAMIC_BROKER_CONFIG\n/);
  assert.match(r.stdout, /\n {2}log\.retention\.ms=7200000 sensitive=false source=DYNAMIC_DEFAULT_BROKER_CONFIG\n/);
  r = await brook(['configs', 'alter', '--bootstrap-server', bs, '--broker', node, '--add-config', 'num.partitions=3']);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /num\.partitions/);
  r = await brook(['configs', 'alter', '--bootstrap-server', bs, '--entity-type', 'brokers', '--entity-default', '--delete-config', 'log.retention.ms']);
  assert.equal(r.code, 0, r.stderr);
  r = await brook(['configs', 'alter', '--bootstrap-server', bs, '--broker', node, '--delete-config', 'log.cleaner.backoff.ms']);
  assert.equal(r.code, 0, r.stderr);
  r = await brook(['configs', 'describe', '--bootstrap-server', bs, '--broker', node]);
  assert.equal(r.stdout, `Dynamic configs for broker ${node} are:\n`);
});

test('perf produce and consume report throughput and latency percentiles', async () => {
  let r = await brook(['perf', 'produce', '--bootstrap-server', bs, '--topic', 'cli-perf', '--num-records', '2000', '--record-size', '64', '--producer-props', 'acks=1']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^2000 records sent, [\d.]+ records\/sec \([\d.]+ MB\/sec\), [\d.]+ ms avg latency, [\d.]+ ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.\n$/m);
  r = await brook(['perf', 'consume', '--bootstrap-server', bs, '--topic', 'cli-perf', '--messages', '2000']);
  assert.equal(r.code, 0, r.stderr);
  const [header, values] = r.stdout.trim().split('\n');
  assert.match(header!, /^start\.time, end\.time, data\.consumed\.in\.MB, MB\.sec, data\.consumed\.in\.nMsg, nMsg\.sec/);
  assert.equal(values!.split(', ')[4], '2000');
});

test('errors: unreachable broker fails within the timeout; bad flags exit 2; one line, no stack', async () => {
  const port = await freePort();
  let r = await brook(['topics', 'list', '--bootstrap-server', `127.0.0.1:${port}`, '--timeout', '2000']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^brook: could not connect to 127\.0\.0\.1:\d+: ECONNREFUSED\n$/);
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
  // A broker that accepts but never answers: bounded by --timeout.
  const net = await import('node:net');
  const silent = net.createServer(() => {});
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const silentPort = (silent.address() as { port: number }).port;
  r = await brook(['consume', '--bootstrap-server', `127.0.0.1:${silentPort}`, '--topic', 'x', '--timeout', '700']);
  silent.close();
  assert.equal(r.code, 1);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, /^brook: .*(timed out|within 700 ms)/);
  assert.ok(r.ms < 5000, `took ${r.ms} ms`);
  r = await brook(['topics', 'create', '--bootstrap-server', bs]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "brook: required option '--topic <name>' not specified\n");
  r = await brook(['consume', '--bootstrap-server', bs, '--topic', 'x', '--group', 'g', '--offset', '3']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^brook: .*cannot be combined with --group\n$/);
  r = await brook(['topics', 'describe', '--bootstrap-server', bs, '--topic', 'no-such-topic']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^brook: .*no-such-topic.*\n$/);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('groups describe --members and --state show a live member', async () => {
  await brook(['topics', 'create', '--bootstrap-server', bs, '--topic', 'cli-live', '--partitions', '2']);
  const consumer = new Consumer({ bootstrapServers: bs, groupId: 'cli-live', assignors: ['roundrobin'], heartbeatIntervalMs: 100 });
  await consumer.subscribe({ topics: ['cli-live'] });
  try {
    let r = await brook(['groups', 'describe', '--bootstrap-server', bs, '--group', 'cli-live', '--members']);
    assert.equal(r.code, 0, r.stderr);
    const [header, row] = r.stdout.trim().split('\n');
    assert.deepEqual(header!.split(/\s+/), ['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS']);
    const cells = row!.split(/\s+/);
    assert.equal(cells[0], 'cli-live');
    assert.equal(cells[4], '2');
    r = await brook(['groups', 'describe', '--bootstrap-server', bs, '--group', 'cli-live', '--state', '--output', 'json']);
    assert.deepEqual(JSON.parse(r.stdout), [{ group: 'cli-live', assignmentStrategy: 'roundrobin', state: 'Stable', members: 1 }]);
    r = await brook(['groups', 'reset-offsets', '--bootstrap-server', bs, '--group', 'cli-live', '--all-topics', '--to-latest', '--execute']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, "brook: Assignments can only be reset if the group 'cli-live' is inactive, but the current state is Stable.\n");
  } finally {
    await consumer.close();
  }
});
