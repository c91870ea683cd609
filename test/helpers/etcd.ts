/** Test helper: a throwaway etcd on free loopback ports with a temp data dir. */
import { existsSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort, removeDir, tempDir } from './broker.js';

export const ETCD_BINARY = '/usr/bin/etcd';
/** Pass to `test(..., { skip })`: the reason when etcd is not installed, else false. */
export const etcdMissing: string | false = existsSync(ETCD_BINARY) ? false : `${ETCD_BINARY} not installed (Debian package etcd-server)`;

export interface TestEtcd {
  endpoint: string;
  /** kill -9 then start again on the same ports and data (an etcd restart). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startEtcd(): Promise<TestEtcd> {
  const dataDir = tempDir('brook-etcd-');
  const clientPort = await freePort();
  const peerPort = await freePort();
  const endpoint = `http://127.0.0.1:${clientPort}`;
  let child: ChildProcess | null = null;
  const launch = async (): Promise<void> => {
    const proc = spawn(
      ETCD_BINARY,
      [
        '--name', 'test', '--data-dir', dataDir,
        '--listen-client-urls', endpoint, '--advertise-client-urls', endpoint,
        '--listen-peer-urls', `http://127.0.0.1:${peerPort}`, '--initial-advertise-peer-urls', `http://127.0.0.1:${peerPort}`,
        '--initial-cluster', `test=http://127.0.0.1:${peerPort}`,
        '--max-txn-ops', '10000', '--log-level', 'error',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ETCD_UNSUPPORTED_ARCH: process.arch === 'x64' ? '' : process.arch } },
    );
    child = proc;
    let stderr = '';
    proc.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (proc.exitCode !== null) throw new Error(`etcd exited: ${stderr}`);
      try {
        const res = await fetch(`${endpoint}/health`);
        if (res.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`etcd did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const kill = async (): Promise<void> => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGKILL');
    await exited;
  };
  await launch();
  return {
    endpoint,
    restart: async () => {
      await kill();
      await launch();
    },
    stop: async () => {
      await kill();
      removeDir(dataDir);
    },
  };
}
