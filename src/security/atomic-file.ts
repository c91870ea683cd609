/**
 * Whole-file replacement that a crash cannot tear: write `<path>.tmp`, fsync, rename over `path`,
 * fsync the directory. Security files (credentials, ACLs, quotas) are created owner-only (0600),
 * which is why this is not storage's writeFileAtomic.
 */
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fsyncDir, nodeFileOps } from '../storage/file/fs-ops.js';

export { readTextIfExists as readIfExists } from '../storage/file/atomic-file.js';

export async function replaceFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w', 0o600);
  try {
    await file.writeFile(text, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
  await fsyncDir(nodeFileOps, dirname(path));
}

/**
 * Serialises whole-state writes: each write carries the full state, and a failed one does not
 * poison the ones after it.
 */
export class SerialWriter {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly path: string | null) {}

  write(text: string): Promise<void> {
    const path = this.path;
    if (path === null) return Promise.resolve();
    this.writing = this.writing.catch(() => undefined).then(() => replaceFile(path, text));
    return this.writing;
  }
}
