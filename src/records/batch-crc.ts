/**
 * The v2 batch checksum: CRC32C of everything from attributes (byte 21) to the batch's end.
 * baseOffset, batchLength and partitionLeaderEpoch sit before it, so the broker can rewrite
 * them without touching the CRC; anything from attributes on needs rewriteBatchCrc().
 */
import { ATTRIBUTES, CRC, batchSize } from './batch-header.js';
import { crc32c } from './crc32c.js';

/** CRC32C of the batch at pos (whose full size must be in buf). */
export function computeBatchCrc(buf: Buffer, pos: number, sizeBytes = batchSize(buf, pos)): number {
  return crc32c(buf.subarray(pos + ATTRIBUTES, pos + sizeBytes));
}

export function storedBatchCrc(buf: Buffer, pos: number): number {
  return buf.readUInt32BE(pos + CRC);
}

export function isBatchCrcValid(buf: Buffer, pos: number, sizeBytes = batchSize(buf, pos)): boolean {
  return computeBatchCrc(buf, pos, sizeBytes) === storedBatchCrc(buf, pos);
}

export function rewriteBatchCrc(buf: Buffer, pos: number, sizeBytes = batchSize(buf, pos)): void {
  buf.writeUInt32BE(computeBatchCrc(buf, pos, sizeBytes), pos + CRC);
}
