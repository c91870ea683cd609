/**
 * The record compression codecs, by Kafka's attribute id (bits 0-2 of a batch's attributes):
 * none(0), gzip(1), snappy(2), lz4(3), zstd(4). Everything is synchronous and in memory.
 *
 * Output is what every Kafka client reads: gzip members, xerial-framed snappy, LZ4 frames with
 * the KIP-57 header checksum, zstd frames. Input is whatever real clients send (raw or xerial
 * snappy, zstd frames with or without a content size). Decompression is bounded by `maxBytes`
 * so a small hostile payload cannot make us allocate gigabytes.
 */
import * as zlib from 'node:zlib';
import { CorruptCompressedDataError, DecompressedSizeError, UnsupportedCompressionError } from './compression-errors.js';
import { compressLz4, decompressLz4 } from './lz4-codec.js';
import { compressSnappyXerial, decompressSnappy } from './snappy-codec.js';
import { compressZstd, decompressZstd } from './zstd-codec.js';

export {
  CompressionError,
  CorruptCompressedDataError,
  DecompressedSizeError,
  UnsupportedCompressionError,
} from './compression-errors.js';

export const CompressionType = {
  None: 0,
  Gzip: 1,
  Snappy: 2,
  Lz4: 3,
  Zstd: 4,
} as const;
export type CompressionType = (typeof CompressionType)[keyof typeof CompressionType];

/** Kafka's names for the codecs (the `compression.type` config values), by id. */
export const compressionNames: readonly string[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/**
 * Default cap on one decompressed payload. A batch is at most message.max.bytes (1 MiB by
 * default) compressed; 256 MiB leaves room for any real compression ratio.
 */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 256 * 1024 * 1024;

export interface DecompressOptions {
  /** Throw DecompressedSizeError rather than produce more than this many bytes. */
  maxBytes?: number;
  /** The payload comes from a magic v0 message: accept the pre-KIP-57 LZ4 header checksum. */
  legacyLz4HeaderChecksum?: boolean;
}

export function isCompressionType(id: number): id is CompressionType {
  return Number.isInteger(id) && id >= CompressionType.None && id <= CompressionType.Zstd;
}

export function compress(type: number, data: Buffer): Buffer {
  switch (type) {
    case CompressionType.None:
      return data;
    case CompressionType.Gzip:
      return zlib.gzipSync(data);
    case CompressionType.Snappy:
      return compressSnappyXerial(data);
    case CompressionType.Lz4:
      return compressLz4(data);
    case CompressionType.Zstd:
      return compressZstd(data);
    default:
      throw new UnsupportedCompressionError(type);
  }
}

function gunzip(data: Buffer, maxBytes: number): Buffer {
  try {
    return zlib.gunzipSync(data, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new DecompressedSizeError(maxBytes);
    throw new CorruptCompressedDataError(`gzip: ${(err as Error).message}`);
  }
}

export function decompress(type: number, data: Buffer, options: DecompressOptions = {}): Buffer {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  switch (type) {
    case CompressionType.None:
      if (data.length > maxBytes) throw new DecompressedSizeError(maxBytes, data.length);
      return data;
    case CompressionType.Gzip:
      return gunzip(data, maxBytes);
    case CompressionType.Snappy:
      return decompressSnappy(data, maxBytes);
    case CompressionType.Lz4:
      return decompressLz4(data, { maxBytes, legacyHeaderChecksum: options.legacyLz4HeaderChecksum === true });
    case CompressionType.Zstd:
      return decompressZstd(data, maxBytes);
    default:
      throw new UnsupportedCompressionError(type);
  }
}
