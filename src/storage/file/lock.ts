/**
 * The data dir lock, `<dataDir>/.lock`: a file whose content is the holder's pid and a newline.
 *
 * Node has no flock(), so the lock is the file's existence. It is created atomically with its
 * content already in it (write a private temp file, then link() it to `.lock`, which fails with
 * EEXIST if the lock exists: the O_EXCL guarantee, but a crash can never leave an empty lock).
 * A lock whose pid is no longer alive (process.kill(pid, 0) fails with ESRCH) was left by a killed
 * process and is taken over. Limits: the pid could have been reused by an unrelated process (then
 * the lock must be removed by hand), and two processes taking over the same stale lock at the
 * same instant could both remove it; both are far rarer than the crash this handles.
 */
import { link, readFile, unlink, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

export const LOCK_FILE = '.lock';
const MAX_ATTEMPTS = 5;

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(`data dir ${dataDir} is locked by running process ${pid} (${path.join(dataDir, LOCK_FILE)})`);
  }
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export class DataDirLock {
  private released = false;

  private constructor(
    readonly dataDir: string,
    readonly file: string,
  ) {}

  /** Takes the lock or throws DataDirLockedError naming the live holder. */
  static async acquire(dataDir: string): Promise<DataDirLock> {
    const file = path.join(dataDir, LOCK_FILE);
    const content = `${process.pid}\n`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (await createWithContent(file, content)) return new DataDirLock(dataDir, file);
      const holder = await readHolder(file);
      if (holder === null) continue; // vanished between our create and read: retry
      if (isProcessAlive(holder)) throw new DataDirLockedError(dataDir, holder);
      // Stale: remove it only if it still names the dead pid, then race for it again.
      if ((await readHolder(file)) === holder) await unlink(file).catch(() => undefined);
    }
    throw new DataDirLockedError(dataDir, (await readHolder(file)) ?? -1);
  }

  /** Removes the lock if it is still ours. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    if ((await readHolder(this.file)) === process.pid) await unlink(this.file).catch(() => undefined);
  }
}

async function createWithContent(file: string, content: string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  await writeFile(tmp, content);
  try {
    await link(tmp, file);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** The pid in the lock file; NaN-ish garbage counts as a dead holder (-1); null if no file. */
async function readHolder(file: string): Promise<number | null> {
  try {
    const text = await readFile(file, 'utf8');
    const pid = Number.parseInt(text.trim(), 10);
    return Number.isInteger(pid) ? pid : -1;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
