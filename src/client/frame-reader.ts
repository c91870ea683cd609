/**
 * Splits a connection's byte stream into size-prefixed frames, reading from the socket straight
 * into where the bytes end up (net's `onread` option: the socket asks `nextBuffer()` where to put
 * each read). Fetch responses are large (a MiB or more per partition) and their records are kept
 * by reference after decoding: a frame larger than the scratch buffer gets a Buffer of its own
 * and the socket fills the rest of it in place, so its bytes are copied once at most for the part
 * that arrived with the frame's size, instead of arriving in fresh 64 KiB chunks that are then
 * concatenated (one copy of every byte, and a 64 KiB allocation per read for the GC).
 *
 * Small frames are read into a reused scratch buffer and copied out (their bytes are kept by the
 * decoded response, and the scratch is overwritten by the next read).
 */
const SCRATCH_BYTES = 64 * 1024;

export class FrameReader {
  private readonly scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
  /** The start of an incomplete small frame (size prefix included), copied out of the scratch. */
  private carry: Buffer | null = null;
  /** A large frame being filled in place, and how many of its bytes have arrived. */
  private frame: Buffer | null = null;
  private filled = 0;
  private broken = false;

  constructor(
    private readonly onFrame: (frame: Buffer) => void,
    private readonly onCorrupt: (err: Error) => void,
  ) {}

  /** net's `onread.buffer`: where the next read goes. */
  readonly nextBuffer = (): Buffer => (this.frame ? this.frame.subarray(this.filled) : this.scratch);

  /**
   * net's `onread.callback`: `nread` bytes arrived at the start of `buf`, the Buffer nextBuffer()
   * returned. Returns true: keep reading.
   */
  readonly onRead = (nread: number, buf: Uint8Array): boolean => {
    if (this.broken) return true;
    if (this.frame) {
      this.filled += nread;
      if (this.filled === this.frame.length) {
        const frame = this.frame;
        this.frame = null;
        this.onFrame(frame);
      }
      return true;
    }
    const bytes = (buf as Buffer).subarray(0, nread);
    if (this.carry) {
      const data = Buffer.concat([this.carry, bytes]);
      this.carry = null;
      this.split(data, false);
    } else {
      this.split(bytes, true);
    }
    return true;
  };

  /** For transports with 'data' events (a chunk the reader may keep): the same framing, by copy. */
  push(chunk: Buffer): void {
    while (chunk.length > 0 && !this.broken) {
      if (this.frame) {
        const n = Math.min(this.frame.length - this.filled, chunk.length);
        chunk.copy(this.frame, this.filled, 0, n);
        chunk = chunk.subarray(n);
        this.onRead(n, this.frame);
        continue;
      }
      const data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
      this.carry = null;
      this.split(data, false);
      return;
    }
  }

  /** Frames in `data`; `scratch`: data is the reused scratch buffer, so what is kept is copied. */
  private split(data: Buffer, scratch: boolean): void {
    let pos = 0;
    while (data.length - pos >= 4) {
      const size = data.readInt32BE(pos);
      if (size < 0) {
        this.broken = true;
        this.onCorrupt(new Error(`invalid frame size ${size}`));
        return;
      }
      const end = pos + 4 + size;
      if (end <= data.length) {
        const body = data.subarray(pos + 4, end);
        pos = end;
        this.onFrame(scratch ? Buffer.from(body) : body);
        continue;
      }
      if (size > SCRATCH_BYTES) {
        this.frame = Buffer.allocUnsafe(size);
        this.filled = data.copy(this.frame, 0, pos + 4);
        return;
      }
      break;
    }
    if (pos < data.length) this.carry = Buffer.from(data.subarray(pos));
  }
}
