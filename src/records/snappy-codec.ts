/**
 * Snappy as Kafka clients speak it. Two encodings exist on the wire:
 *
 *  - xerial framing (what the Java client writes, via snappy-java's SnappyOutputStream):
 *      magic   8 bytes  0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
 *      version int32    1
 *      compat  int32    1
 *      then blocks: [int32 compressedLength][raw snappy block], each block at most 32 KiB raw.
 *    A concatenation of such streams repeats the 16-byte header; snappy-java skips it, so do we.
 *  - raw snappy (one block, as some librdkafka versions and other clients send).
 *
 * We write xerial, which every client reads (snappy-java falls back to raw on read, librdkafka
 * reads both); we read both. Every raw block starts with its uncompressed length as a varint,
 * so the size limit is checked before anything is decompressed.
 */
import snappy from 'snappy';
import { CorruptCompressedDataError, DecompressedSizeError } from './compression-errors.js';

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
const XERIAL_HEADER_BYTES = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPAT_VERSION = 1;
/** snappy-java's default block size. */
const XERIAL_BLOCK_BYTES = 32 * 1024;

function hasXerialMagic(data: Buffer, pos: number): boolean {
  return data.length - pos >= XERIAL_MAGIC.length && data.compare(XERIAL_MAGIC, 0, XERIAL_MAGIC.length, pos, pos + XERIAL_MAGIC.length) === 0;
}

export function compressSnappyXerial(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPAT_VERSION, 12);
  parts.push(header);
  for (let pos = 0; pos < data.length; pos += XERIAL_BLOCK_BYTES) {
    const block = snappy.compressSync(data.subarray(pos, Math.min(pos + XERIAL_BLOCK_BYTES, data.length)));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
  }
  return Buffer.concat(parts);
}

/** Raw snappy, no framing. */
export function compressSnappyRaw(data: Buffer): Buffer {
  return snappy.compressSync(data);
}

/** The uncompressed length a raw snappy block declares (unsigned varint, at most 5 bytes). */
function declaredLength(block: Buffer): number {
  let value = 0;
  for (let i = 0; i < 5 && i < block.length; i++) {
    const byte = block[i]!;
    value += (byte & 0x7f) * 2 ** (7 * i);
    if ((byte & 0x80) === 0) return value;
  }
  throw new CorruptCompressedDataError('snappy block has no valid length preamble');
}

function uncompressBlock(block: Buffer): Buffer {
  try {
    return snappy.uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (err) {
    throw new CorruptCompressedDataError(`snappy block does not decompress: ${(err as Error).message}`);
  }
}

function decompressXerial(data: Buffer, maxBytes: number): Buffer {
  const blocks: Buffer[] = [];
  let totalBytes = 0;
  let pos = 0;
  while (pos < data.length) {
    if (hasXerialMagic(data, pos)) {
      if (data.length - pos < XERIAL_HEADER_BYTES) throw new CorruptCompressedDataError('truncated xerial snappy header');
      pos += XERIAL_HEADER_BYTES;
      continue;
    }
    if (data.length - pos < 4) throw new CorruptCompressedDataError('truncated xerial snappy block length');
    const length = data.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > data.length - pos) throw new CorruptCompressedDataError(`xerial snappy block of ${length} bytes overruns the data`);
    const block = data.subarray(pos, pos + length);
    pos += length;
    totalBytes += declaredLength(block);
    if (totalBytes > maxBytes) throw new DecompressedSizeError(maxBytes, totalBytes);
    blocks.push(uncompressBlock(block));
  }
  return blocks.length === 1 ? blocks[0]! : Buffer.concat(blocks, totalBytes);
}

/** Reads xerial-framed or raw snappy. */
export function decompressSnappy(data: Buffer, maxBytes: number): Buffer {
  if (hasXerialMagic(data, 0)) return decompressXerial(data, maxBytes);
  const size = declaredLength(data);
  if (size > maxBytes) throw new DecompressedSizeError(maxBytes, size);
  return uncompressBlock(data);
}
