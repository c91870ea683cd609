/**
 * Offset checkpoint files at the data dir root, Kafka's OffsetCheckpointFile format (text, one
 * item per line, written atomically):
 *
 *   0                      format version
 *   <n>                    number of entries
 *   <topic> <partition> <offset>    n lines
 *
 * `recovery-point-offset-checkpoint`: everything below <offset> was fsynced; on open, a
 * partition's segments below its recovery point are trusted and not scanned.
 * `log-start-offset-checkpoint`: the partition's log start offset, when DeleteRecords or
 * retention moved it past the first segment's base offset (Kafka writes only those entries).
 */
import * as path from 'node:path';
import type { FileOps } from './fs-ops.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';

export const RECOVERY_POINT_CHECKPOINT_FILE = 'recovery-point-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT_FILE = 'log-start-offset-checkpoint';
const VERSION = 0;

export type CheckpointEntries = Map<string, number>;

/** Map key for a partition (topic names cannot contain spaces or NUL). */
export function partitionKey(topic: string, partition: number): string {
  return `${topic} ${partition}`;
}

/** Reads the checkpoint; a missing or malformed file yields an empty map (everything is scanned). */
export async function readRecoveryCheckpoint(dataDir: string): Promise<CheckpointEntries> {
  return readOffsetCheckpoint(dataDir, RECOVERY_POINT_CHECKPOINT_FILE);
}

export async function readOffsetCheckpoint(dataDir: string, fileName: string): Promise<CheckpointEntries> {
  const text = await readTextIfExists(path.join(dataDir, fileName));
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

/**
 * One checkpoint file kept in memory and rewritten on demand. Writes never overlap: a write asked
 * for while one runs is coalesced into a single follow-up write of the latest entries.
 */
export class OffsetCheckpoint {
  readonly entries: CheckpointEntries = new Map();
  private running: Promise<void> | null = null;
  private again: Promise<void> | null = null;
  writes = 0;

  constructor(
    private readonly ops: FileOps,
    private readonly dataDir: string,
    private readonly fileName: string,
  ) {}

  async load(): Promise<void> {
    this.entries.clear();
    for (const [k, v] of await readOffsetCheckpoint(this.dataDir, this.fileName)) this.entries.set(k, v);
  }

  write(): Promise<void> {
    if (this.running) {
      this.again ??= this.running.then(() => {
        this.again = null;
        return this.write();
      });
      return this.again;
    }
    const text = formatRecoveryCheckpoint(new Map(this.entries));
    this.running = writeFileAtomic(this.ops, path.join(this.dataDir, this.fileName), text)
      .then(() => {
        this.writes++;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }
}
