/**
 * `npm run bench:tls`: produce and consume throughput over TLS beside plaintext, same machine, same
 * run: two brokers (PLAINTEXT and SSL with an EC P-256 certificate), kcat (librdkafka) writing
 * then reading N records of 1 KiB. The TLS/plaintext ratio is the number to watch.
 *
 * BENCH_SCALE (default 1) scales the record count (200,000).
 */
import { performance } from 'node:perf_hooks';
import { freePort, removeDir, startChildBroker, tempDir } from '../test/helpers/broker.js';
import { kcat } from '../test/helpers/kcat.js';
import { makeTestCerts, type TestCerts } from '../test/security/certs.js';

const records = Math.max(1000, Math.round(200_000 * Number(process.env.BENCH_SCALE ?? 1)));
const recordBytes = 1024;

interface Result {
  listener: string;
  produceMBps: number;
  consumeMBps: number;
}

async function measure(listener: 'PLAINTEXT' | 'SSL', certs: TestCerts, input: string): Promise<Result> {
  const dataDir = tempDir('brook-bench-tls-');
  const port = await freePort();
  const tlsArgs = ['--set', `listeners=SSL://127.0.0.1:${port}`, '--set', `ssl.keystore.location=${certs.serverKeystorePem}`];
  const broker = await startChildBroker(dataDir, port, listener === 'SSL' ? tlsArgs : []);
  const client = listener === 'SSL' ? ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.caPem}`] : [];
  const mb = (records * recordBytes) / 1e6;
  try {
    const common = ['-b', broker.bootstrapServers, ...client];
    let start = performance.now();
    const produced = await kcat([...common, '-P', '-t', 'bench', '-X', 'linger.ms=5', '-X', 'batch.num.messages=10000'], input, 600_000);
    if (produced.code !== 0) throw new Error(produced.stderr);
    const produceMBps = mb / ((performance.now() - start) / 1000);
    start = performance.now();
    const consumed = await kcat([...common, '-C', '-t', 'bench', '-o', 'beginning', '-c', String(records), '-q', '-f', '%S\n'], undefined, 600_000);
    if (consumed.code !== 0) throw new Error(consumed.stderr);
    const consumeMBps = mb / ((performance.now() - start) / 1000);
    return { listener, produceMBps, consumeMBps };
  } finally {
    broker.child.kill('SIGTERM');
    await broker.exited;
    removeDir(dataDir);
  }
}

async function main(): Promise<void> {
  const dir = tempDir('brook-bench-certs-');
  try {
    const line = 'x'.repeat(recordBytes - 1) + '\n';
    const input = line.repeat(records);
    const certs = makeTestCerts(dir);
    const plain = await measure('PLAINTEXT', certs, input);
    const tls = await measure('SSL', certs, input);
    const fmt = (n: number) => n.toFixed(1).padStart(8);
    process.stdout.write(`${records} records of ${recordBytes} B\nlistener     produce MB/s  consume MB/s\n`);
    for (const r of [plain, tls]) process.stdout.write(`${r.listener.padEnd(12)} ${fmt(r.produceMBps)}      ${fmt(r.consumeMBps)}\n`);
    process.stdout.write(`TLS/plaintext produce ${(tls.produceMBps / plain.produceMBps).toFixed(2)}, consume ${(tls.consumeMBps / plain.consumeMBps).toFixed(2)}\n`);
  } finally {
    removeDir(dir);
  }
}

await main();
