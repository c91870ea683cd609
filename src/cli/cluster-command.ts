/**
 * `brook cluster`: a local cluster for trying cluster mode out: one etcd (the Debian
 * `etcd-server` binary) and N `brook start` processes on consecutive ports, each with its own data
 * directory under --data-dir. Output of every process is prefixed with its name. SIGINT/SIGTERM
 * stops the brokers (each a controlled shutdown), then etcd. Exit codes as `brook start`.
 *
 *   brook cluster                          # etcd on 2379, brokers 1..3 on 9092..9094, data in ./cluster-data
 *   brook cluster --brokers 5 --base-port 19092 --data-dir /tmp/c
 *   brook cluster --etcd http://10.0.0.5:2379   # use a running etcd instead of starting one
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError } from 'commander';

export interface ClusterCommandDeps {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  signals: { once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
  cwd: string;
}

interface ClusterFlags {
  brokers: number;
  basePort: number;
  dataDir: string;
  etcd?: string;
  etcdPort: number;
  etcdBinary: string;
  set?: string[];
}

const cliEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'main.js');

export async function runCluster(argv: readonly string[], deps: ClusterCommandDeps = { stdout: process.stdout, stderr: process.stderr, signals: process, cwd: process.cwd() }): Promise<number> {
  let flags: ClusterFlags;
  try {
    flags = parseFlags(argv, deps);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help') return 0;
      deps.stderr.write(`brook: ${err.message.replace(/^error: /, '')}\n`);
      return 2;
    }
    throw err;
  }
  const dataDir = path.resolve(deps.cwd, flags.dataDir);
  const children: { name: string; proc: ChildProcess }[] = [];
  let stopping = false;
  const launch = (name: string, command: string, args: string[]): ChildProcess => {
    const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const prefix = (stream: NodeJS.ReadableStream, out: { write(text: string): unknown }) => {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk.toString()).split('\n');
        pending = lines.pop()!;
        for (const line of lines) out.write(`[${name}] ${line}\n`);
      });
    };
    prefix(proc.stdout!, deps.stdout);
    prefix(proc.stderr!, deps.stderr);
    proc.on('exit', (code, signal) => {
      if (!stopping) deps.stderr.write(`brook: ${name} exited (${code ?? signal}) while the cluster was running\n`);
    });
    children.push({ name, proc });
    return proc;
  };

  let endpoint = flags.etcd;
  if (endpoint === undefined) {
    if (!existsSync(flags.etcdBinary)) {
      deps.stderr.write(`brook: ${flags.etcdBinary} not found (install the Debian package etcd-server, or pass --etcd-binary or --etcd)\n`);
      return 1;
    }
    endpoint = `http://127.0.0.1:${flags.etcdPort}`;
    const peer = `http://127.0.0.1:${flags.etcdPort + 1}`;
    mkdirSync(dataDir, { recursive: true });
    launch('etcd', flags.etcdBinary, [
      '--name', 'brook', '--data-dir', path.join(dataDir, 'etcd'),
      '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
      '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `brook=${peer}`,
      '--max-txn-ops', '10000', '--log-level', 'warn',
    ]);
    if (!(await etcdHealthy(endpoint, 15_000))) {
      deps.stderr.write(`brook: etcd did not become healthy on ${endpoint}\n`);
      await stopAll(children, () => (stopping = true));
      return 1;
    }
  }
  const ports: number[] = [];
  for (let id = 1; id <= flags.brokers; id++) {
    const port = flags.basePort + id - 1;
    ports.push(port);
    const sets = (flags.set ?? []).flatMap((s) => ['--set', s]);
    launch(`broker-${id}`, process.execPath, [
      cliEntry, 'start', '--broker-id', String(id), '--etcd', endpoint, '--host', '127.0.0.1', '--port', String(port),
      '--data-dir', path.join(dataDir, `broker-${id}`), '--log-format', 'pretty', ...sets,
    ]);
  }
  deps.stdout.write(`brook cluster: etcd ${endpoint}, bootstrap servers ${ports.map((p) => `127.0.0.1:${p}`).join(',')} (Ctrl-C stops it)\n`);
  await new Promise<void>((resolve) => {
    deps.signals.once('SIGINT', resolve);
    deps.signals.once('SIGTERM', resolve);
  });
  await stopAll(children, () => (stopping = true));
  return 0;
}

/** Brokers first (controlled shutdowns, in parallel), then etcd. */
async function stopAll(children: { name: string; proc: ChildProcess }[], markStopping: () => void): Promise<void> {
  markStopping();
  const exited = (proc: ChildProcess) => (proc.exitCode !== null || proc.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => proc.once('exit', () => r())));
  const brokers = children.filter((c) => c.name !== 'etcd');
  for (const c of brokers) c.proc.kill('SIGTERM');
  await Promise.all(brokers.map((c) => exited(c.proc)));
  for (const c of children.filter((c) => c.name === 'etcd')) {
    c.proc.kill('SIGTERM');
    await exited(c.proc);
  }
}

async function etcdHealthy(endpoint: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${endpoint}/health`)).ok) return true;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

function parseFlags(argv: readonly string[], deps: ClusterCommandDeps): ClusterFlags {
  const cmd = new Command('cluster')
    .description('run etcd and a few brokers locally (cluster mode, for trying it out)')
    .option('--brokers <n>', 'number of brokers', positiveInt, 3)
    .option('--base-port <n>', 'port of broker 1; broker N listens on base+N-1', positiveInt, 9092)
    .option('--data-dir <dir>', 'where etcd and the brokers keep their data', './cluster-data')
    .option('--etcd <url>', 'use this running etcd instead of starting one')
    .option('--etcd-port <n>', 'client port of the etcd started here (peer port is the next one)', positiveInt, 2379)
    .option('--etcd-binary <path>', 'etcd executable', '/usr/bin/etcd')
    .option('--set <key=value>', 'broker config for every broker (repeatable)', (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .exitOverride()
    .configureOutput({ writeOut: (s) => deps.stdout.write(s), writeErr: (s) => deps.stderr.write(s), outputError: () => {} });
  cmd.parse([...argv], { from: 'user' });
  return cmd.opts<ClusterFlags>();
}

function positiveInt(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) throw new InvalidArgumentError('Expected a positive number.');
  return Number(value);
}
