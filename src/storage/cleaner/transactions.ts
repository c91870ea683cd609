/**
 * What the cleaner must know about transactions (Kafka keeps it in `.txnindex` files and the
 * producer state; Brook derives it with one header walk of the log per pass):
 *
 *  - aborted transactional data: per producer id, the offset ranges [first batch, ABORT marker)
 *    whose data batches the cleaner drops (and never puts in the offset map);
 *  - the first offset of a transaction without a marker yet: cleaning stops before it (Kafka
 *    bounds cleaning by the last stable offset), so undecided data is never compacted against;
 *  - each producer id's last data batch: Kafka keeps it (emptied if need be) so the producer's
 *    sequence state survives compaction.
 *
 * Only batches with the transactional attribute are decoded (control batches, to read the marker
 * type); everything else is a header read.
 */
import { BATCH_HEADER_SIZE, CONTROL_BIT, TRANSACTIONAL_BIT, batchAttributes, batchBaseOffset, batchLastOffset, batchProducerId, batchSize } from '../../records/batch-header.js';
import { ControlRecordType, decodeControlRecord } from '../../records/control-record.js';
import { decodeBatches } from '../../records/record-batch.js';
import { BlockReader } from '../file/block-reader.js';
import type { FileOps } from '../file/fs-ops.js';
import type { FilePartitionLog } from '../file/partition-log.js';
import { yieldIfDue } from './segment-cleaner.js';

export interface TransactionRanges {
  /** Per producer id: [firstOffset, markerOffset) of each aborted transaction, in offset order. */
  readonly aborted: ReadonlyMap<number, ReadonlyArray<readonly [number, number]>>;
  /** First offset of the earliest transaction still open (no marker), or Infinity. */
  readonly firstOpenOffset: number;
  /** Per producer id: the last offset of its last data batch. */
  readonly lastDataOffset: ReadonlyMap<number, number>;
  /** Whether any batch with a producer id was seen. */
  readonly any: boolean;
}

export const NO_TRANSACTIONS: TransactionRanges = { aborted: new Map(), firstOpenOffset: Infinity, lastDataOffset: new Map(), any: false };

/** Whether a transactional data batch of `producerId` at `offset` belongs to an aborted transaction. */
export function isAborted(ranges: TransactionRanges, producerId: number, offset: number): boolean {
  const list = ranges.aborted.get(producerId);
  if (!list) return false;
  for (const [first, marker] of list) if (offset >= first && offset < marker) return true;
  return false;
}

/**
 * Accumulates TransactionRanges from batches seen in offset order (whole batches: control
 * batches are decoded for their marker type). Shared by the file walk below and the memory store.
 */
export class TransactionScan {
  private readonly aborted = new Map<number, Array<[number, number]>>();
  private readonly open = new Map<number, number>();
  private readonly lastDataOffset = new Map<number, number>();
  private any = false;

  /** Only a control batch needs its body: `needsBody` says whether to pass the whole batch. */
  static needsBody(header: Buffer, off: number): boolean {
    const attributes = batchAttributes(header, off);
    return (attributes & TRANSACTIONAL_BIT) !== 0 && (attributes & CONTROL_BIT) !== 0;
  }

  /** One batch at `off` of `buf` (the whole batch when needsBody, else at least its header). */
  visit(buf: Buffer, off: number): void {
    const attributes = batchAttributes(buf, off);
    const producerId = batchProducerId(buf, off);
    if (producerId >= 0) {
      this.any = true;
      if (!(attributes & CONTROL_BIT)) this.lastDataOffset.set(producerId, batchLastOffset(buf, off));
    }
    if (!(attributes & TRANSACTIONAL_BIT)) return;
    const base = batchBaseOffset(buf, off);
    if (attributes & CONTROL_BIT) {
      const type = markerType(buf.subarray(off, off + batchSize(buf, off)));
      if (type === ControlRecordType.Abort) {
        const list = this.aborted.get(producerId) ?? [];
        list.push([this.open.get(producerId) ?? base, base]);
        this.aborted.set(producerId, list);
      }
      this.open.delete(producerId);
    } else if (!this.open.has(producerId)) {
      this.open.set(producerId, base);
    }
  }

  result(): TransactionRanges {
    const open = [...this.open.values()];
    return { aborted: this.aborted, firstOpenOffset: open.length > 0 ? Math.min(...open) : Infinity, lastDataOffset: this.lastDataOffset, any: this.any };
  }
}

/** Walks every written batch of the log (sealed segments and the active one). */
export async function scanTransactions(log: FilePartitionLog, ops: FileOps, ioBufferBytes: number): Promise<TransactionRanges> {
  const scan = new TransactionScan();
  for (const seg of log.allSegments()) {
    await log.withSegmentRead(seg, async () => {
      const reader = new BlockReader(ops, seg.logFd, seg.writtenBytes, ioBufferBytes);
      for (let pos = 0; pos < seg.writtenBytes; ) {
        let off = await reader.view(pos, BATCH_HEADER_SIZE);
        if (off < 0) break;
        const size = batchSize(reader.buffer, off);
        if (TransactionScan.needsBody(reader.buffer, off)) {
          off = await reader.view(pos, size);
          if (off < 0) break;
        }
        scan.visit(reader.buffer, off);
        pos += size;
        const turn = yieldIfDue();
        if (turn) await turn;
      }
    });
  }
  return scan.result();
}

function markerType(batch: Buffer): number | null {
  const record = decodeBatches(batch, { verifyCrc: false })[0]?.records[0];
  if (!record) return null;
  try {
    return decodeControlRecord(record).type;
  } catch {
    return null;
  }
}
