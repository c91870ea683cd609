/**
 * Splits a byte stream into size-prefixed frames. Chunks are kept in a list; a frame that lies in
 * one chunk is a subarray of it (no copy), one that spans chunks is concatenated once.
 */
export class FrameReader {
  private chunks: Buffer[] = [];
  private bytes = 0;

  /** Adds a chunk and calls onFrame for each complete frame (without its 4-byte size). */
  push(chunk: Buffer, onFrame: (frame: Buffer) => void): void {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    while (this.bytes >= 4) {
      const size = this.peekSize();
      if (this.bytes < 4 + size) return;
      onFrame(this.take(4 + size).subarray(4));
    }
  }

  private peekSize(): number {
    const first = this.chunks[0]!;
    if (first.length >= 4) return first.readInt32BE(0);
    return Buffer.concat(this.chunks, 4).readInt32BE(0);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    this.bytes -= n;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let pos = 0;
    while (pos < n) {
      const c = this.chunks[0]!;
      const want = n - pos;
      if (c.length <= want) {
        c.copy(out, pos);
        pos += c.length;
        this.chunks.shift();
      } else {
        c.copy(out, pos, 0, want);
        this.chunks[0] = c.subarray(want);
        pos += want;
      }
    }
    return out;
  }
}
