/**
 * `recovery-point-offset-checkpoint` at the data dir root, Kafka's OffsetCheckpointFile format
 * (text, one item per line, written atomically):
 *
 *   0                      format version
 *   <n>                    number of entries
 *   <topic> <partition> <offset>    n lines: everything below <offset> was fsynced
 *
 * On open, a partition's segments below its recovery point are trusted and not scanned.
 */
import * as path from 'node:path';
import type { FileOps } from './fs-ops.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
const VERSION = 0;

export type CheckpointEntries = Map<string, number>;

/** Map key for a partition (topic names cannot contain spaces or NUL). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic} ${partition}`;
}

/** Reads the checkpoint; a missing or malformed file yields an empty map (everything is scanned). */
export async function readRecoveryCheckpoint(dataDir: string): Promise<CheckpointEntries> {
  const text = await readTextIfExists(path.join(dataDir, RECOVERY_POINT_CHECKPOINT_FILE));
  const entries: CheckpointEntries = new Map();
  if (text === null) return entries;
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (Number(lines[0]) !== VERSION || Number(lines[1]) !== lines.length - 2) return new Map();
  for (const line of lines.slice(2)) {
    const parts = line.split(' ');
    const partition = Number(parts[1]);
    const offset = Number(parts[2]);
    if (parts.length !== 3 || !Number.isInteger(partition) || !Number.isInteger(offset)) return new Map();
    entries.set(partitionKey(parts[0]!, partition), offset);
  }
  return entries;
}

export function formatRecoveryCheckpoint(entries: CheckpointEntries): string {
  const lines = [String(VERSION), String(entries.size)];
  for (const [key, offset] of entries) lines.push(`${key} ${offset}`);
  return lines.join('\n') + '\n';
}

export async function writeRecoveryCheckpoint(ops: FileOps, dataDir: string, entries: CheckpointEntries): Promise<void> {
  await writeFileAtomic(ops, path.join(dataDir, RECOVERY_POINT_CHECKPOINT_FILE), formatRecoveryCheckpoint(entries));
}
