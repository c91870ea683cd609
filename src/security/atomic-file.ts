/** Whole-file replacement that a crash cannot tear: write `<path>.tmp`, fsync, rename over `path`. */
import { open, readFile, rename } from 'node:fs/promises';

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
}

/** The file's text, or null when it does not exist. */
export async function readIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
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
