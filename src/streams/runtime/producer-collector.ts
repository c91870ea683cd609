/**
 * Collects a task's output (sinks and changelogs) and sends it with the client Producer, one
 * send() per topic per processed batch. awaitAcks() is the commit barrier: offsets are committed
 * only after everything produced before them is acknowledged.
 */
import type { Producer, ProducerMessage } from '../../client/index.js';
import type { RecordHeader } from '../../records/record-types.js';
import type { RecordCollector } from '../task.js';

export class ProducerCollector implements RecordCollector {
  private buffered = new Map<string, ProducerMessage[]>();
  private inFlight: Array<Promise<unknown>> = [];
  private error: Error | null = null;

  constructor(private readonly producer: Producer) {}

  send(topic: string, key: Buffer | null, value: Buffer | null, timestampMs: number, headers: RecordHeader[], partition?: number): void {
    let list = this.buffered.get(topic);
    if (!list) this.buffered.set(topic, (list = []));
    const message: ProducerMessage = { key, value, timestamp: timestampMs, headers };
    if (partition !== undefined) message.partition = partition;
    list.push(message);
  }

  /** Hands everything buffered to the producer without waiting. */
  flush(): void {
    for (const [topic, messages] of this.buffered) {
      const sent = this.producer.send({ topic, messages });
      sent.catch((err: Error) => (this.error ??= err));
      this.inFlight.push(sent);
    }
    this.buffered = new Map();
  }

  /** Resolves once every record handed over so far is acknowledged; throws the first send failure. */
  async awaitAcks(): Promise<void> {
    this.flush();
    // Send what lingers now: this barrier is waited on every poll round.
    if (this.inFlight.length > 0) await this.producer.flush().catch(() => {});
    const pending = this.inFlight;
    this.inFlight = [];
    await Promise.allSettled(pending);
    if (this.error) throw this.error;
  }

  /** Forgets unsent output (a task was dropped before its records were handed over). */
  discard(): void {
    this.buffered = new Map();
  }
}
