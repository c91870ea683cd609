/**
 * Dead letter queue for sink connectors (errors.deadletterqueue.topic.name): the original record,
 * bytes untouched, and with errors.deadletterqueue.context.headers.enable=true the error context
 * in Kafka's `__connect.errors.*` headers.
 */
import type { ConsumerRecord, Producer } from '../../client/index.js';
import type { ErrorContext } from './error-handling.js';

export const ERROR_HEADER_PREFIX = '__connect.errors.';

export function errorHeaders(record: ConsumerRecord, connector: string, taskId: number, ctx: ErrorContext): Array<{ key: string; value: string }> {
  const h = (name: string, value: string) => ({ key: ERROR_HEADER_PREFIX + name, value });
  return [
    h('topic', record.topic),
    h('partition', String(record.partition)),
    h('offset', String(record.offset)),
    h('connector.name', connector),
    h('task.id', String(taskId)),
    h('stage', ctx.stage),
    h('class.name', ctx.className),
    h('exception.class.name', ctx.error.name),
    h('exception.message', ctx.error.message),
    h('exception.stacktrace', ctx.error.stack ?? ctx.error.message),
  ];
}

export class DeadLetterQueue {
  constructor(
    private readonly producer: Producer,
    private readonly topic: string,
    private readonly contextHeaders: boolean,
    private readonly connector: string,
    private readonly taskId: number,
  ) {}

  async report(record: ConsumerRecord, ctx: ErrorContext): Promise<void> {
    const headers: Array<{ key: string; value: Buffer | string | null }> = record.headers.map((x) => ({ key: x.key, value: x.value ?? null }));
    if (this.contextHeaders) headers.push(...errorHeaders(record, this.connector, this.taskId, ctx));
    await this.producer.send({ topic: this.topic, messages: [{ key: record.key, value: record.value, headers, timestamp: record.timestamp }] });
  }

  close(): Promise<void> {
    return this.producer.close();
  }
}
