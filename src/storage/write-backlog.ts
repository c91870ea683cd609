/**
 * Bytes appended to a store's partitions that are not yet handed to the OS (queued for the file
 * store's writes). Owned by the store; the partition logs add and remove, the broker reads it to
 * stop reading requests while the disk is behind (`queued.max.request.bytes`).
 */
export class WriteBacklog {
  private queuedBytes = 0;
  /** Told after a write round lowered the backlog (the broker may resume reading). */
  onWritten: (() => void) | null = null;

  get bytes(): number {
    return this.queuedBytes;
  }

  queued(bytes: number): void {
    this.queuedBytes += bytes;
  }

  written(bytes: number): void {
    if (bytes === 0) return;
    this.queuedBytes -= bytes;
    this.onWritten?.();
  }
}
