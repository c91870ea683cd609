/**
 * `<topic>-<partition>/leader-epoch-checkpoint`, Kafka's LeaderEpochCheckpointFile format (text,
 * written atomically: temp file, fsync, rename):
 *
 *   0                        format version
 *   <n>                      number of entries
 *   <epoch> <startOffset>    n lines, epochs and start offsets strictly increasing
 *
 * Each line says: leader epoch <epoch> wrote its first record at <startOffset>. A missing or
 * malformed file reads as no entries (the cache then refills from the batches appended next).
 * Writes are serialised per partition; each writes the state current when it starts.
 */
import * as path from 'node:path';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';
import type { FileOps } from './fs-ops.js';
import type { EpochEntry } from '../leader-epoch-cache.js';

export const LEADER_EPOCH_CHECKPOINT_FILE = 'leader-epoch-checkpoint';
const VERSION = 0;

export function formatLeaderEpochCheckpoint(entries: EpochEntry[]): string {
  const lines = [String(VERSION), String(entries.length)];
  for (const e of entries) lines.push(`${e.epoch} ${e.startOffset}`);
  return lines.join('\n') + '\n';
}

export function parseLeaderEpochCheckpoint(text: string): EpochEntry[] {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (Number(lines[0]) !== VERSION || Number(lines[1]) !== lines.length - 2) return [];
  const entries: EpochEntry[] = [];
  for (const line of lines.slice(2)) {
    const parts = line.split(' ');
    const epoch = Number(parts[0]);
    const startOffset = Number(parts[1]);
    if (parts.length !== 2 || !Number.isInteger(epoch) || !Number.isInteger(startOffset) || epoch < 0 || startOffset < 0) return [];
    const prev = entries[entries.length - 1];
    if (prev && (epoch <= prev.epoch || startOffset <= prev.startOffset)) return [];
    entries.push({ epoch, startOffset });
  }
  return entries;
}

export async function readLeaderEpochCheckpoint(dir: string): Promise<EpochEntry[]> {
  const text = await readTextIfExists(path.join(dir, LEADER_EPOCH_CHECKPOINT_FILE));
  return text === null ? [] : parseLeaderEpochCheckpoint(text);
}

/** Serialises checkpoint writes of one partition. */
export class LeaderEpochCheckpointWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly ops: FileOps,
    private readonly dir: string,
  ) {}

  /** Writes `entries()` (read when the write starts); resolves once it is durable. */
  write(entries: () => EpochEntry[]): Promise<void> {
    const next = this.chain.then(() => writeFileAtomic(this.ops, path.join(this.dir, LEADER_EPOCH_CHECKPOINT_FILE), formatLeaderEpochCheckpoint(entries())));
    this.chain = next.catch(() => undefined);
    return next;
  }
}
