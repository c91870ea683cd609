/** Connector and task states as Kafka Connect reports them in /status. */
export type State = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';

export interface TaskStatus {
  state: State;
  trace?: string;
}

export function traceOf(err: unknown): string {
  return err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err);
}

/** What every running task exposes to the herder. */
export interface TaskRunner {
  readonly id: number;
  status(): TaskStatus;
  pause(): void;
  resume(): void;
  /** Stops the loop, commits what can be committed, releases clients. */
  stop(): Promise<void>;
}

/** Resolves after ms, or at once when wake() is called (so stop/resume never wait a full backoff). */
export class Waiter {
  private wakeFn: (() => void) | null = null;
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wakeFn = null;
        resolve();
      }
      this.wakeFn = done;
    });
  }
  wake(): void {
    this.wakeFn?.();
  }
}
