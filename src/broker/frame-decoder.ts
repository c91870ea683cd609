/**
 * Splits a TCP byte stream into Kafka frames: a 4-byte big-endian size, then that many bytes.
 *
 * Chunks are kept in a list and a frame is sliced out of a single chunk when it fits there (the
 * common case), so no per-chunk concatenation happens. The size is checked against the limit
 * before any buffer for the frame is allocated.
 */

export class FrameTooLargeError extends Error {
  constructor(
    readonly sizeBytes: number,
    readonly maxBytes: number,
  ) {
    super(`request of ${sizeBytes} bytes exceeds the limit of ${maxBytes} bytes`);
    this.name = 'FrameTooLargeError';
  }
}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private bufferedBytes = 0;

  /** Checked before a frame's buffer is allocated; the owner may change it between chunks. */
  constructor(public maxFrameBytes: number) {}

  /** Adds a chunk and returns every complete frame it finishes (without the size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.bufferedBytes += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      const frame = this.nextFrame();
      if (frame === null) return frames;
      frames.push(frame);
    }
  }

  get pendingBytes(): number {
    return this.bufferedBytes;
  }

  private nextFrame(): Buffer | null {
    if (this.bufferedBytes < 4) return null;
    const size = this.peekSize();
    if (size < 0 || size > this.maxFrameBytes) throw new FrameTooLargeError(size, this.maxFrameBytes);
    if (this.bufferedBytes < 4 + size) return null;
    const first = this.chunks[0]!;
    if (first.length >= 4 + size) {
      const frame = first.subarray(4, 4 + size);
      this.consume(4 + size);
      return frame;
    }
    const frame = Buffer.allocUnsafe(size);
    this.consume(4);
    this.copyOut(frame);
    return frame;
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    const head = Buffer.allocUnsafe(4);
    let filled = 0;
    for (const chunk of this.chunks) {
      const n = Math.min(4 - filled, chunk.length);
      chunk.copy(head, filled, 0, n);
      filled += n;
      if (filled === 4) break;
    }
    return head.readInt32BE(0);
  }

  /** Fills `target` from the front of the chunk list, consuming what it copies. */
  private copyOut(target: Buffer): void {
    let filled = 0;
    while (filled < target.length) {
      const chunk = this.chunks[0]!;
      const n = Math.min(target.length - filled, chunk.length);
      chunk.copy(target, filled, 0, n);
      filled += n;
      this.consume(n);
    }
  }

  private consume(bytes: number): void {
    this.bufferedBytes -= bytes;
    while (bytes > 0) {
      const chunk = this.chunks[0]!;
      if (chunk.length <= bytes) {
        this.chunks.shift();
        bytes -= chunk.length;
      } else {
        this.chunks[0] = chunk.subarray(bytes);
        bytes = 0;
      }
    }
  }
}
