/**
 * Crash-safe replacement of a small file: write `<name>.tmp`, fsync it, rename over the target,
 * fsync the directory. A crash leaves either the old or the new content, never a mix; a leftover
 * `.tmp` is ignored (and removed) on the next open.
 */
import { readFile, rename } from 'node:fs/promises';
import * as path from 'node:path';
import { fsyncDir, writevFully, type FileOps } from './fs-ops.js';

export async function writeFileAtomic(ops: FileOps, file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.tmp`;
  const fd = await ops.open(tmp, 'w');
  try {
    await writevFully(ops, fd, [typeof data === 'string' ? Buffer.from(data, 'utf8') : data], 0);
    await ops.fsync(fd);
  } finally {
    await ops.close(fd);
  }
  await rename(tmp, file);
  await fsyncDir(ops, path.dirname(file));
}

/** Reads a file as UTF-8, or returns null if it does not exist. */
export async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
