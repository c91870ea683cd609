/**
 * Reusable Buffers for segment reads. A catch-up consumer reads about 1 MiB per partition per
 * fetch from disk; a fresh Buffer for each meant hundreds of MB of garbage per second, which the
 * GC reclaims late (external memory), so RSS grew with the amount read. Reads lease a Buffer from
 * here and the fetch path gives it back once the socket has written the response (never before:
 * the response holds views into it until the write callback).
 *
 * Sizes are rounded up to a multiple of SIZE_STEP_BYTES (fetches of one consumer ask for the same
 * size every time, so a step wastes less than power-of-two classes would: a 1 MiB fetch plus
 * the index walk is 1.06 MiB, not 2); released Buffers are kept for reuse up to `maxIdleBytes`
 * in total, the rest are left to the GC. Counters are for tests and
 * metrics: what is leased now, what sits idle, and how many bytes were ever freshly allocated.
 */
const SIZE_STEP_BYTES = 64 * 1024;

export class ReadBufferPool {
  /** Idle Buffers by length. */
  private readonly idle = new Map<number, Buffer[]>();
  /** Bytes of leased Buffers not yet released. */
  leasedBytes = 0;
  /** Bytes of idle Buffers kept for reuse. */
  idleBytes = 0;
  /** Bytes ever allocated (not reused): flat while reads reuse what earlier reads released. */
  allocatedBytes = 0;

  constructor(readonly maxIdleBytes: number) {}

  /** A Buffer of at least `bytes` (contents undefined); give it back with release(). */
  acquire(bytes: number): Buffer {
    const size = Math.max(1, Math.ceil(bytes / SIZE_STEP_BYTES)) * SIZE_STEP_BYTES;
    const free = this.idle.get(size);
    let buf = free?.pop();
    if (buf) this.idleBytes -= size;
    else {
      // allocUnsafeSlow: a Buffer of its own, never a slice of Node's shared pool.
      buf = Buffer.allocUnsafeSlow(size);
      this.allocatedBytes += size;
    }
    this.leasedBytes += size;
    return buf;
  }

  /** Returns a Buffer from acquire(); the caller must hold no view into it any more. */
  release(buf: Buffer): void {
    const size = buf.length;
    this.leasedBytes -= size;
    if (this.idleBytes + size > this.maxIdleBytes) return;
    let free = this.idle.get(size);
    if (!free) this.idle.set(size, (free = []));
    free.push(buf);
    this.idleBytes += size;
  }
}
