/** Test helpers: brokers in this process or in a child process, on a free port and a temp dir. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startBroker, type RunningBroker } from '../../src/broker/index.js';
import type { FileOps } from '../../src/storage/file/fs-ops.js';

export function tempDir(prefix = 'brook-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface TestBroker extends RunningBroker {
  dataDir: string;
}

/** Starts a broker in this process with a file store in a fresh temp dir (or the given one). */
export async function startTestBroker(options: { dataDir?: string; config?: Record<string, string>; storage?: 'file' | 'memory'; fileOps?: FileOps } = {}): Promise<TestBroker> {
  const dataDir = options.dataDir ?? tempDir();
  const broker = await startBroker({
    host: '127.0.0.1',
    port: 0,
    dataDir,
    storage: options.storage ?? 'file',
    config: options.config ?? {},
    logLevel: 'silent',
    ...(options.fileOps ? { fileOps: options.fileOps } : {}),
  });
  return Object.assign(broker, { dataDir });
}

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled CLI entry point (dist/src/cli/main.js). */
export const cliPath = join(here, '..', '..', 'src', 'cli', 'main.js');

export interface ChildBroker {
  child: ChildProcess;
  port: number;
  bootstrapServers: string;
  output(): string;
  /** Waits for the process to exit, returning its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Runs `brook start` in a child process and resolves once it listens. */
export function startChildBroker(dataDir: string, port: number, extraArgs: string[] = []): Promise<ChildBroker> {
  const child = spawn(process.execPath, [cliPath, 'start', '--host', '127.0.0.1', '--port', String(port), '--data-dir', dataDir, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/listening/i.test(output)) {
        resolve({ child, port, bootstrapServers: `127.0.0.1:${port}`, output: () => output, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    exited.then(({ code, signal }) => reject(new Error(`broker exited (${code ?? signal}) before listening:\n${output}`)));
  });
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * `count` consecutive free ports on 127.0.0.1 (for commands that use port+1, port+2...), below the
 * ephemeral range so that no outgoing connection of a test running beside takes one meanwhile.
 */
export async function freePortRun(count: number): Promise<number> {
  const net = await import('node:net');
  const canBind = (port: number) =>
    new Promise<import('node:net').Server | null>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  for (let attempt = 0; attempt < 100; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * (12_000 - count));
    const servers = await Promise.all(Array.from({ length: count }, (_, i) => canBind(first + i)));
    await Promise.all(servers.map((s) => (s ? new Promise((r) => s.close(r)) : null)));
    if (servers.every((s) => s !== null)) return first;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}
