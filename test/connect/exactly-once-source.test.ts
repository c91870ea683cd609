/**
 * KIP-618 exactly-once sources: a distributed worker with exactly.once.source.support=enabled runs
 * a source whose records and offsets commit in one transaction per poll. The worker is killed with
 * SIGKILL mid-stream and started again: read read_committed, every source record is in the topic
 * exactly once (an at-least-once worker would repeat what it produced after its last offset flush).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Consumer } from '../../src/client/index.js';
import { cliPath, startTestBroker, tempDir, removeDir, type TestBroker } from '../helpers/broker.js';
import { call, waitFor } from './helpers.js';

const spiUrl = new URL('../../src/connect/index.js', import.meta.url).href;
const TOTAL = 400;

/** Numbers 0..limit-1, five per poll, slowly, resuming after the last committed offset. */
const PLUGIN = `
import { SourceConnector, SourceTask, ConfigDef, sourceRecord } from '${spiUrl}';
export class NumbersTask extends SourceTask {
  start(props) {
    this.topic = props.topic;
    this.limit = Number(props.limit);
    const stored = this.context.offsetStorageReader.offset({ source: 'numbers' });
    this.next = stored ? stored.n + 1 : 0;
  }
  async poll() {
    await new Promise((r) => setTimeout(r, 10));
    const out = [];
    for (let i = 0; i < 5 && this.next < this.limit; i++, this.next++) {
      out.push(sourceRecord({ topic: this.topic, value: String(this.next), sourcePartition: { source: 'numbers' }, sourceOffset: { n: this.next } }));
    }
    return out.length > 0 ? out : null;
  }
  stop() {}
}
export class NumbersSourceConnector extends SourceConnector {
  config() { return new ConfigDef().define({ name: 'topic', type: 'string' }).define({ name: 'limit', type: 'int' }); }
  start(props) { this.props = props; }
  taskClass() { return NumbersTask; }
  taskConfigs() { return [{ ...this.props }]; }
  stop() {}
}
`;

let broker: TestBroker;
let dir: string;
const children: ChildProcess[] = [];

before(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0', 'group.min.session.timeout.ms': '1000' } });
  dir = tempDir('brook-connect-eos-');
  writeFileSync(join(dir, 'numbers.mjs'), PLUGIN);
  writeFileSync(
    join(dir, 'worker.properties'),
    [
      `bootstrap.servers=${broker.bootstrapServers}`,
      'group.id=eos-workers',
      'config.storage.topic=eos-configs',
      'offset.storage.topic=eos-offsets',
      'offset.storage.partitions=1',
      'status.storage.topic=eos-status',
      'exactly.once.source.support=enabled',
      'session.timeout.ms=2000',
      'heartbeat.interval.ms=300',
      'scheduled.rebalance.max.delay.ms=0',
      `plugin.path=${dir}`,
      'listeners=http://127.0.0.1:0',
      'key.converter=org.apache.kafka.connect.storage.StringConverter',
      'value.converter=org.apache.kafka.connect.storage.StringConverter',
      '',
    ].join('\n'),
  );
});

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  await broker.stop();
  removeDir(broker.dataDir);
  removeDir(dir);
});

async function startWorker(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [cliPath, 'connect', 'distributed', join(dir, 'worker.properties')], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let log = '';
  child.stdout!.on('data', (c) => (log += c));
  child.stderr!.on('data', (c) => (log += c));
  await waitFor('a worker to start', () => /distributed worker started/.test(log) || child.exitCode !== null);
  const url = /"url":"([^"]+)"/.exec(log)?.[1];
  if (!url) throw new Error(`worker did not start:\n${log}`);
  return { child, url };
}

test('a source on an exactly-once worker killed mid-stream delivers every record exactly once', async () => {
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers, isolationLevel: 'read_committed', autoOffsetReset: 'earliest', maxWaitMs: 50 });
  const seen: number[] = [];
  const readMore = async () => {
    for (const r of await consumer.poll({ timeoutMs: 100 })) seen.push(Number(r.value!.toString()));
  };
  try {
    const first = await startWorker();
    const created = await call(first.url, 'POST', '/connectors', { name: 'numbers', config: { 'connector.class': 'NumbersSource', topic: 'numbers', limit: String(TOTAL) } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await waitFor('the topic', async () => (await call(first.url, 'GET', '/connectors/numbers/status')).body.tasks?.[0]?.state === 'RUNNING');
    await consumer.assign([{ topic: 'numbers', partition: 0, offset: 0 }]);
    await waitFor('some records committed', async () => {
      await readMore();
      return seen.length >= 60;
    });
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    assert.ok(seen.length < TOTAL, 'killed mid-stream');

    await startWorker();
    await waitFor('every record', async () => {
      await readMore();
      return new Set(seen).size >= TOTAL;
    }, 60_000);
    await readMore();
    assert.deepEqual(seen, Array.from({ length: TOTAL }, (_, i) => i), 'each record once, in order');
  } finally {
    await consumer.close();
  }
});
