/**
 * A byte budget for everything clients can make the coordinator remember: group ids, member
 * ids and protocol metadata, assignments, committed offsets. Each holder reserves what it keeps
 * and releases it when it lets go, so total memory stays under one bound however many groups,
 * members or commits arrive.
 */

/** Rough fixed cost of one map entry / object, added to every reservation. */
export const ENTRY_OVERHEAD_BYTES = 64;

export class MemoryBudget {
  private usedBytes = 0;

  constructor(readonly limitBytes: number) {}

  get used(): number {
    return this.usedBytes;
  }

  /** Whether `bytes` more would stay within the limit. */
  fits(bytes: number): boolean {
    return this.usedBytes + bytes <= this.limitBytes;
  }

  /**
   * Reserves `bytes`. Callers ask `fits` first and refuse the client when it does not; state
   * replayed from the log is reserved unchecked (it was admitted when it was written).
   */
  reserve(bytes: number): void {
    this.usedBytes += bytes;
  }

  release(bytes: number): void {
    this.usedBytes = Math.max(0, this.usedBytes - bytes);
  }
}

/** Bytes a string costs: UTF-16 in the heap. */
export function stringBytes(s: string | null | undefined): number {
  return s ? s.length * 2 : 0;
}
