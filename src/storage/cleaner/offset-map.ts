/**
 * The cleaner's key -> latest offset map for one pass (Kafka's SkimpyOffsetMap), bounded by
 * `log.cleaner.dedupe.buffer.size`: Kafka budgets 24 bytes per entry (a 16-byte hash and an
 * 8-byte offset) at a 0.9 load factor, and so does this map. A pass maps dirty batches until
 * the map is full and cleans only up to there; the rest waits for the next pass.
 *
 * Keys are held as latin1 strings (exact bytes, no hashing collisions to reason about).
 */
const BYTES_PER_ENTRY = 24;
const LOAD_FACTOR = 0.9;

export class OffsetMap {
  private readonly map = new Map<string, number>();
  readonly capacity: number;
  /** Offset after the last record put (the end of the mapped range). */
  latestOffset = -1;

  constructor(dedupeBufferBytes: number) {
    this.capacity = Math.max(1, Math.floor((dedupeBufferBytes * LOAD_FACTOR) / BYTES_PER_ENTRY));
  }

  get size(): number {
    return this.map.size;
  }

  /** Whether `extraKeys` more distinct keys still fit. */
  fits(extraKeys: number): boolean {
    return this.map.size + extraKeys <= this.capacity;
  }

  put(key: Buffer, offset: number): void {
    this.map.set(key.toString('latin1'), offset);
    if (offset > this.latestOffset) this.latestOffset = offset;
  }

  has(key: Buffer): boolean {
    return this.map.has(key.toString('latin1'));
  }

  /** Latest offset of `key` in the mapped range, or -1. */
  get(key: Buffer): number {
    return this.map.get(key.toString('latin1')) ?? -1;
  }
}
