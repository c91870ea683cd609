/**
 * Time index (`<baseOffset>.timeindex`), Kafka's TimeIndex format:
 *
 *   entry (12 bytes, big-endian), repeated, no header:
 *     int64 timestamp        max timestamp of the segment so far (ms)
 *     int32 relativeOffset   offset - segment baseOffset of the last record of the batch that
 *                            first reached that timestamp
 *
 * An entry is added alongside each offset index entry, but only if the timestamp is greater than
 * the last entry's, so timestamps are strictly increasing. When a segment stops being active (roll,
 * close, recovery) one more entry records its final max timestamp, as Kafka does; the last entry is
 * therefore the segment's largest timestamp. lookup(t) returns the last entry with timestamp <= t
 * (or {-1, baseOffset}): the first record with timestamp >= t is at that offset or later.
 */

export const TIME_INDEX_ENTRY_BYTES = 12;
/** Kafka's RecordBatch.NO_TIMESTAMP. */
export const NO_TIMESTAMP = -1;
const INITIAL_CAPACITY = 64;

export class TimeIndex {
  private timestamps: Float64Array;
  private relOffsets: Int32Array;
  entries = 0;
  entriesInFile = 0;
  readonly maxEntries: number;

  constructor(
    readonly baseOffset: number,
    maxIndexBytes: number,
    capacity = INITIAL_CAPACITY,
  ) {
    this.maxEntries = Math.floor(maxIndexBytes / TIME_INDEX_ENTRY_BYTES);
    const initial = Math.max(1, capacity);
    this.timestamps = new Float64Array(initial);
    this.relOffsets = new Int32Array(initial);
  }

  get isFull(): boolean {
    return this.entries >= this.maxEntries;
  }

  get lastTimestamp(): number {
    return this.entries === 0 ? NO_TIMESTAMP : this.timestamps[this.entries - 1]!;
  }

  get lastOffset(): number {
    return this.entries === 0 ? this.baseOffset : this.baseOffset + this.relOffsets[this.entries - 1]!;
  }

  timestampAt(i: number): number {
    return this.timestamps[i]!;
  }

  offsetAt(i: number): number {
    return this.baseOffset + this.relOffsets[i]!;
  }

  /**
   * Kafka's maybeAppend: adds (timestamp, offset) only if the timestamp is larger than the last
   * one. `force` lets the closing entry past a full index (the segment is being sealed anyway).
   */
  maybeAppend(timestampMs: number, offset: number, force = false): void {
    if (timestampMs <= this.lastTimestamp) return;
    if (!force && this.isFull) return;
    // Offsets never go backwards in a healthy index; after recovering a damaged one they could, and
    // a missing time index entry only makes lookups scan a little more, so skip rather than throw.
    if (offset < this.lastOffset) return;
    if (this.entries === this.timestamps.length) this.grow();
    this.timestamps[this.entries] = timestampMs;
    this.relOffsets[this.entries] = offset - this.baseOffset;
    this.entries++;
  }

  /** Last entry with timestamp <= target, else {NO_TIMESTAMP, baseOffset}. */
  lookup(targetTimestampMs: number): { timestampMs: number; offset: number } {
    let lo = 0;
    let hi = this.entries - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.timestamps[mid]! <= targetTimestampMs) {
        found = mid;
        lo = mid + 1;
      } else {
        hi = mid - 1;
      }
    }
    if (found < 0) return { timestampMs: NO_TIMESTAMP, offset: this.baseOffset };
    return { timestampMs: this.timestamps[found]!, offset: this.offsetAt(found) };
  }

  /** Keeps only entries whose offset is below `offset` (memory only). Returns the count kept. */
  truncateBeforeOffset(offset: number): number {
    let n = this.entries;
    while (n > 0 && this.offsetAt(n - 1) >= offset) n--;
    this.entries = n;
    this.entriesInFile = Math.min(this.entriesInFile, n);
    return n;
  }

  trim(): void {
    this.timestamps = this.timestamps.slice(0, Math.max(1, this.entries));
    this.relOffsets = this.relOffsets.slice(0, Math.max(1, this.entries));
  }

  unwritten(): { bytes: Buffer; position: number; upTo: number } | null {
    if (this.entriesInFile >= this.entries) return null;
    return {
      bytes: this.encode(this.entriesInFile, this.entries),
      position: this.entriesInFile * TIME_INDEX_ENTRY_BYTES,
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
    const out = Buffer.allocUnsafe((to - from) * TIME_INDEX_ENTRY_BYTES);
    for (let i = from, p = 0; i < to; i++, p += TIME_INDEX_ENTRY_BYTES) {
      const ts = this.timestamps[i]!;
      const high = Math.floor(ts / 0x1_0000_0000);
      out.writeInt32BE(high, p);
      out.writeUInt32BE(ts - high * 0x1_0000_0000, p + 4);
      out.writeInt32BE(this.relOffsets[i]!, p + 8);
    }
    return out;
  }

  /**
   * Loads a time index file, keeping the longest plausible prefix (timestamps strictly increasing,
   * offsets non-decreasing and not below the base). `intact` is false if anything was dropped.
   */
  static decode(baseOffset: number, maxIndexBytes: number, bytes: Buffer): { index: TimeIndex; intact: boolean } {
    const count = Math.floor(bytes.length / TIME_INDEX_ENTRY_BYTES);
    const index = new TimeIndex(baseOffset, maxIndexBytes, Math.max(count, 1));
    let intact = bytes.length % TIME_INDEX_ENTRY_BYTES === 0;
    for (let i = 0; i < count; i++) {
      const p = i * TIME_INDEX_ENTRY_BYTES;
      const ts = bytes.readInt32BE(p) * 0x1_0000_0000 + bytes.readUInt32BE(p + 4);
      const rel = bytes.readInt32BE(p + 8);
      const prevTs = i === 0 ? NO_TIMESTAMP : index.timestamps[i - 1]!;
      const prevRel = i === 0 ? 0 : index.relOffsets[i - 1]!;
      if (ts <= prevTs || rel < prevRel) {
        intact = false;
        break;
      }
      index.timestamps[i] = ts;
      index.relOffsets[i] = rel;
      index.entries++;
    }
    index.entriesInFile = index.entries;
    return { index, intact };
  }

  private grow(): void {
    const capacity = this.timestamps.length * 2;
    const ts = new Float64Array(capacity);
    const rel = new Int32Array(capacity);
    ts.set(this.timestamps);
    rel.set(this.relOffsets);
    this.timestamps = ts;
    this.relOffsets = rel;
  }
}
