/**
 * Offset index (`<baseOffset>.index`), Kafka's OffsetIndex format:
 *
 *   entry (8 bytes, big-endian), repeated, no header:
 *     int32 relativeOffset   offset - segment baseOffset (the LAST offset of the indexed batch)
 *     int32 position         byte position in the .log file where that batch starts
 *
 * Entries are sparse (one when more than `index.interval.bytes` of log were written since the last
 * entry) and strictly increasing in both fields. Kafka preallocates and mmaps the file; here the
 * index lives in typed arrays and new entries are appended to the file with positional writes, so
 * the file holds exactly the entries and nothing else. lookup(target) returns the position of the
 * last entry whose offset <= target (0 if none): the batch containing `target` starts there or later.
 */

export const OFFSET_INDEX_ENTRY_BYTES = 8;
const INITIAL_CAPACITY = 64;

export class OffsetIndex {
  private relOffsets: Int32Array;
  private positions: Int32Array;
  /** Entries held in memory. */
  entries = 0;
  /** Entries already written to the file (a prefix of the in-memory ones). */
  entriesInFile = 0;
  readonly maxEntries: number;

  constructor(
    readonly baseOffset: number,
    maxIndexBytes: number,
    capacity = INITIAL_CAPACITY,
  ) {
    this.maxEntries = Math.floor(maxIndexBytes / OFFSET_INDEX_ENTRY_BYTES);
    const initial = Math.max(1, capacity);
    this.relOffsets = new Int32Array(initial);
    this.positions = new Int32Array(initial);
  }

  get isFull(): boolean {
    return this.entries >= this.maxEntries;
  }

  /** Absolute offset of the last entry, or the base offset when empty (Kafka's lastOffset). */
  get lastOffset(): number {
    return this.entries === 0 ? this.baseOffset : this.baseOffset + this.relOffsets[this.entries - 1]!;
  }

  get lastPosition(): number {
    return this.entries === 0 ? 0 : this.positions[this.entries - 1]!;
  }

  offsetAt(i: number): number {
    return this.baseOffset + this.relOffsets[i]!;
  }

  positionAt(i: number): number {
    return this.positions[i]!;
  }

  append(offset: number, position: number): void {
    const rel = offset - this.baseOffset;
    if (this.entries > 0 && (rel <= this.relOffsets[this.entries - 1]! || position <= this.lastPosition)) {
      throw new Error(`offset index entries must increase: ${offset}@${position} after ${this.lastOffset}@${this.lastPosition}`);
    }
    if (this.entries === this.relOffsets.length) this.grow();
    this.relOffsets[this.entries] = rel;
    this.positions[this.entries] = position;
    this.entries++;
  }

  /** Position of the last entry with offset <= target, or 0. */
  lookup(targetOffset: number): number {
    const slot = this.slotFor(targetOffset - this.baseOffset);
    return slot < 0 ? 0 : this.positions[slot]!;
  }

  /** Index of the last entry with relative offset <= rel, or -1. */
  slotFor(rel: number): number {
    let lo = 0;
    let hi = this.entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.relOffsets[mid]! <= rel) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    return found;
  }

  /** Drops entries from index `n` on (memory only; the caller truncates the file). */
  truncateToEntries(n: number): void {
    this.entries = Math.min(this.entries, n);
    this.entriesInFile = Math.min(this.entriesInFile, n);
  }

  /** Releases spare capacity once the segment is no longer active. */
  trim(): void {
    this.relOffsets = this.relOffsets.slice(0, Math.max(1, this.entries));
    this.positions = this.positions.slice(0, Math.max(1, this.entries));
  }

  /** Entries not yet in the file, encoded, with the file position they go to; null if none. */
  unwritten(): { bytes: Buffer; position: number; upTo: number } | null {
    if (this.entriesInFile >= this.entries) return null;
    return {
      bytes: this.encode(this.entriesInFile, this.entries),
      position: this.entriesInFile * OFFSET_INDEX_ENTRY_BYTES,
      upTo: this.entries,
    };
  }

  get hasUnwritten(): boolean {
    return this.entriesInFile < this.entries;
  }

  markWritten(upTo: number): void {
    this.entriesInFile = Math.max(this.entriesInFile, Math.min(upTo, this.entries));
  }

  encode(from = 0, to = this.entries): Buffer {
    const out = Buffer.allocUnsafe((to - from) * OFFSET_INDEX_ENTRY_BYTES);
    for (let i = from, p = 0; i < to; i++, p += OFFSET_INDEX_ENTRY_BYTES) {
      out.writeInt32BE(this.relOffsets[i]!, p);
      out.writeInt32BE(this.positions[i]!, p + 4);
    }
    return out;
  }

  /**
   * Loads an index file's bytes, keeping the longest prefix of plausible entries (increasing, and
   * pointing inside a log of `logSizeBytes`). `intact` is false when anything was dropped or the
   * size is not a whole number of entries: the caller then rebuilds or truncates the file.
   */
  static decode(
    baseOffset: number,
    maxIndexBytes: number,
    bytes: Buffer,
    logSizeBytes: number,
  ): { index: OffsetIndex; intact: boolean } {
    const count = Math.floor(bytes.length / OFFSET_INDEX_ENTRY_BYTES);
    const index = new OffsetIndex(baseOffset, maxIndexBytes, Math.max(count, 1));
    let intact = bytes.length % OFFSET_INDEX_ENTRY_BYTES === 0;
    for (let i = 0; i < count; i++) {
      const rel = bytes.readInt32BE(i * OFFSET_INDEX_ENTRY_BYTES);
      const pos = bytes.readInt32BE(i * OFFSET_INDEX_ENTRY_BYTES + 4);
      const prevRel = i === 0 ? -1 : index.relOffsets[i - 1]!;
      const prevPos = i === 0 ? -1 : index.positions[i - 1]!;
      if (rel <= prevRel || pos <= prevPos || pos >= logSizeBytes) {
        intact = false;
        break;
      }
      index.relOffsets[i] = rel;
      index.positions[i] = pos;
      index.entries++;
    }
    index.entriesInFile = index.entries;
    return { index, intact };
  }

  private grow(): void {
    const capacity = this.relOffsets.length * 2;
    const rel = new Int32Array(capacity);
    const pos = new Int32Array(capacity);
    rel.set(this.relOffsets);
    pos.set(this.positions);
    this.relOffsets = rel;
    this.positions = pos;
  }
}
