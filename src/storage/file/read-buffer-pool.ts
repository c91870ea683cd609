/**
 * Reusable Buffers for segment reads. A catch-up consumer reads about 1 MiB per partition per
 * fetch from disk; a fresh Buffer for each meant hundreds of MB of garbage per second, which the
 * GC reclaims late (external memory), so RSS grew with the amount read. Reads lease a Buffer from
 * here and the fetch path gives it back once the socket has written the response (never before:
 * the response holds views into it until the write callback).
 *
 * Buffers come in power-of-two size classes from MIN_BUFFER_BYTES; released ones are kept for
 * reuse up to `maxIdleBytes` in total, the rest are left to the GC. Counters are for tests and
 * metrics: what is leased now, what sits idle, and how many bytes were ever freshly allocated.
 */
const MIN_BUFFER_BYTES = 64 * 1024;

export class ReadBufferPool {
  /** Idle Buffers by size class (log2 of their length). */
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
    const sizeClass = Math.max(16, Math.ceil(Math.log2(Math.max(bytes, MIN_BUFFER_BYTES))));
    const size = 2 ** sizeClass;
    const free = this.idle.get(sizeClass);
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
    const sizeClass = Math.log2(size);
    let free = this.idle.get(sizeClass);
    if (!free) this.idle.set(sizeClass, (free = []));
    free.push(buf);
    this.idleBytes += size;
  }
}
