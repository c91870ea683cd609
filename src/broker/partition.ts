/**
 * The broker's view of one partition: its log plus what the log does not know about, the high
 * watermark and the fetches waiting for new data.
 *
 * On a single node the high watermark is the end of what the log has written to the OS: a record
 * becomes visible to consumers only once its append has resolved, so nothing a consumer saw can
 * vanish in a crash.
 */
import type { AppendInfo, AppendResult, PartitionLog } from '../storage/types.js';

export type Wakeup = () => void;

export class Partition {
  private highWatermarkOffset: number;
  private readonly waiters = new Set<Wakeup>();

  constructor(
    readonly topic: string,
    readonly index: number,
    readonly log: PartitionLog,
  ) {
    this.highWatermarkOffset = log.logEndOffset;
  }

  get highWatermark(): number {
    return this.highWatermarkOffset;
  }

  get logStartOffset(): number {
    return this.log.logStartOffset;
  }

  get logEndOffset(): number {
    return this.log.logEndOffset;
  }

  async append(records: Buffer, infos: AppendInfo[]): Promise<AppendResult> {
    const result = await this.log.append(records, infos);
    if (result.lastOffset + 1 > this.highWatermarkOffset) {
      this.highWatermarkOffset = result.lastOffset + 1;
      this.wakeWaiters();
    }
    return result;
  }

  /** Registers a one-shot callback for the next high watermark advance. */
  onNewData(wakeup: Wakeup): void {
    this.waiters.add(wakeup);
  }

  cancelWait(wakeup: Wakeup): void {
    this.waiters.delete(wakeup);
  }

  private wakeWaiters(): void {
    if (this.waiters.size === 0) return;
    const woken = [...this.waiters];
    this.waiters.clear();
    for (const wakeup of woken) wakeup();
  }
}
