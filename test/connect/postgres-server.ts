/**
 * A throwaway PostgreSQL server for tests: initdb in a temp dir, a free port, trust auth, fsync
 * off, wal_level=logical. Uses the Debian `postgresql` package's binaries; as root (CI) the
 * server runs as the `postgres` user (spawn's uid/gid), since PostgreSQL refuses to run as root.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { freePort, removeDir, tempDir } from '../helpers/broker.js';

export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, 'bin') : null;
}

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

export async function startPostgres(): Promise<TestPostgres> {
  const bin = postgresBinDir();
  if (!bin) throw new Error('PostgreSQL binaries not found (Debian package postgresql)');
  const dir = tempDir('brook-pg-');
  const user: { uid?: number; gid?: number } = process.getuid?.() === 0 ? userIds('postgres') : {};
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const data = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'brook', '--no-sync', '-E', 'UTF8'], { stdio: 'ignore', ...user });
  const port = await freePort();
  const args = ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'wal_level=logical'];
  const child: ChildProcess = spawn(join(bin, 'postgres'), args, { stdio: 'ignore', ...user });
  const url = `postgres://brook@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 2 });
    try {
      await sql`select 1`;
      await sql.end();
      break;
    } catch (err) {
      await sql.end({ timeout: 0 });
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`PostgreSQL did not start: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  return {
    url,
    async stop() {
      const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
      child.kill('SIGINT'); // fast shutdown
      await exited;
      removeDir(dir);
    },
  };
}

function userIds(name: string): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', name]).toString().trim()), gid: Number(execFileSync('id', ['-g', name]).toString().trim()) };
}
