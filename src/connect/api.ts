/**
 * The connector SPI, shaped after Kafka Connect's Java API so its concepts carry over:
 *
 *   Connector (one per configured connector): validates its config, splits the work into
 *   task configs (taskConfigs(maxTasks)), and owns no data itself.
 *   SourceTask: poll() returns SourceRecords, each carrying a source partition and offset
 *   (plain JSON objects) that the runtime stores and hands back on restart (context.offsetStorageReader).
 *   SinkTask: put() receives SinkRecords, flush() makes them durable; the runtime commits consumer
 *   offsets only after flush() resolves.
 *
 * Values are plain JS values (objects for structs); a Schema, when known, travels beside them.
 * Plugins are ES modules exporting connector classes (see runtime/plugins.ts).
 */
import type { ConfigDef } from './config-def.js';
import type { Schema } from './data.js';

export type ConnectorType = 'source' | 'sink';

/**
 * A header as connectors and transforms see it: a value converted by the worker's
 * `header.converter` (default SimpleHeaderConverter: strings, numbers, booleans, arrays, maps; a
 * Buffer is written as it is).
 */
export interface ConnectHeader {
  key: string;
  value: unknown;
  schema?: Schema | null;
}

/** Fields shared by source and sink records (Kafka's ConnectRecord). */
export interface ConnectRecord {
  topic: string;
  kafkaPartition: number | null;
  keySchema: Schema | null;
  key: unknown;
  valueSchema: Schema | null;
  value: unknown;
  timestamp: number | null;
  headers: ConnectHeader[];
}

export type SourcePartition = Record<string, unknown>;
export type SourceOffset = Record<string, unknown>;

export interface SourceRecord extends ConnectRecord {
  sourcePartition: SourcePartition | null;
  sourceOffset: SourceOffset | null;
}

export interface SinkRecord extends ConnectRecord {
  kafkaPartition: number;
  kafkaOffset: number;
}

/** Builds a SourceRecord with Kafka's defaults for what is omitted. */
export function sourceRecord(r: Partial<SourceRecord> & { topic: string; value: unknown }): SourceRecord {
  return {
    topic: r.topic,
    kafkaPartition: r.kafkaPartition ?? null,
    keySchema: r.keySchema ?? null,
    key: r.key ?? null,
    valueSchema: r.valueSchema ?? null,
    value: r.value,
    timestamp: r.timestamp ?? null,
    headers: r.headers ?? [],
    sourcePartition: r.sourcePartition ?? null,
    sourceOffset: r.sourceOffset ?? null,
  };
}

export type ConnectorConfig = Record<string, string>;

export interface ConnectorContext {
  /** Asks the runtime to recompute task configs (e.g. the set of tables changed). */
  requestTaskReconfiguration(): void;
  /** Reports an unrecoverable failure: the connector goes to FAILED. */
  raiseError(err: Error): void;
}

export interface OffsetStorageReader {
  offset(partition: SourcePartition): SourceOffset | null;
}

export interface SourceTaskContext {
  readonly configs: ConnectorConfig;
  readonly offsetStorageReader: OffsetStorageReader;
}

export interface TopicPartitionRef {
  topic: string;
  partition: number;
}

export interface SinkTaskContext {
  readonly configs: ConnectorConfig;
  /** Rewinds a partition (the runtime seeks the consumer before the next put). */
  offset(tp: TopicPartitionRef, offset: number): void;
  /** Asks for a flush + commit at the next opportunity. */
  requestCommit(): void;
  assignment(): TopicPartitionRef[];
}

export abstract class Connector {
  abstract readonly type: ConnectorType;
  protected context!: ConnectorContext;
  initialize(context: ConnectorContext): void {
    this.context = context;
  }
  version(): string {
    return '1.0';
  }
  abstract config(): ConfigDef;
  /** Extra checks beyond the ConfigDef; the runtime calls config().validate() first. */
  abstract start(props: ConnectorConfig): void | Promise<void>;
  abstract taskClass(): TaskClass;
  abstract taskConfigs(maxTasks: number): ConnectorConfig[];
  abstract stop(): void | Promise<void>;
}

export abstract class SourceConnector extends Connector {
  readonly type = 'source' as const;
}

export abstract class SinkConnector extends Connector {
  readonly type = 'sink' as const;
}

export abstract class Task {
  version(): string {
    return '1.0';
  }
  abstract start(props: ConnectorConfig): void | Promise<void>;
  abstract stop(): void | Promise<void>;
}

export abstract class SourceTask extends Task {
  protected context!: SourceTaskContext;
  initialize(context: SourceTaskContext): void {
    this.context = context;
  }
  /**
   * Records ready now, or null/[] when there are none. The runtime calls it in a loop and waits a
   * little between empty polls, so a task need not block (it may, briefly).
   */
  abstract poll(): Promise<SourceRecord[] | null> | SourceRecord[] | null;
  /** Called once the record's offset has been handed to the producer and acknowledged. */
  commitRecord(_record: SourceRecord): void | Promise<void> {}
  commit(): void | Promise<void> {}
}

export abstract class SinkTask extends Task {
  protected context!: SinkTaskContext;
  initialize(context: SinkTaskContext): void {
    this.context = context;
  }
  abstract put(records: SinkRecord[]): void | Promise<void>;
  /** Makes everything put so far durable; offsets up to these are committed afterwards. */
  flush(_offsets: Map<string, number>): void | Promise<void> {}
  open(_partitions: TopicPartitionRef[]): void | Promise<void> {}
  close(_partitions: TopicPartitionRef[]): void | Promise<void> {}
}

export type TaskClass = new () => SourceTask | SinkTask;
export type ConnectorClass = new () => Connector;

/** Thrown by tasks for a failure that may pass if retried (Kafka's RetriableException). */
export class RetriableError extends Error {
  override name = 'RetriableError';
}

/** Thrown for a bad connector config; `field` names the failing key (REST answers 400). */
export class ConnectConfigError extends Error {
  override name = 'ConnectConfigError';
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}
