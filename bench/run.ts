/**
 * `npm run bench`: Brook measured from outside with librdkafka (../shared/tools/rdperf.c) and a
 * many-connection load generator, beside the machine's own limits measured in the same run.
 *
 *   W1  100 B records, acks=1, one partition
 *   W2  1 KiB records, acks=all, 16 partitions
 *   W3  consume from the start of a 2 GB log (catch-up read, mostly not in the broker's tail cache),
 *       after the same read over the log at 0.5 and 1 GB (W3s): peak RSS beside each, which should
 *       not grow with the log
 *   W4  end-to-end latency percentiles at fixed rates (after two untimed warm-up client sessions)
 *   W5  1,000 concurrent producer connections
 *   W6  log.flush.interval.messages=1 (fsync per batch), 100 B acks=all
 *
 * BENCH_SCALE (default 1) scales record counts, e.g. BENCH_SCALE=0.1 for a quick run.
 * BENCH_ONLY=W3,W4 runs only those workloads.
 * Writes bench/results/<timestamp>.json and prints a table.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startChildBroker, freePort, tempDir, removeDir, type ChildBroker } from '../test/helpers/broker.js';
import { buildRdperf, rdperf } from './lib/rdperf.js';
import { cpuSeconds, sampleRss } from './lib/process-stats.js';
import { measureMachineLimits, type MachineLimits } from './lib/machine-limits.js';
import { manyProducers } from './lib/many-producers.js';
import { repoRoot } from './lib/paths.js';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const count = (n: number) => Math.max(1000, Math.round(n * scale));
const only = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const wanted = (id: string) => only === null || only.has(id);

interface Row {
  id: string;
  workload: string;
  recordsPerSec?: number;
  mbPerSec?: number;
  p50Ms?: number;
  p99Ms?: number;
  p999Ms?: number;
  cpuSecondsPerGB?: number;
  peakRssMB: number;
  /** The result divided by the machine limit it is bounded by. */
  ratio?: { of: string; value: number };
}

/** Runs one workload against a broker, adding its CPU cost and peak memory. */
async function measured(broker: ChildBroker, bytes: number, run: () => Promise<Omit<Row, 'peakRssMB' | 'cpuSecondsPerGB'>>): Promise<Row> {
  const pid = broker.child.pid!;
  const cpuBefore = cpuSeconds(pid);
  const rss = sampleRss(pid);
  const row = await run();
  const cpu = cpuSeconds(pid) - cpuBefore;
  return { ...row, peakRssMB: rss.stop() / 1e6, cpuSecondsPerGB: bytes > 0 ? cpu / (bytes / 1e9) : undefined };
}

async function withBroker<T>(extraArgs: string[], body: (broker: ChildBroker) => Promise<T>): Promise<T> {
  const dataDir = tempDir('brook-bench-');
  try {
    return await withBrokerIn(dataDir, extraArgs, body);
  } finally {
    removeDir(dataDir);
  }
}

/** A broker process on an existing data dir, stopped (SIGTERM) after `body`. */
async function withBrokerIn<T>(dataDir: string, extraArgs: string[], body: (broker: ChildBroker) => Promise<T>): Promise<T> {
  const broker = await startChildBroker(dataDir, await freePort(), extraArgs);
  try {
    return await body(broker);
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
  }
}

async function produceRow(broker: ChildBroker, id: string, workload: string, topic: string, records: number, size: number, acks: string, limits: MachineLimits): Promise<Row> {
  return measured(broker, records * size, async () => {
    const r = await rdperf(['produce', broker.bootstrapServers, topic, String(records), String(size), acks]);
    const mbPerSec = Number(r.mb_per_s);
    return { id, workload, recordsPerSec: Number(r.records_per_s), mbPerSec, ratio: { of: 'loopback', value: mbPerSec / limits.loopbackMBps } };
  });
}

async function consumeRow(broker: ChildBroker, id: string, workload: string, topic: string, records: number, size: number, partitions: number, limits: MachineLimits): Promise<Row> {
  return measured(broker, records * size, async () => {
    const r = await rdperf(['consume', broker.bootstrapServers, topic, String(records), String(partitions)]);
    const mbPerSec = Number(r.mb_per_s);
    return { id, workload, recordsPerSec: Number(r.records_per_s), mbPerSec, ratio: { of: 'loopback', value: mbPerSec / limits.loopbackMBps } };
  });
}

async function main(): Promise<void> {
  buildRdperf();
  const scratch = tempDir('brook-bench-limits-');
  const limits = await measureMachineLimits(scratch);
  removeDir(scratch);
  const rows: Row[] = [];

  if (wanted('W1')) await withBroker(['--set', 'num.partitions=1'], async (broker) => {
    const w1 = count(4_000_000);
    rows.push(await produceRow(broker, 'W1', '100 B, acks=1, 1 partition', 'w1', w1, 100, '1', limits));
    rows.push(await consumeRow(broker, 'W1c', 'consume W1 from the start', 'w1', w1, 100, 1, limits));
  });

  if (wanted('W2')) await withBroker(['--set', 'num.partitions=16'], async (broker) => {
    rows.push(await produceRow(broker, 'W2', '1 KiB, acks=all, 16 partitions', 'w2', count(1_000_000), 1024, '-1', limits));
  });

  if (wanted('W3')) {
    // One log grown to a quarter, half and all of 2 GB, read from the start at each size by a
    // freshly started broker, so its peak RSS is the read's alone, not the produce's leftovers.
    const dataDir = tempDir('brook-bench-');
    const args = ['--set', 'num.partitions=1'];
    try {
      const w3 = count(2_000_000);
      let produced = 0;
      for (const share of [0.25, 0.5, 1]) {
        const records = Math.round(w3 * share);
        await withBrokerIn(dataDir, args, (broker) => rdperf(['produce', broker.bootstrapServers, 'w3', String(records - produced), '1024', '1']));
        produced = records;
        const id = share === 1 ? 'W3' : 'W3s';
        const workload = `consume a ${((records * 1024) / 1e9).toFixed(1)} GB log from the start`;
        rows.push(await withBrokerIn(dataDir, args, (broker) => consumeRow(broker, id, workload, 'w3', records, 1024, 1, limits)));
      }
    } finally {
      removeDir(dataDir);
    }
  }

  if (wanted('W4')) await withBroker(['--set', 'num.partitions=1'], async (broker) => {
    // Two untimed client sessions first, each its own rdperf process and topic: percentiles of a
    // fresh process measure V8 compiling the hot paths, not the steady state of a running broker.
    // One is not enough: once the first clients have disconnected and a new topic appears, V8
    // throws away and recompiles much of the request path (Node's socket streams, the connection,
    // the log); docs/PERFORMANCE.md has the numbers for the session after a single warm-up.
    await rdperf(['latency', broker.bootstrapServers, 'w4-warmup', '2500', '1000']);
    await rdperf(['latency', broker.bootstrapServers, 'w4-warmup-2', '2500', '1000']);
    for (const rate of [1000, 10_000, 50_000]) {
      const records = Math.max(2000, Math.round(rate * 5 * Math.min(1, scale * 2)));
      rows.push(
        await measured(broker, records * 100, async () => {
          const r = await rdperf(['latency', broker.bootstrapServers, `w4-${rate}`, String(records), String(rate)]);
          return { id: 'W4', workload: `end-to-end latency at ${rate} rec/s`, recordsPerSec: rate, p50Ms: Number(r.p50_ms), p99Ms: Number(r.p99_ms), p999Ms: Number(r.p999_ms) };
        }),
      );
    }
  });

  if (wanted('W5')) await withBroker(['--set', 'num.partitions=1', '--set', 'max.connections=5000'], async (broker) => {
    const durationMs = Math.max(2000, Math.round(10_000 * Math.min(1, scale)));
    let result: Awaited<ReturnType<typeof manyProducers>> | undefined;
    const row = await measured(broker, 0, async () => {
      result = await manyProducers(broker.port, 'w5', 1000, durationMs);
      return { id: 'W5', workload: '1,000 producer connections, 10 x 100 B per request', recordsPerSec: result.recordsPerSec, mbPerSec: (result.recordsPerSec * 100) / 1e6, p50Ms: result.p50Ms, p99Ms: result.p99Ms };
    });
    rows.push({ ...row, cpuSecondsPerGB: undefined });
  });

  if (wanted('W6')) await withBroker(['--set', 'num.partitions=1', '--set', 'log.flush.interval.messages=1'], async (broker) => {
    const row = await produceRow(broker, 'W6', '100 B, acks=all, fsync per batch', 'w6', count(500_000), 100, '-1', limits);
    rows.push(row);
  });

  print(limits, rows);
  const resultsDir = join(repoRoot, 'bench', 'results');
  mkdirSync(resultsDir, { recursive: true });
  const file = join(resultsDir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, scale, limits, rows }, null, 2) + '\n');
  console.log(`\nwritten to ${file}`);
}

function print(limits: MachineLimits, rows: Row[]): void {
  const fmt = (v: number | undefined, digits = 0) => (v === undefined || Number.isNaN(v) ? '-' : v.toFixed(digits));
  console.log(`\nmachine: loopback ${limits.loopbackMBps.toFixed(0)} MB/s, disk write ${limits.diskWriteMBps.toFixed(0)} MB/s, ${limits.fsyncsPerSec.toFixed(0)} fsync/s`);
  console.log(['id', 'workload'.padEnd(44), 'records/s'.padStart(10), 'MB/s'.padStart(7), 'p50 ms'.padStart(7), 'p99 ms'.padStart(7), 'CPU s/GB'.padStart(9), 'RSS MB'.padStart(7), 'vs limit'.padStart(16)].join(' '));
  for (const r of rows) {
    console.log(
      [
        r.id.padEnd(3),
        r.workload.padEnd(44),
        fmt(r.recordsPerSec).padStart(10),
        fmt(r.mbPerSec, 1).padStart(7),
        fmt(r.p50Ms, 2).padStart(7),
        fmt(r.p99Ms, 2).padStart(7),
        fmt(r.cpuSecondsPerGB, 2).padStart(9),
        fmt(r.peakRssMB).padStart(7),
        (r.ratio ? `${(r.ratio.value * 100).toFixed(0)}% ${r.ratio.of}` : '-').padStart(16),
      ].join(' '),
    );
  }
}

main().catch((err) => {
  console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
