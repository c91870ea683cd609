/**
 * `npm run bench`: throughput of a Brook broker measured from outside with librdkafka
 * (../shared/tools/rdperf.c), 100-byte records on one partition, acks=1 and acks=all,
 * then a consume of everything from the start. Prints a table and writes
 * bench/results/<timestamp>.json.
 *
 * The broker runs in its own process (the CLI), as users run it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChildBroker, freePort, tempDir, removeDir } from '../test/helpers/broker.js';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rdperfSource = resolve(repo, '..', 'shared', 'tools', 'rdperf.c');
const rdperfBinary = join(repo, 'bench', 'rdperf');
const records = Number(process.env.BENCH_RECORDS ?? 2_000_000);

function buildRdperf(): void {
  if (existsSync(rdperfBinary)) return;
  const gcc = spawnSync('gcc', ['-O2', '-o', rdperfBinary, rdperfSource, '-lrdkafka'], { stdio: 'inherit' });
  if (gcc.status !== 0) {
    throw new Error('could not build rdperf: install librdkafka-dev (apt-get install -y librdkafka-dev) and gcc');
  }
}

function rdperf(args: string[]): Promise<Record<string, string>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(rdperfBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`rdperf ${args.join(' ')} failed (${code}): ${err || out}`));
      const fields: Record<string, string> = {};
      for (const pair of out.trim().split(/\s+/)) {
        const [k, v] = pair.split('=');
        if (k && v !== undefined) fields[k] = v;
      }
      resolvePromise(fields);
    });
  });
}

interface Row {
  workload: string;
  records: number;
  recordsPerSec: number;
  mbPerSec: number;
}

async function main(): Promise<void> {
  buildRdperf();
  const dataDir = tempDir('brook-bench-');
  const broker = await startChildBroker(dataDir, await freePort(), ['--set', 'num.partitions=1', '--log-level', 'warn']);
  const rows: Row[] = [];
  try {
    for (const acks of ['1', 'all']) {
      const topic = `bench-acks-${acks}`;
      const produced = await rdperf(['produce', broker.bootstrapServers, topic, String(records), '100', acks === 'all' ? '-1' : acks]);
      rows.push({ workload: `produce 100 B acks=${acks}`, records, recordsPerSec: Number(produced.records_per_s), mbPerSec: Number(produced.mb_per_s) });
      const consumed = await rdperf(['consume', broker.bootstrapServers, topic, String(records), '1']);
      rows.push({ workload: `consume 100 B (acks=${acks} log)`, records, recordsPerSec: Number(consumed.records_per_s), mbPerSec: Number(consumed.mb_per_s) });
    }
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
    removeDir(dataDir);
  }
  console.log('\nworkload                        records/s      MB/s');
  for (const r of rows) console.log(`${r.workload.padEnd(30)} ${String(Math.round(r.recordsPerSec)).padStart(10)} ${r.mbPerSec.toFixed(1).padStart(9)}`);
  const resultsDir = join(repo, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, records, rows }, null, 2) + '\n');
  console.log(`\nwritten to ${file}`);
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
