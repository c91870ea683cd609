/**
 * LZ4 as Kafka uses it: the LZ4 *frame* format (not raw blocks), one frame per payload.
 *
 *   magic  uint32 LE 0x184D2204
 *   FLG    version(2 bits, = 01) blockIndependence blockChecksum contentSize contentChecksum reserved dictId
 *   BD     blockMaxSize id in bits 4-6 (4 = 64 KiB ... 7 = 4 MiB)
 *   [contentSize uint64 LE] [dictId uint32 LE]
 *   HC     (xxh32(FLG..last descriptor byte) >> 8) & 0xFF
 *   blocks [uint32 LE size, high bit = stored uncompressed][data][blockChecksum uint32]...
 *   endMark uint32 0, [contentChecksum uint32]
 *
 * KIP-57: Kafka's own writer for magic v0 computed HC over the magic bytes too. Readers of
 * legacy v0 data must accept that broken byte (`legacyHeaderChecksum`); v1 and v2 use the
 * correct checksum. Decoding itself is native (lz4-napi); this file walks the frame first to
 * check its structure and to bound the decompressed size before any output is allocated.
 */
import lz4 from 'lz4-napi';
import { CorruptCompressedDataError, DecompressedSizeError } from './compression-errors.js';
import { xxhash32 } from './xxhash32.js';

const FRAME_MAGIC = 0x184d2204;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const UNCOMPRESSED_BLOCK_BIT = 0x8000_0000;
/** Each LZ4 sequence of >= 1 token byte yields at most ~255 output bytes per input byte. */
const MAX_BLOCK_RATIO = 255;

export interface Lz4ReadOptions {
  maxBytes: number;
  /** Accept the pre-KIP-57 header checksum (computed over the magic too): magic v0 data only. */
  legacyHeaderChecksum?: boolean;
}

interface FrameLayout {
  /** Position of the HC byte. */
  checksumPos: number;
  /** Byte past the frame's end (after the end mark and content checksum). */
  end: number;
  contentSize: number | null;
  /** Upper bound on the decompressed size, exact when every block is stored or the scan ran. */
  boundBytes: number;
}

export function compressLz4(data: Buffer): Buffer {
  // lz4-napi (lz4_flex) writes a KIP-57-correct header: 64 KiB independent blocks, no dictionary.
  return lz4.compressFrameSync(data);
}

function corrupt(message: string): CorruptCompressedDataError {
  return new CorruptCompressedDataError(`lz4 frame: ${message}`);
}

/** Exact decompressed size of one compressed block, by walking its sequences without output. */
function blockDecodedSize(buf: Buffer, start: number, end: number): number {
  let pos = start;
  let size = 0;
  while (pos < end) {
    const token = buf[pos++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      let byte: number;
      do {
        if (pos >= end) throw corrupt('literal length runs past the block');
        byte = buf[pos++]!;
        literals += byte;
      } while (byte === 255);
    }
    pos += literals;
    size += literals;
    if (pos >= end) break; // the last sequence has literals only
    pos += 2; // match offset
    let match = token & 15;
    if (match === 15) {
      let byte: number;
      do {
        if (pos >= end) throw corrupt('match length runs past the block');
        byte = buf[pos++]!;
        match += byte;
      } while (byte === 255);
    }
    size += match + 4;
  }
  if (pos !== end) throw corrupt('block literals overrun the block');
  return size;
}

/** Walks the frame's header and blocks; throws on anything malformed. */
function readLayout(data: Buffer, maxBytes: number): FrameLayout {
  if (data.length < 7) throw corrupt('shorter than a frame header');
  if (data.readUInt32LE(0) !== FRAME_MAGIC) throw corrupt('bad magic');
  const flg = data[4]!;
  const bd = data[5]!;
  if (flg >>> 6 !== 1) throw corrupt(`unsupported version ${flg >>> 6}`);
  if (flg & 0x02 || bd & 0x8f) throw corrupt('reserved bits set');
  if (flg & 0x01) throw corrupt('dictionaries are not supported');
  const blockMaxId = (bd >>> 4) & 0x07;
  if (blockMaxId < 4) throw corrupt(`invalid block max size id ${blockMaxId}`);
  const blockMaxBytes = 1 << (2 * blockMaxId + 8);
  const hasBlockChecksum = (flg & 0x10) !== 0;
  const hasContentSize = (flg & 0x08) !== 0;
  const hasContentChecksum = (flg & 0x04) !== 0;
  let pos = 6;
  let contentSize: number | null = null;
  if (hasContentSize) {
    if (data.length < pos + 9) throw corrupt('truncated content size');
    contentSize = data.readUInt32LE(pos) + data.readUInt32LE(pos + 4) * 0x1_0000_0000;
    if (contentSize > maxBytes) throw new DecompressedSizeError(maxBytes, contentSize);
    pos += 8;
  }
  const checksumPos = pos;
  pos += 1;
  let storedBytes = 0;
  let compressedBound = 0;
  const compressedBlocks: Array<[number, number]> = [];
  for (;;) {
    if (data.length < pos + 4) throw corrupt('truncated before the end mark');
    const word = data.readUInt32LE(pos);
    pos += 4;
    if (word === 0) break;
    const stored = (word & UNCOMPRESSED_BLOCK_BIT) !== 0;
    const size = stored ? word - UNCOMPRESSED_BLOCK_BIT : word;
    if (size > blockMaxBytes) throw corrupt(`block of ${size} bytes exceeds the frame's ${blockMaxBytes}`);
    if (data.length < pos + size) throw corrupt('truncated block');
    if (stored) {
      storedBytes += size;
    } else {
      compressedBound += Math.min(blockMaxBytes, size * MAX_BLOCK_RATIO);
      compressedBlocks.push([pos, pos + size]);
    }
    pos += size + (hasBlockChecksum ? 4 : 0);
  }
  if (hasContentChecksum) pos += 4;
  if (pos > data.length) throw corrupt('truncated content checksum');
  let boundBytes = storedBytes + compressedBound;
  if (boundBytes > maxBytes) {
    // The cheap bound is over the limit: walk the sequences for the exact size. (A declared
    // content size is not trusted for this: the decoder's output is what costs memory.)
    boundBytes = storedBytes;
    for (const [start, end] of compressedBlocks) boundBytes += blockDecodedSize(data, start, end);
  }
  if (boundBytes > maxBytes) throw new DecompressedSizeError(maxBytes, boundBytes);
  return { checksumPos, end: pos, contentSize, boundBytes };
}

function headerChecksum(data: Buffer, from: number, to: number): number {
  return (xxhash32(data, from, to) >>> 8) & 0xff;
}

/** Returns the frame with a header checksum native code accepts, or throws. */
function checkedFrame(data: Buffer, layout: FrameLayout, legacy: boolean): Buffer {
  const actual = data[layout.checksumPos]!;
  const correct = headerChecksum(data, 4, layout.checksumPos);
  if (actual === correct) return data.subarray(0, layout.end);
  if (legacy && actual === headerChecksum(data, 0, layout.checksumPos)) {
    // Pre-KIP-57 writer: repair the byte in a copy so the native decoder accepts the frame.
    const copy = Buffer.from(data.subarray(0, layout.end));
    copy[layout.checksumPos] = correct;
    return copy;
  }
  throw corrupt('header checksum mismatch');
}

function skipSkippableFrames(data: Buffer): Buffer {
  let pos = 0;
  while (data.length - pos >= 8 && (data.readUInt32LE(pos) & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) {
    pos += 8 + data.readUInt32LE(pos + 4);
  }
  if (pos > data.length) throw corrupt('truncated skippable frame');
  return pos === 0 ? data : data.subarray(pos);
}

export function decompressLz4(input: Buffer, options: Lz4ReadOptions): Buffer {
  const data = skipSkippableFrames(input);
  const layout = readLayout(data, options.maxBytes);
  if (skipSkippableFrames(data.subarray(layout.end)).length !== 0) throw corrupt('trailing bytes after the frame');
  const frame = checkedFrame(data, layout, options.legacyHeaderChecksum === true);
  let output: Buffer;
  try {
    output = lz4.decompressFrameSync(frame);
  } catch (err) {
    throw corrupt(`does not decompress: ${(err as Error).message}`);
  }
  if (layout.contentSize !== null && output.length !== layout.contentSize) {
    throw corrupt(`content size says ${layout.contentSize} bytes, got ${output.length}`);
  }
  if (output.length > options.maxBytes) throw new DecompressedSizeError(options.maxBytes, output.length);
  return output;
}
