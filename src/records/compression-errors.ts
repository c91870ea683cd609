/** Errors thrown by the compression codecs (compression.ts and the per-codec files). */

export class CompressionError extends Error {
  override name = 'CompressionError';
}

/** The attributes named a codec id that Kafka does not define (only 0-4 exist). */
export class UnsupportedCompressionError extends CompressionError {
  override name = 'UnsupportedCompressionError';
  constructor(readonly compressionType: number) {
    super(`unsupported compression type ${compressionType}`);
  }
}

/** The payload does not decompress: bad framing, bad checksum, truncated, trailing bytes. */
export class CorruptCompressedDataError extends CompressionError {
  override name = 'CorruptCompressedDataError';
}

/** Decompressing would produce more than the caller's maxBytes (a decompression bomb, or a limit too low). */
export class DecompressedSizeError extends CompressionError {
  override name = 'DecompressedSizeError';
  constructor(
    readonly maxBytes: number,
    readonly sizeBytes?: number,
  ) {
    super(
      sizeBytes === undefined
        ? `decompressed data exceeds the limit of ${maxBytes} bytes`
        : `decompressed data would be ${sizeBytes} bytes, over the limit of ${maxBytes} bytes`,
    );
  }
}
