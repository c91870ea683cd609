/**
 * The aborted transaction index of one segment (Kafka's TransactionIndex, the `.txnindex` file).
 *
 * `<baseOffset>.txnindex` format: entries back to back, no header, 34 bytes each, big-endian:
 *
 *   int16 version           0
 *   int64 producerId
 *   int64 firstOffset       first offset of the aborted transaction in this partition (it may lie
 *                           in an earlier segment)
 *   int64 lastOffset        offset of the ABORT marker, which this segment holds
 *   int64 lastStableOffset  the partition's LSO once the abort was written (Kafka's AbortedTxn)
 *
 * Entries are in marker order. The file store creates the file (empty) with its segment, appends
 * an entry in the same write round as the ABORT marker, and deletes it with the segment; a file
 * missing at open is rebuilt by replaying the log's markers (src/txn/producer-state-loader.ts).
 * A trailing partial entry (a crash mid-write) is dropped on load. The memory store keeps the same
 * in-memory index without the file.
 */

export interface AbortedTxnEntry {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export const TXN_INDEX_ENTRY_BYTES = 34;
const VERSION = 0;

export class TxnIndex {
  readonly entries: AbortedTxnEntry[] = [];
  /** Entries already in the file (the rest are written by the next write round). */
  private writtenCount = 0;

  /** Decodes a file's bytes; `intact` is false if a partial or unknown entry was dropped. */
  static decode(bytes: Buffer): { index: TxnIndex; intact: boolean } {
    const index = new TxnIndex();
    let pos = 0;
    for (; pos + TXN_INDEX_ENTRY_BYTES <= bytes.length; pos += TXN_INDEX_ENTRY_BYTES) {
      if (bytes.readInt16BE(pos) !== VERSION) break;
      index.entries.push({
        producerId: Number(bytes.readBigInt64BE(pos + 2)),
        firstOffset: Number(bytes.readBigInt64BE(pos + 10)),
        lastOffset: Number(bytes.readBigInt64BE(pos + 18)),
        lastStableOffset: Number(bytes.readBigInt64BE(pos + 26)),
      });
    }
    index.writtenCount = index.entries.length;
    return { index, intact: pos === bytes.length };
  }

  static encode(entries: readonly AbortedTxnEntry[]): Buffer {
    const buf = Buffer.allocUnsafe(entries.length * TXN_INDEX_ENTRY_BYTES);
    let pos = 0;
    for (const e of entries) {
      buf.writeInt16BE(VERSION, pos);
      buf.writeBigInt64BE(BigInt(e.producerId), pos + 2);
      buf.writeBigInt64BE(BigInt(e.firstOffset), pos + 10);
      buf.writeBigInt64BE(BigInt(e.lastOffset), pos + 18);
      buf.writeBigInt64BE(BigInt(e.lastStableOffset), pos + 26);
      pos += TXN_INDEX_ENTRY_BYTES;
    }
    return buf;
  }

  get lastOffset(): number {
    return this.entries.at(-1)?.lastOffset ?? -1;
  }

  /**
   * Adds an entry; false (and nothing changes) unless it comes after the last one, so replaying
   * markers that are already indexed is harmless.
   */
  append(entry: AbortedTxnEntry): boolean {
    if (entry.lastOffset <= this.lastOffset) return false;
    this.entries.push({ ...entry });
    return true;
  }

  get hasUnwritten(): boolean {
    return this.writtenCount < this.entries.length;
  }

  /** Bytes not yet in the file and where they go. */
  unwritten(): { bytes: Buffer; position: number; upTo: number } | null {
    if (!this.hasUnwritten) return null;
    return {
      bytes: TxnIndex.encode(this.entries.slice(this.writtenCount)),
      position: this.writtenCount * TXN_INDEX_ENTRY_BYTES,
      upTo: this.entries.length,
    };
  }

  markWritten(upTo: number): void {
    this.writtenCount = Math.max(this.writtenCount, upTo);
  }

  /** Drops entries whose marker is at or after `offset` (recovery or follower truncation cut the log there). */
  truncateFrom(offset: number): boolean {
    let n = this.entries.length;
    while (n > 0 && this.entries[n - 1]!.lastOffset >= offset) n--;
    if (n === this.entries.length) return false;
    this.entries.length = n;
    this.writtenCount = Math.min(this.writtenCount, n);
    return true;
  }

  /** Size the file should have once everything is written. */
  get sizeBytes(): number {
    return this.entries.length * TXN_INDEX_ENTRY_BYTES;
  }

  /**
   * Kafka's TransactionIndex.collectAbortedTxns: pushes entries overlapping [fetchOffset,
   * upperOffset) to `out`. Returns true once an entry shows that no later one can overlap (its
   * LSO is at or past upperOffset), so the caller stops looking at later segments.
   */
  collect(fetchOffset: number, upperOffset: number, out: AbortedTxnEntry[]): boolean {
    for (const e of this.entries) {
      if (e.lastOffset >= fetchOffset && e.firstOffset < upperOffset) out.push({ ...e });
      if (e.lastStableOffset >= upperOffset) return true;
    }
    return false;
  }
}

/** Aborted transactions of the segments `indexes` (oldest first, from the fetch offset's segment). */
export function collectAbortedTxns(indexes: Iterable<TxnIndex>, fetchOffset: number, upperOffset: number): AbortedTxnEntry[] {
  const out: AbortedTxnEntry[] = [];
  for (const index of indexes) if (index.collect(fetchOffset, upperOffset, out)) break;
  // A merge of cleaned segments interrupted by a crash can leave an entry in two files.
  return out.filter((e, i) => i === 0 || e.lastOffset > out[i - 1]!.lastOffset);
}
