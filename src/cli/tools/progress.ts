/** A one-line progress bar on a TTY stderr (redrawn in place); nothing when stderr is not a terminal. */
export class ProgressBar {
  private lastDrawMs = 0;
  constructor(
    private readonly out: { write(text: string): unknown; isTTY?: boolean },
    private readonly total: number,
    private readonly clock: () => number,
  ) {}

  update(done: number, suffix = ''): void {
    if (!this.out.isTTY) return;
    const now = this.clock();
    if (now - this.lastDrawMs < 100 && done < this.total) return;
    this.lastDrawMs = now;
    const width = 30;
    const filled = Math.round((Math.min(done, this.total) / this.total) * width);
    this.out.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${((100 * done) / this.total).toFixed(0).padStart(3)}% ${suffix}\x1b[K`);
  }

  clear(): void {
    if (this.out.isTTY) this.out.write('\r\x1b[K');
  }
}
