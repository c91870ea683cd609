/**
 * `npm run build && node dist/bench/cleaner.js`: the log cleaner's throughput and what it does to
 * append latency, measured on the file store in this process.
 *
 *   C1  cleaner throughput: MB/s of log read (and rewritten) by one pass over a log of keyed
 *       updates, beside this machine's sequential copy rate of the same bytes (read + write + fsync)
 *   C2  append latency (p50/p99/max of acks-when-written appends at a fixed rate) on another
 *       partition, without and with a cleaner pass running
 *
 * BENCH_SCALE (default 1) scales the log size (1 = 256 MiB), e.g. BENCH_SCALE=0.1 for a quick run.
 */
import { mkdtempSync, rmSync, openSync, readSync, writeSync, fsyncSync, closeSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeBatch } from '../src/records/record-batch.js';
import { batchLastOffsetDelta, batchMaxTimestamp, batchSize } from '../src/records/batch-header.js';
import { FileLogStore } from '../src/storage/file/file-store.js';
import type { FilePartitionLog } from '../src/storage/file/partition-log.js';
import { defaultLogConfig, type AppendInfo, type LogConfig, type PartitionLog } from '../src/storage/types.js';
import { startBroker } from '../src/broker/index.js';
import { Producer } from '../src/client/producer.js';

const scale = Number(process.env.BENCH_SCALE ?? 1);
const LOG_BYTES = Math.max(8, Math.round(256 * scale)) * 1024 * 1024;
const KEYS = 10_000;
const RECORDS_PER_BATCH = 100;
const VALUE_BYTES = 100;
const MIB = 1024 * 1024;

const config: LogConfig = { ...defaultLogConfig, segmentBytes: 64 * MIB, cleanupPolicy: ['compact'], fileDeleteDelayMs: 0 };

function infosOf(buf: Buffer): AppendInfo[] {
  const infos: AppendInfo[] = [];
  for (let pos = 0; pos < buf.length; pos += batchSize(buf, pos)) {
    infos.push({ recordCount: batchLastOffsetDelta(buf, pos) + 1, maxTimestampMs: batchMaxTimestamp(buf, pos) });
  }
  return infos;
}

function keyedBatch(first: number): Buffer {
  const value = Buffer.alloc(VALUE_BYTES, 0x61);
  const records = [];
  for (let i = first; i < first + RECORDS_PER_BATCH; i++) records.push({ key: Buffer.from(`key-${i % KEYS}`), value, timestampMs: Date.now() });
  return encodeBatch({ records });
}

async function fill(log: PartitionLog, bytes: number): Promise<void> {
  let n = 0;
  while (log.sizeBytes < bytes) {
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < 64; i++, n += RECORDS_PER_BATCH) {
      const b = keyedBatch(n);
      pending.push(log.append(b, infosOf(b)));
    }
    await Promise.all(pending);
  }
  await log.flush();
}

/** The machine's sequential copy rate: read a segment file, write it elsewhere, fsync. */
function copyRateMBps(file: string, dir: string): number {
  const size = statSync(file).size;
  const buf = Buffer.allocUnsafe(4 * MIB);
  const start = process.hrtime.bigint();
  const src = openSync(file, 'r');
  const dst = openSync(join(dir, 'copy.bin'), 'w');
  for (let pos = 0; pos < size; ) {
    const n = readSync(src, buf, 0, buf.length, pos);
    if (n <= 0) break;
    writeSync(dst, buf, 0, n);
    pos += n;
  }
  fsyncSync(dst);
  closeSync(src);
  closeSync(dst);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return size / MIB / seconds;
}

/** Appends one small batch every intervalMs until `until` settles; returns latencies in ms. */
async function appendLatencies(log: FilePartitionLog, intervalMs: number, until: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  let n = 0;
  while (!done) {
    const b = encodeBatch({ records: [{ key: Buffer.from(`p${n++}`), value: Buffer.alloc(100), timestampMs: Date.now() }] });
    const t0 = performance.now();
    await log.append(b, infosOf(b));
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return latencies.sort((a, b) => a - b);
}

/** Sends one record every intervalMs until `until` settles; returns produce latencies in ms. */
async function produceLatencies(producer: Producer, intervalMs: number, until: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const t0 = performance.now();
    await producer.send({ topic: 'bench-produce', messages: [{ key: null, value: Buffer.alloc(100) }] });
    latencies.push(performance.now() - t0);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return latencies.sort((a, b) => a - b);
}

/** C3: a broker in this process, a compacted topic filled directly, a producer timing each send. */
async function produceWhileCleaning(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-cleaner-bench-broker-'));
  const broker = await startBroker({ port: 0, dataDir: dir, config: { 'log.cleaner.enable': 'false', 'log.retention.check.interval.ms': '3600000' } });
  try {
    const compacted = await broker.broker.topics.create('bench-compacted', 1, { 'cleanup.policy': 'compact', 'segment.bytes': String(64 * MIB) });
    await broker.broker.topics.create('bench-produce', 1);
    const log = compacted.partitions[0]!.log;
    await fill(log, LOG_BYTES);
    log.rollNow?.();
    const producer = new Producer({ bootstrapServers: broker.bootstrapServers, acks: -1, lingerMs: 0 });
    await producer.connect();
    await produceLatencies(producer, 2, new Promise((r) => setTimeout(r, 500))); // warm-up
    const idle = await produceLatencies(producer, 2, new Promise((r) => setTimeout(r, 2000)));
    const pass = broker.broker.topics.store.runCleaner!();
    const busy = await produceLatencies(producer, 2, pass);
    const stats = await pass;
    await producer.close();
    return `C3 produce latency ms  idle: p50 ${pct(idle, 0.5).toFixed(2)} p99 ${pct(idle, 0.99).toFixed(2)} max ${pct(idle, 1).toFixed(2)} (${idle.length})` +
      `  | cleaner running (${((stats?.bytesRead ?? 0) / MIB).toFixed(0)} MiB): p50 ${pct(busy, 0.5).toFixed(2)} p99 ${pct(busy, 0.99).toFixed(2)} max ${pct(busy, 1).toFixed(2)} (${busy.length})`;
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'brook-cleaner-bench-'));
  try {
    const store = await FileLogStore.open({ dataDir: dir, retentionCheckIntervalMs: 0, cleaner: { enabled: false } });
    const log = await store.openPartition('bench-compacted', 0, config);
    const other = await store.openPartition('bench-latency', 0, { ...defaultLogConfig });
    await fill(log, LOG_BYTES);
    log.rollNow();
    await log.barrier();
    const segmentFile = join(dir, 'bench-compacted-0', '00000000000000000000.log');
    const copyMBps = copyRateMBps(segmentFile, dir);

    const idle = await appendLatencies(other, 2, new Promise((r) => setTimeout(r, 2000)));
    const t0 = performance.now();
    const pass = store.cleaner.clean(log);
    const busy = await appendLatencies(other, 2, pass);
    const stats = await pass;
    const seconds = (performance.now() - t0) / 1000;
    const mbps = stats.bytesRead / MIB / seconds;
    await store.close();

    console.log(`C1 cleaner: ${(stats.bytesRead / MIB).toFixed(0)} MiB read -> ${(stats.bytesWritten / MIB).toFixed(1)} MiB kept in ${seconds.toFixed(2)} s: ` +
      `${mbps.toFixed(1)} MB/s (machine copy ${copyMBps.toFixed(0)} MB/s, ratio ${(mbps / copyMBps).toFixed(3)}); ` +
      `${stats.recordsDropped} records dropped, ${stats.keysMapped} keys`);
    console.log(`C2 append latency ms  idle: p50 ${pct(idle, 0.5).toFixed(2)} p99 ${pct(idle, 0.99).toFixed(2)} max ${pct(idle, 1).toFixed(2)} (${idle.length})` +
      `  | cleaner running: p50 ${pct(busy, 0.5).toFixed(2)} p99 ${pct(busy, 0.99).toFixed(2)} max ${pct(busy, 1).toFixed(2)} (${busy.length})`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(await produceWhileCleaning());
}

await main();
