/** Temp dirs and small file utilities for the file store tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeFileOps, type FileOps } from '../../src/storage/file/fs-ops.js';

const dirs: string[] = [];

export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'brook-storage-'));
  dirs.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Path of the compiled child-process fixture next to the compiled tests. */
export const CHILD_SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', 'store-child.js');

/** Starts the child fixture; `lines` collects its complete stdout lines. */
export function startChild(args: object): { child: ChildProcess; lines: string[]; waitFor(pred: (lines: string[]) => boolean): Promise<void>; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CHILD_SCRIPT, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  let stderr = '';
  const watchers: Array<() => void> = [];
  child.stdout!.setEncoding('utf8').on('data', (text: string) => {
    const parts = (partial + text).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
    for (const w of watchers.splice(0)) w();
  });
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    for (const w of watchers.splice(0)) w();
    resolve(code);
  }));
  const waitFor = (pred: (lines: string[]) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pred(lines)) return resolve();
        if (child.exitCode !== null || child.signalCode !== null) return reject(new Error(`child exited: ${stderr}`));
        watchers.push(check);
      };
      check();
    });
  return { child, lines, waitFor, exited };
}

/** Kills the child with SIGKILL and waits for it to be gone. */
export async function killHard(c: { child: ChildProcess; exited: Promise<number | null> }): Promise<void> {
  c.child.kill('SIGKILL');
  await c.exited;
}

export interface OpCounts {
  fsync: number;
  read: number;
  /** Every gather write, on the thread pool or not. */
  writev: number;
  /** Those made on the calling thread. */
  writevSync: number;
  open: number;
}

/** FileOps that count calls, optionally failing writev once `failWritesAfter` writes happened. */
export function countingOps(base: FileOps = nodeFileOps): { ops: FileOps; counts: OpCounts; failWrites(on: boolean): void } {
  const counts: OpCounts = { fsync: 0, read: 0, writev: 0, writevSync: 0, open: 0 };
  let failing = false;
  const ops: FileOps = {
    ...base,
    open: (p, f) => (counts.open++, base.open(p, f)),
    read: (fd, b, o, l, p) => (counts.read++, base.read(fd, b, o, l, p)),
    writev: (fd, bufs, p) => {
      counts.writev++;
      if (failing) return Promise.reject(Object.assign(new Error('EIO: injected write failure'), { code: 'EIO' }));
      return base.writev(fd, bufs, p);
    },
    writevSync: (fd, bufs, p) => {
      counts.writev++;
      counts.writevSync++;
      if (failing) throw Object.assign(new Error('EIO: injected write failure'), { code: 'EIO' });
      return base.writevSync(fd, bufs, p);
    },
    fsync: (fd) => (counts.fsync++, base.fsync(fd)),
  };
  return { ops, counts, failWrites: (on) => (failing = on) };
}
