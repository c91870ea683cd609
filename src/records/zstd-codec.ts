/**
 * Zstandard via zstd-napi's thin binding. Frames from streaming compressors (the Java client's
 * zstd-jni stream, librdkafka) carry no content size, so decompression has two paths:
 *  - every frame declares its size: check the sum against maxBytes, decompress in one call;
 *  - otherwise stream into chunks, stopping as soon as the output passes maxBytes.
 * Every frame is measured first (findFrameCompressedSize throws on a truncated frame), so a
 * truncated payload is an error rather than silently short output.
 */
import { compress as zstdCompress } from 'zstd-napi';
import binding from 'zstd-napi/binding.js';
import { CorruptCompressedDataError, DecompressedSizeError } from './compression-errors.js';

const STREAM_CHUNK_BYTES = binding.dStreamOutSize();

let sharedContext: InstanceType<typeof binding.DCtx> | undefined;

/** One decompression context reused across calls (this is synchronous, single-threaded code). */
function context(): InstanceType<typeof binding.DCtx> {
  sharedContext ??= new binding.DCtx();
  // A previous call may have thrown mid-frame: start clean.
  sharedContext.reset(binding.ResetDirective.sessionOnly);
  return sharedContext;
}

export function compressZstd(data: Buffer): Buffer {
  return zstdCompress(data);
}

/** Sum of declared content sizes, or null when some frame does not declare one. */
function declaredSize(data: Buffer): number | null {
  let total: number | null = 0;
  let pos = 0;
  while (pos < data.length) {
    const frame = data.subarray(pos);
    let frameBytes: number;
    let contentSize: number | null;
    try {
      frameBytes = binding.findFrameCompressedSize(frame);
      contentSize = binding.getFrameContentSize(frame);
    } catch (err) {
      throw new CorruptCompressedDataError(`zstd frame at ${pos}: ${(err as Error).message}`);
    }
    if (frameBytes <= 0) throw new CorruptCompressedDataError(`zstd frame at ${pos} has no size`);
    pos += frameBytes;
    total = contentSize === null || total === null ? null : total + contentSize;
  }
  return total;
}

function decompressKnownSize(data: Buffer, sizeBytes: number): Buffer {
  const output = Buffer.allocUnsafe(sizeBytes);
  let written: number;
  try {
    written = context().decompress(output, data);
  } catch (err) {
    throw new CorruptCompressedDataError(`zstd: ${(err as Error).message}`);
  }
  if (written !== sizeBytes) throw new CorruptCompressedDataError(`zstd frames declare ${sizeBytes} bytes, decoded ${written}`);
  return output;
}

function decompressStreaming(data: Buffer, maxBytes: number): Buffer {
  const dctx = context();
  const chunks: Buffer[] = [];
  let totalBytes = 0;
  let input = data;
  let frameOpen = false;
  while (input.length > 0 || frameOpen) {
    // One byte over the limit is enough to prove the limit is exceeded.
    const chunk = Buffer.allocUnsafe(Math.min(STREAM_CHUNK_BYTES, maxBytes - totalBytes + 1));
    let result: [number, number, number];
    try {
      result = dctx.decompressStream(chunk, input);
    } catch (err) {
      throw new CorruptCompressedDataError(`zstd: ${(err as Error).message}`);
    }
    const [hint, produced, consumed] = result;
    totalBytes += produced;
    if (totalBytes > maxBytes) throw new DecompressedSizeError(maxBytes);
    if (produced > 0) chunks.push(chunk.subarray(0, produced));
    input = input.subarray(consumed);
    // hint === 0: the current frame is complete and flushed.
    frameOpen = hint !== 0;
    if (produced === 0 && consumed === 0 && frameOpen && chunk.length > 0) {
      throw new CorruptCompressedDataError('zstd: no progress (truncated frame)');
    }
  }
  return Buffer.concat(chunks, totalBytes);
}

export function decompressZstd(data: Buffer, maxBytes: number): Buffer {
  if (data.length === 0) throw new CorruptCompressedDataError('zstd: empty payload');
  const size = declaredSize(data);
  if (size === null) return decompressStreaming(data, maxBytes);
  if (size > maxBytes) throw new DecompressedSizeError(maxBytes, size);
  return decompressKnownSize(data, size);
}
