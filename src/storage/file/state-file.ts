/**
 * Small per-partition state files beside the segments (PartitionLog.readStateFile/writeStateFile),
 * e.g. src/txn's producer state snapshot. Written crash-safely through writeFileAtomic: a leftover
 * `<name>.tmp` is a stray the log loader removes on the next open.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-file.js';
import type { FileOps } from './fs-ops.js';

const PLAIN_NAME = /^[A-Za-z0-9._-]+$/;

function statePath(dir: string, name: string): string {
  if (!PLAIN_NAME.test(name) || name.startsWith('.') || name.endsWith('.tmp')) throw new Error(`illegal state file name ${name}`);
  return path.join(dir, name);
}

export async function readStateFile(dir: string, name: string): Promise<Buffer | null> {
  try {
    return await readFile(statePath(dir, name));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export function writeStateFile(ops: FileOps, dir: string, name: string, data: Buffer): Promise<void> {
  return writeFileAtomic(ops, statePath(dir, name), data);
}
