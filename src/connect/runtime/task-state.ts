import type { Logger } from '../../log/logger.js';

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

/**
 * What source and sink task runners share: the reported state, the pause flag and waiter their
 * loop reads, and how a failure is recorded and logged.
 */
export abstract class TaskLifecycle implements TaskRunner {
  protected state: TaskStatus = { state: 'UNASSIGNED' };
  protected paused = false;
  protected stopping = false;
  protected readonly waiter = new Waiter();
  protected loop: Promise<void> = Promise.resolve();

  constructor(
    readonly id: number,
    private readonly kind: 'source' | 'sink',
    private readonly connectorName: string,
    private readonly lifecycleLogger: Logger,
  ) {}

  abstract stop(): Promise<void>;

  status(): TaskStatus {
    return this.state;
  }

  pause(): void {
    if (this.state.state !== 'RUNNING') return;
    this.paused = true;
    this.state = { state: 'PAUSED' };
  }

  resume(): void {
    if (this.state.state !== 'PAUSED') return;
    this.paused = false;
    this.state = { state: 'RUNNING' };
    this.waiter.wake();
  }

  protected fail(err: unknown): void {
    this.state = { state: 'FAILED', trace: traceOf(err) };
    this.lifecycleLogger.error({ err: traceOf(err), connector: this.connectorName, task: this.id }, `${this.kind} task failed`);
  }
}
