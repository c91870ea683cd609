/**
 * Brook Connect throughput against a `brook start` child process, the worker in this process:
 *
 *   C1  file source -> topic: N lines of 100 B, until all are acknowledged in the topic
 *   C2  topic -> file sink: the same N records until all lines are in the sink file (flushed)
 *   C3  file -> file end to end: source and sink running together on a fresh topic
 *   C4  PostgreSQL CDC (pgoutput): N/10 rows inserted in one statement until all their change
 *       events are in the topic (skipped when PostgreSQL is not installed)
 *
 * StringConverter both sides (Connect's cheapest path); records/s and MB/s of line bytes.
 * BENCH_SCALE (default 1) scales N (200,000 at scale 1).
 *
 *   npx tsc -p tsconfig.json && node dist/bench/connect.js
 */
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Admin } from '../src/client/index.js';
import { startStandalone, type RunningConnect } from '../src/connect/standalone.js';
import { createLogger } from '../src/log/logger.js';
import { freePort, removeDir, startChildBroker, tempDir } from '../test/helpers/broker.js';
import { postgresBinDir, startPostgres } from '../test/connect/postgres-server.js';
import postgres from 'postgres';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const records = Math.max(1000, Math.round(200_000 * scale));
const LINE_BYTES = 100;

interface Row {
  id: string;
  workload: string;
  recordsPerSec: number;
  mbPerSec: number;
  seconds: number;
}

function nowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

async function until(check: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 10));
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const dir = tempDir('brook-bench-connect-');
  const broker = await startChildBroker(join(dir, 'data'), await freePort(), ['--set', 'group.initial.rebalance.delay.ms=0']);
  const admin = new Admin({ bootstrapServers: broker.bootstrapServers });
  const line = 'x'.repeat(LINE_BYTES - 1) + '\n';
  const input = join(dir, 'in.txt');
  writeFileSync(input, line.repeat(records));
  const rows: Row[] = [];
  const worker = {
    'bootstrap.servers': broker.bootstrapServers,
    'offset.storage.file.filename': join(dir, 'offsets'),
    'offset.flush.interval.ms': '1000',
    listeners: 'http://127.0.0.1:0',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
  };
  const run = async (id: string, workload: string, connectors: Array<Record<string, string>>, done: () => Promise<boolean> | boolean, count = records, before: () => Promise<void> = async () => {}) => {
    const start = nowMs();
    const connect: RunningConnect = await startStandalone({ workerConfig: worker, connectorConfigs: connectors, logger: createLogger({ level: 'warn' }) });
    await before();
    await until(done);
    const seconds = (nowMs() - start) / 1000;
    await connect.stop();
    rows.push({ id, workload, seconds, recordsPerSec: count / seconds, mbPerSec: (count * LINE_BYTES) / seconds / 1e6 });
  };
  const topicEnd = async (topic: string) => (await admin.fetchTopicOffsets(topic).catch(() => [{ high: 0 }])).reduce((s, p) => s + p.high, 0);
  try {
    await admin.createTopics({ topics: [{ topic: 'c1', numPartitions: 1 }, { topic: 'c3', numPartitions: 1 }] });
    await run('C1', 'file source -> topic', [{ name: 's1', 'connector.class': 'FileStreamSource', file: input, topic: 'c1' }], async () => (await topicEnd('c1')) >= records);
    const out2 = join(dir, 'out2.txt');
    await run('C2', 'topic -> file sink', [{ name: 'k2', 'connector.class': 'FileStreamSink', file: out2, topics: 'c1' }], () => fileBytes(out2) >= records * LINE_BYTES);
    const out3 = join(dir, 'out3.txt');
    await run(
      'C3',
      'file -> topic -> file',
      [
        { name: 's3', 'connector.class': 'FileStreamSource', file: input, topic: 'c3' },
        { name: 'k3', 'connector.class': 'FileStreamSink', file: out3, topics: 'c3' },
      ],
      () => fileBytes(out3) >= records * LINE_BYTES,
    );
    if (postgresBinDir() !== null) {
      const pg = await startPostgres();
      const sql = postgres(pg.url, { max: 1, onnotice: () => {} });
      const rowsCount = Math.round(records / 10);
      try {
        await sql`create table bench (id int primary key, payload text)`;
        const payload = 'y'.repeat(LINE_BYTES - 20);
        await run(
          'C4',
          'PostgreSQL CDC -> topic',
          [{ name: 'cdc', 'connector.class': 'PostgresCdcSource', 'connection.url': pg.url, 'table.include.list': 'bench', 'topic.prefix': 'c4-', 'poll.interval.ms': '20' }],
          async () => (await topicEnd('c4-bench')) >= rowsCount,
          rowsCount,
          async () => void (await sql`insert into bench select g, ${payload} from generate_series(1, ${rowsCount}) g`),
        );
      } finally {
        await sql.end();
        await pg.stop();
      }
    }
  } finally {
    await admin.close();
    broker.child.kill('SIGTERM');
    await broker.exited;
    removeDir(dir);
  }
  console.log(`Brook Connect, ${records} records of ${LINE_BYTES} B`);
  console.table(rows.map((r) => ({ id: r.id, workload: r.workload, 'records/s': Math.round(r.recordsPerSec), 'MB/s': r.mbPerSec.toFixed(1), seconds: r.seconds.toFixed(2) })));
}

await main();
