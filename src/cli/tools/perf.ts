/**
 * `brook perf produce|consume`, after Kafka's producer/consumer perf-test tools: the same inputs
 * and the same summary lines (throughput; for produce, latency average, max and percentiles).
 */
import { Command } from 'commander';
import { Consumer } from '../../client/consumer.js';
import { Producer, type Acks, type CompressionName } from '../../client/producer.js';
import { Admin } from '../../client/admin.js';
import { clientOptions, collectPairs, pairsToRecord, parseIntFlag, parsePositiveInt, withConnectionOptions, withDeadline, type ConnectionFlags, type ToolIO } from './common.js';
import { ProgressBar } from './progress.js';

/** Sends awaiting their ack before the loop waits for one to finish (bounds memory). */
const MAX_IN_FLIGHT = 50_000;

interface ProducePerfFlags extends ConnectionFlags {
  topic: string;
  numRecords: number;
  recordSize: number;
  throughput: number;
  producerProps?: string[];
  reportingIntervalMs: number;
}

interface ConsumePerfFlags extends ConnectionFlags {
  topic: string;
  messages: number;
  group?: string;
}

export function perfCommand(io: ToolIO, run: (fn: () => Promise<void>) => void): Command {
  const perf = new Command('perf').description('producer and consumer throughput tests');
  withConnectionOptions(perf.command('produce').description('send records as fast as allowed and report throughput and latency'))
    .requiredOption('--topic <name>', 'topic to write')
    .requiredOption('--num-records <n>', 'records to send', parsePositiveInt)
    .option('--record-size <bytes>', 'value size', parsePositiveInt, 100)
    .option('--throughput <n>', 'records/sec cap, -1 for none', parseIntFlag, -1)
    .option('--producer-props <key=value>', 'acks, linger.ms, batch.size, compression.type, buffer.memory (repeatable)', collectPairs)
    .option('--reporting-interval-ms <ms>', 'interval of the periodic report lines', parsePositiveInt, 5000)
    .action((flags: ProducePerfFlags) => run(() => producePerf(flags, io)));
  withConnectionOptions(perf.command('consume').description('read records and report throughput'))
    .requiredOption('--topic <name>', 'topic to read')
    .requiredOption('--messages <n>', 'records to read', parsePositiveInt)
    .option('--group <id>', 'consume as this group (default: read all partitions from the start, no group)')
    .action((flags: ConsumePerfFlags) => run(() => consumePerf(flags, io)));
  return perf;
}

/** Latency samples: every record up to a cap, then every k-th (bounded memory). */
class LatencySamples {
  private readonly samples: Float64Array;
  private readonly every: number;
  private count = 0;
  private n = 0;
  sumMs = 0;
  maxMs = 0;
  constructor(total: number) {
    this.every = Math.max(1, Math.ceil(total / 500_000));
    this.samples = new Float64Array(Math.ceil(total / this.every));
  }
  add(ms: number): void {
    this.sumMs += ms;
    if (ms > this.maxMs) this.maxMs = ms;
    if (this.n++ % this.every === 0 && this.count < this.samples.length) this.samples[this.count++] = ms;
  }
  percentiles(ps: number[]): number[] {
    const sorted = this.samples.slice(0, this.count).sort();
    return ps.map((p) => (this.count === 0 ? 0 : sorted[Math.min(this.count - 1, Math.floor(p * this.count))]!));
  }
}

async function producePerf(flags: ProducePerfFlags, io: ToolIO): Promise<void> {
  const props = pairsToRecord(flags.producerProps, '--producer-props');
  const acks = props['acks'] === undefined || props['acks'] === 'all' ? -1 : Number(props['acks']);
  const producer = new Producer({
    ...clientOptions(flags, io.clock),
    acks: acks as Acks,
    lingerMs: Number(props['linger.ms'] ?? 5),
    batchSizeBytes: Number(props['batch.size'] ?? 16384),
    bufferMemoryBytes: Number(props['buffer.memory'] ?? 32 * 1024 * 1024),
    compression: (props['compression.type'] ?? 'none') as CompressionName,
  });
  const payload = Buffer.alloc(flags.recordSize, 0x41);
  const latencies = new LatencySamples(flags.numRecords);
  const bar = new ProgressBar(io.stderr, flags.numRecords, io.clock);
  const clock = () => performance.now();
  let acked = 0;
  let windowStart = clock();
  let windowCount = 0;
  let windowLatencyMs = 0;
  let windowMaxMs = 0;
  try {
    await withDeadline(producer.connect(), flags.timeout, `connecting to ${flags.bootstrapServer}`);
    const start = clock();
    // In-flight sends are counted, not collected: racing a set of thousands of promises per record
    // would make the loop quadratic.
    let inFlight = 0;
    let slotFreed: (() => void) | null = null;
    const release = () => {
      inFlight--;
      slotFreed?.();
      slotFreed = null;
    };
    let failure: unknown = null;
    for (let i = 0; i < flags.numRecords && failure === null; i++) {
      if (flags.throughput > 0) {
        const aheadMs = (i / flags.throughput) * 1000 - (clock() - start);
        if (aheadMs > 1) await new Promise((r) => setTimeout(r, aheadMs));
      }
      const sentAt = clock();
      inFlight++;
      producer.send({ topic: flags.topic, messages: [{ value: payload }] }).then(
        () => {
          const ms = clock() - sentAt;
          latencies.add(ms);
          acked++;
          windowCount++;
          windowLatencyMs += ms;
          if (ms > windowMaxMs) windowMaxMs = ms;
          release();
        },
        (err) => {
          failure ??= err;
          release();
        },
      );
      // Let acks arrive (and bound memory) without waiting for each record.
      if (inFlight >= MAX_IN_FLIGHT) await new Promise<void>((r) => (slotFreed = r));
      else if ((i & 1023) === 1023) await new Promise((r) => setImmediate(r));
      const now = clock();
      if (now - windowStart >= flags.reportingIntervalMs) {
        bar.clear();
        io.stdout.write(windowLine(windowCount, flags.recordSize, now - windowStart, windowLatencyMs, windowMaxMs));
        windowStart = now;
        windowCount = windowLatencyMs = windowMaxMs = 0;
      }
      bar.update(acked, `${acked} acked`);
    }
    while (inFlight > 0) await new Promise<void>((r) => (slotFreed = r));
    if (failure !== null) throw failure;
    const elapsedMs = clock() - start;
    bar.clear();
    const [p50, p95, p99, p999] = latencies.percentiles([0.5, 0.95, 0.99, 0.999]);
    const rate = (acked * 1000) / elapsedMs;
    io.stdout.write(
      `${acked} records sent, ${rate.toFixed(1)} records/sec (${((rate * flags.recordSize) / 1024 / 1024).toFixed(2)} MB/sec), ` +
        `${(latencies.sumMs / Math.max(1, acked)).toFixed(2)} ms avg latency, ${latencies.maxMs.toFixed(2)} ms max latency, ` +
        `${p50!.toFixed(0)} ms 50th, ${p95!.toFixed(0)} ms 95th, ${p99!.toFixed(0)} ms 99th, ${p999!.toFixed(0)} ms 99.9th.\n`,
    );
  } finally {
    await producer.close().catch(() => {});
  }
}

function windowLine(count: number, recordSize: number, elapsedMs: number, latencyMs: number, maxMs: number): string {
  const rate = (count * 1000) / elapsedMs;
  return `${count} records sent, ${rate.toFixed(1)} records/sec (${((rate * recordSize) / 1024 / 1024).toFixed(2)} MB/sec), ${(latencyMs / Math.max(1, count)).toFixed(1)} ms avg latency, ${maxMs.toFixed(1)} ms max latency.\n`;
}

async function consumePerf(flags: ConsumePerfFlags, io: ToolIO): Promise<void> {
  const options = clientOptions(flags, io.clock);
  const consumer = new Consumer({ ...options, groupId: flags.group, autoOffsetReset: 'earliest', maxWaitMs: 100 });
  const bar = new ProgressBar(io.stderr, flags.messages, io.clock);
  const clock = () => performance.now();
  let count = 0;
  let bytes = 0;
  try {
    const startWall = Date.now();
    const start = clock();
    await withDeadline(
      (async () => {
        if (flags.group) {
          await consumer.subscribe({ topics: [flags.topic], fromBeginning: true });
          return;
        }
        const admin = new Admin(options);
        try {
          const [info] = await admin.describeTopics({ topics: [flags.topic] });
          await consumer.assign(info!.partitions.map((p) => ({ topic: flags.topic, partition: p.partition, offset: -2 })));
        } finally {
          await admin.close();
        }
      })(),
      flags.timeout,
      `connecting to ${flags.bootstrapServer}`,
    );
    const joinedMs = clock() - start;
    const fetchStart = clock();
    let lastRecordAt = clock();
    while (count < flags.messages) {
      const records = await consumer.poll({ timeoutMs: 200, maxRecords: flags.messages - count });
      for (const r of records) bytes += (r.value?.length ?? 0) + (r.key?.length ?? 0);
      count += records.length;
      if (records.length > 0) lastRecordAt = clock();
      else if (clock() - lastRecordAt > flags.timeout) break;
      bar.update(count, `${count} records`);
    }
    const end = clock();
    bar.clear();
    const totalS = (end - start) / 1000;
    const fetchS = (end - fetchStart) / 1000;
    const mb = bytes / 1024 / 1024;
    io.stdout.write('start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec\n');
    io.stdout.write(
      [
        new Date(startWall).toISOString(),
        new Date(startWall + (end - start)).toISOString(),
        mb.toFixed(4),
        (mb / totalS).toFixed(4),
        count,
        (count / totalS).toFixed(4),
        joinedMs.toFixed(0),
        (fetchS * 1000).toFixed(0),
        (mb / fetchS).toFixed(4),
        (count / fetchS).toFixed(4),
      ].join(', ') + '\n',
    );
    if (count < flags.messages) io.stderr.write(`WARNING: Exiting before consuming the expected number of messages: timeout (${flags.timeout} ms) exceeded.\n`);
  } finally {
    await consumer.close().catch(() => {});
  }
}
