/**
 * The newest appended batches of a partition, kept in memory so live consumers reading at the
 * tail never touch the disk. Also the only place appended-but-not-yet-written bytes can be read
 * from: entries stay pinned until the write queue has handed them to the OS, whatever the bound.
 *
 * Bounds: `limitBytes` per partition, and an optional TailCacheBudget shared by all partitions of
 * a store. Over budget, written chunks are evicted oldest first, round-robin across partitions.
 */
import { BatchList } from '../batch-list.js';
import type { ReadOptions, ReadResult } from '../types.js';

export class TailCacheBudget {
  usedBytes = 0;
  private readonly caches: TailCache[] = [];
  private cursor = 0;

  constructor(readonly totalBytes: number) {}

  register(cache: TailCache): void {
    this.caches.push(cache);
  }

  unregister(cache: TailCache): void {
    const i = this.caches.indexOf(cache);
    if (i >= 0) this.caches.splice(i, 1);
  }

  /** Evicts one written chunk at a time from each cache in turn until under budget. */
  reclaim(): void {
    let idle = 0;
    while (this.usedBytes > this.totalBytes && this.caches.length > 0 && idle < this.caches.length) {
      this.cursor = (this.cursor + 1) % this.caches.length;
      idle = this.caches[this.cursor]!.evictOne() ? 0 : idle + 1;
    }
  }
}

export class TailCache {
  private readonly list = new BatchList();
  /** Offsets below this are on disk; chunks ending at or below it may be evicted. */
  private writtenEndOffset = 0;

  constructor(
    private readonly limitBytes: number,
    private readonly budget: TailCacheBudget | null,
  ) {
    budget?.register(this);
  }

  get bytes(): number {
    return this.list.bytes;
  }

  /** First offset held, or Infinity. */
  get firstOffset(): number {
    return this.list.firstOffset;
  }

  push(baseOffset: number, endOffset: number, buf: Buffer, maxTimestampMs: number): void {
    this.list.push(baseOffset, endOffset, buf, maxTimestampMs);
    if (this.budget) this.budget.usedBytes += buf.length;
    this.evict();
  }

  markWritten(endOffset: number): void {
    this.writtenEndOffset = endOffset;
    this.evict();
  }

  read(offset: number, options: ReadOptions): ReadResult | null {
    return this.list.read(offset, options);
  }

  /** Evicts the oldest chunk if it is on disk. Returns whether it did. */
  evictOne(): boolean {
    if (this.list.count === 0 || this.list.firstEndOffset > this.writtenEndOffset) return false;
    const size = this.list.firstBytes;
    this.list.shift();
    if (this.budget) this.budget.usedBytes -= size;
    return true;
  }

  /** Drops written chunks ending at or below `offset` (their segment was rewritten by the cleaner). */
  dropThrough(offset: number): void {
    while (this.list.count > 0 && this.list.firstEndOffset <= offset && this.evictOne());
  }

  /** Drops every whole batch at or past `offset` (follower truncation, after a write barrier). */
  dropFrom(offset: number): void {
    const before = this.list.bytes;
    this.list.truncateAt(offset);
    if (this.budget) this.budget.usedBytes -= before - this.list.bytes;
    this.writtenEndOffset = Math.min(this.writtenEndOffset, offset);
  }

  clear(): void {
    if (this.budget) {
      this.budget.usedBytes -= this.list.bytes;
      this.budget.unregister(this);
    }
    this.list.clear();
  }

  private evict(): void {
    while (this.list.bytes > this.limitBytes && this.evictOne());
    if (this.budget && this.budget.usedBytes > this.budget.totalBytes) this.budget.reclaim();
  }
}
