/**
 * Retires deleted segments the way Kafka does (file.delete.delay.ms): the segment's files are
 * renamed to `<name>.deleted` at once (oldest segment first, .log before its indexes, so a crash
 * mid-way leaves a prefix of the log deleted and no live segment without its data), then closed
 * and unlinked once the delay has passed. Reads already holding the segment keep working until
 * then. Leftover `.deleted` files are removed when a partition is next opened (log-loader.ts).
 */
import { rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { fsyncDir, type FileOps } from './fs-ops.js';
import type { Segment } from './segment.js';

export const DELETED_SUFFIX = '.deleted';

interface Pending {
  segment: Segment;
  dueMs: number;
  /** False for a segment whose files were replaced (cleaned): only its fds are closed. */
  unlink: boolean;
}

export class SegmentDeleter {
  private readonly pending: Pending[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerDueMs = Infinity;
  /** Segment files unlinked so far. */
  filesDeleted = 0;

  constructor(
    private readonly ops: FileOps,
    private readonly clock: () => number,
  ) {}

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Renames the segments' files to `.deleted` (durably) and schedules their removal. */
  async retire(segments: Segment[], delayMs: number): Promise<void> {
    if (segments.length === 0) return;
    for (const seg of segments) {
      const renamed = {
        log: seg.paths.log + DELETED_SUFFIX,
        index: seg.paths.index + DELETED_SUFFIX,
        timeIndex: seg.paths.timeIndex + DELETED_SUFFIX,
        txnIndex: seg.paths.txnIndex + DELETED_SUFFIX,
      };
      await renameIfExists(seg.paths.log, renamed.log);
      await renameIfExists(seg.paths.index, renamed.index);
      await renameIfExists(seg.paths.timeIndex, renamed.timeIndex);
      await renameIfExists(seg.paths.txnIndex, renamed.txnIndex);
      seg.paths = renamed;
    }
    await fsyncDir(this.ops, path.dirname(segments[0]!.paths.log)).catch(() => undefined);
    const dueMs = this.clock() + Math.max(0, delayMs);
    for (const segment of segments) this.pending.push({ segment, dueMs, unlink: true });
    if (delayMs <= 0) await this.runDue();
    else this.arm(delayMs);
  }

  /** Closes a replaced segment's fds once no read holds them (its files now hold new data). */
  release(segment: Segment): void {
    this.pending.push({ segment, dueMs: -Infinity, unlink: false });
    if (segment.readers === 0) void this.runDue().catch(() => undefined);
    else this.arm(100);
  }

  /** Removes every retired segment whose delay has passed (by the injected clock). */
  async runDue(): Promise<void> {
    const now = this.clock();
    const due = this.pending.filter((p) => p.dueMs <= now && p.segment.readers === 0);
    if (due.length === 0) return;
    for (const p of due) this.pending.splice(this.pending.indexOf(p), 1);
    await Promise.all(due.map((p) => (p.unlink ? this.remove(p.segment) : p.segment.closeAll(this.ops))));
  }

  /** Removes everything pending now (store close). */
  async runAll(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const all = this.pending.splice(0);
    await Promise.all(all.map((p) => (p.unlink ? this.remove(p.segment) : p.segment.closeAll(this.ops))));
  }

  private async remove(seg: Segment): Promise<void> {
    await seg.closeAll(this.ops);
    for (const file of [seg.paths.log, seg.paths.index, seg.paths.timeIndex, seg.paths.txnIndex]) {
      try {
        await unlink(file);
        this.filesDeleted++;
      } catch {
        // Already gone (the partition was deleted, or a restart cleaned it up).
      }
    }
  }

  /** A real-time timer as a backstop; tests with an injected clock call runDue() themselves. */
  private arm(delayMs: number): void {
    const dueMs = Date.now() + delayMs;
    if (this.timer && this.timerDueMs <= dueMs) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDueMs = dueMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDueMs = Infinity;
      void this.runDue().catch(() => undefined).then(() => {
        if (this.pending.length > 0) this.arm(Math.max(100, Math.min(...this.pending.map((p) => p.dueMs)) - this.clock()));
      });
    }, delayMs);
    this.timer.unref();
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}
