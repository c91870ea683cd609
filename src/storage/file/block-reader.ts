/**
 * Sequential positional reads of a file in large blocks, so walking many small batch headers costs
 * one read per block instead of one per header. Used by recovery scans and the segment read path.
 * With a pool its buffer is leased: whoever ends up holding views into it calls release().
 */
import type { FileOps } from './fs-ops.js';
import { readFully } from './fs-ops.js';
import type { ReadBufferPool } from './read-buffer-pool.js';

const EMPTY = Buffer.alloc(0);

export class BlockReader {
  private buf: Buffer;
  private start = 0;
  private length = 0;
  /** Bytes read from disk so far (for scan counters). */
  bytesRead = 0;

  constructor(
    private readonly ops: FileOps,
    private readonly fd: number,
    private readonly endBytes: number,
    private readonly blockBytes: number,
    private readonly pool: ReadBufferPool | null = null,
  ) {
    this.buf = EMPTY;
  }

  /** The buffer the last view() offset refers to. */
  get buffer(): Buffer {
    return this.buf;
  }

  /**
   * Makes file bytes [pos, pos + need) available in `buffer` and returns their offset in it, or -1
   * if the file (as bounded by endBytes) ends before pos + need.
   */
  async view(pos: number, need: number): Promise<number> {
    if (pos + need > this.endBytes) return -1;
    if (pos >= this.start && pos + need <= this.start + this.length) return pos - this.start;
    const want = Math.min(Math.max(need, this.blockBytes), this.endBytes - pos);
    if (this.buf.length < want) this.grow(want);
    const n = await readFully(this.ops, this.fd, this.buf, want, pos);
    this.bytesRead += n;
    this.start = pos;
    this.length = n;
    return n >= need ? 0 : -1;
  }

  /** Gives a leased buffer back to the pool; the reader must not be used afterwards. */
  release(): void {
    if (this.pool && this.buf.length > 0) this.pool.release(this.buf);
    this.buf = EMPTY;
    this.length = 0;
  }

  private grow(want: number): void {
    if (!this.pool) {
      this.buf = Buffer.allocUnsafe(want);
      return;
    }
    this.release();
    this.buf = this.pool.acquire(want);
  }
}
