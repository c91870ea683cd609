/**
 * An ordered list of appended chunks (each one append's Buffer of whole v2 batches, with the
 * offsets it covers), answering reads with the same semantics as a segment read. The memory store
 * keeps its whole log in one; the file store keeps its tail cache in one.
 *
 * Chunks are held in parallel arrays with a moving head, so eviction from the front is O(1) and
 * no object is created per batch or record; reads walk batch headers inside the chunks.
 */
import { batchBaseOffset, batchLastOffsetDelta, batchMaxTimestamp, batchSize } from '../records/batch-header.js';
import type { ReadOptions, ReadResult, TimestampLookup } from './types.js';

const COMPACT_MIN_HEAD = 1024;

export class BatchList {
  private bases: number[] = [];
  private ends: number[] = [];
  private bufs: Buffer[] = [];
  /** Running max of chunk max timestamps, for a binary search by timestamp. */
  private prefixMaxTs: number[] = [];
  /** Each chunk's own max timestamp (retention.ms in the memory store). */
  private maxTs: number[] = [];
  private head = 0;
  /** Bytes of the chunks held. */
  bytes = 0;

  get count(): number {
    return this.bases.length - this.head;
  }

  /** First offset held, or Infinity when empty. */
  get firstOffset(): number {
    return this.head < this.bases.length ? this.bases[this.head]! : Infinity;
  }

  /** End offset of the first chunk (what evicting it would drop up to). */
  get firstEndOffset(): number {
    return this.head < this.ends.length ? this.ends[this.head]! : Infinity;
  }

  get firstBytes(): number {
    return this.head < this.bufs.length ? this.bufs[this.head]!.length : 0;
  }

  /** Max timestamp of the first chunk, or -1 when empty. */
  get firstMaxTimestampMs(): number {
    return this.head < this.maxTs.length ? this.maxTs[this.head]! : -1;
  }

  /** [base offset, end offset, bytes, max timestamp] of chunk i (0 = first held), for retention. */
  chunkAt(i: number): { baseOffset: number; endOffset: number; sizeBytes: number; maxTimestampMs: number } | null {
    const j = this.head + i;
    if (j >= this.bases.length) return null;
    return { baseOffset: this.bases[j]!, endOffset: this.ends[j]!, sizeBytes: this.bufs[j]!.length, maxTimestampMs: this.maxTs[j]! };
  }

  /** Adds a chunk covering offsets [baseOffset, endOffset). */
  push(baseOffset: number, endOffset: number, buf: Buffer, maxTimestampMs: number): void {
    const n = this.prefixMaxTs.length;
    const prevMax = n > 0 ? this.prefixMaxTs[n - 1]! : -Infinity;
    this.bases.push(baseOffset);
    this.ends.push(endOffset);
    this.bufs.push(buf);
    this.prefixMaxTs.push(Math.max(prevMax, maxTimestampMs));
    this.maxTs.push(maxTimestampMs);
    this.bytes += buf.length;
  }

  /** Drops the first chunk. */
  shift(): void {
    if (this.head >= this.bases.length) return;
    this.bytes -= this.bufs[this.head]!.length;
    this.bufs[this.head] = EMPTY;
    this.head++;
    if (this.head >= COMPACT_MIN_HEAD && this.head * 2 >= this.bases.length) this.compact();
  }

  clear(): void {
    this.bases = [];
    this.ends = [];
    this.bufs = [];
    this.prefixMaxTs = [];
    this.maxTs = [];
    this.head = 0;
    this.bytes = 0;
  }

  /**
   * Drops every whole batch holding an offset >= `offset` (follower truncation). Returns the
   * offset the list now ends at: the base of the batch containing `offset`, or `offset` itself
   * when it is past everything held.
   */
  truncateAt(offset: number): number {
    let end = offset;
    while (this.bases.length > this.head) {
      const i = this.bases.length - 1;
      if (this.ends[i]! <= offset) break;
      const buf = this.bufs[i]!;
      let pos = 0;
      while (pos < buf.length && batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos) < offset) pos += batchSize(buf, pos);
      end = pos < buf.length ? batchBaseOffset(buf, pos) : this.ends[i]!;
      this.bytes -= buf.length - pos;
      if (pos === 0) {
        this.bases.pop();
        this.ends.pop();
        this.bufs.pop();
        this.prefixMaxTs.pop();
        this.maxTs.pop();
        continue;
      }
      const kept = buf.subarray(0, pos);
      let maxTs = -1;
      for (let p = 0; p < kept.length; p += batchSize(kept, p)) maxTs = Math.max(maxTs, batchMaxTimestamp(kept, p));
      this.bufs[i] = kept;
      this.ends[i] = end;
      this.maxTs[i] = maxTs;
      this.prefixMaxTs[i] = Math.max(i > 0 ? this.prefixMaxTs[i - 1]! : -Infinity, maxTs);
      break;
    }
    return end;
  }

  /** The batch with the largest max timestamp (its last offset), or null; walks every header. */
  maxTimestamp(): TimestampLookup | null {
    let best: TimestampLookup | null = null;
    for (let i = this.head; i < this.bufs.length; i++) {
      const buf = this.bufs[i]!;
      for (let pos = 0; pos < buf.length; pos += batchSize(buf, pos)) {
        const ts = batchMaxTimestamp(buf, pos);
        if (ts >= 0 && (!best || ts > best.timestampMs)) best = { offset: batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos), timestampMs: ts };
      }
    }
    return best;
  }

  /**
   * Index of the chunk holding `offset`, or -1. Within the list, an offset in a gap (chunks or
   * batches a compaction removed) finds the next chunk, as a read in a compacted log does.
   */
  private find(offset: number): number {
    if (this.head >= this.bases.length || offset < this.bases[this.head]!) return -1;
    let lo = this.head;
    let hi = this.bases.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! > offset) {
        found = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    return found;
  }

  /** The bytes of chunk i (0 = first held), or null. */
  bufAt(i: number): Buffer | null {
    const j = this.head + i;
    return j < this.bufs.length ? this.bufs[j]! : null;
  }

  /**
   * Replaces the first `count` chunks with `chunks` (the compacted versions of some of them, in
   * order). Offsets are the caller's to keep consistent: each kept chunk keeps its range.
   */
  replacePrefix(count: number, chunks: ReadonlyArray<{ baseOffset: number; endOffset: number; buf: Buffer; maxTimestampMs: number }>): void {
    const rest = { bases: this.bases.slice(this.head + count), ends: this.ends.slice(this.head + count), bufs: this.bufs.slice(this.head + count), maxTs: this.maxTs.slice(this.head + count) };
    this.clear();
    for (const c of chunks) this.push(c.baseOffset, c.endOffset, c.buf, c.maxTimestampMs);
    for (let i = 0; i < rest.bases.length; i++) this.push(rest.bases[i]!, rest.ends[i]!, rest.bufs[i]!, rest.maxTs[i]!);
  }

  /**
   * Whole batches from the one containing `offset`, or null if `offset` is not held.
   * Stops before a batch whose base offset is >= maxOffset, and at maxBytes (KIP-74 minOneBatch).
   */
  read(offset: number, options: ReadOptions): ReadResult | null {
    let i = this.find(offset);
    if (i < 0) return null;
    const chunks: Buffer[] = [];
    let total = 0;
    let buf = this.bufs[i]!;
    let pos = 0;
    while (pos < buf.length && batchBaseOffset(buf, pos) + batchLastOffsetDelta(buf, pos) < offset) {
      pos += batchSize(buf, pos);
    }
    const maxOffset = options.maxOffset ?? Infinity;
    for (;;) {
      const start = pos;
      let stop = false;
      while (pos < buf.length) {
        const size = batchSize(buf, pos);
        if (batchBaseOffset(buf, pos) >= maxOffset) {
          stop = true;
          break;
        }
        if (total + size > options.maxBytes && !(total === 0 && options.minOneBatch)) {
          stop = true;
          break;
        }
        total += size;
        pos += size;
      }
      if (pos > start) chunks.push(buf.subarray(start, pos));
      i++;
      if (stop || i >= this.bases.length) break;
      buf = this.bufs[i]!;
      pos = 0;
    }
    return { chunks, bytes: total };
  }

  /** First batch (from `fromOffset` on) whose max timestamp is >= timestampMs, or null. */
  findTimestamp(timestampMs: number): TimestampLookup | null {
    let lo = this.head;
    let hi = this.bases.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.prefixMaxTs[mid]! >= timestampMs) {
        found = mid;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    if (found < 0) return null;
    // After eviction the running max may come from a dropped chunk: scan forward from `found`.
    for (let i = found; i < this.bases.length; i++) {
      const buf = this.bufs[i]!;
      for (let pos = 0; pos < buf.length; pos += batchSize(buf, pos)) {
        const ts = batchMaxTimestamp(buf, pos);
        if (ts >= timestampMs) return { offset: batchBaseOffset(buf, pos), timestampMs: ts };
      }
    }
    return null;
  }

  private compact(): void {
    this.bases = this.bases.slice(this.head);
    this.ends = this.ends.slice(this.head);
    this.bufs = this.bufs.slice(this.head);
    this.prefixMaxTs = this.prefixMaxTs.slice(this.head);
    this.maxTs = this.maxTs.slice(this.head);
    this.head = 0;
  }
}

const EMPTY = Buffer.alloc(0);
