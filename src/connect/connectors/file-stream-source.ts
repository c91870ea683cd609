/**
 * FileStreamSourceConnector, as Kafka's: reads lines appended to `file` (stdin when unset) into
 * `topic`, at most `batch.size` lines per poll. Source partition {filename}, offset {position}
 * (bytes after the last line delivered), so a restart resumes after the last stored line.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { type ConnectorConfig, SourceConnector, SourceTask, type SourceRecord, type TaskClass, sourceRecord } from '../api.js';
import { ConfigDef, atLeast, nonEmpty } from '../config-def.js';

const CONFIG = new ConfigDef()
  .define({ name: 'file', type: 'string', defaultValue: null, importance: 'HIGH', documentation: 'Source filename. If not specified, the standard input will be used' })
  .define({ name: 'topic', type: 'list', importance: 'HIGH', documentation: 'The topic to publish data to', validator: (v) => nonEmpty(v) ?? (Array.isArray(v) && v.length > 1 ? 'only one topic is allowed' : null) })
  .define({ name: 'batch.size', type: 'int', defaultValue: '2000', importance: 'LOW', documentation: 'The maximum number of records the source task can read from the file each time it is polled', validator: atLeast(1) });

export class FileStreamSourceConnector extends SourceConnector {
  private props: ConnectorConfig = {};
  config(): ConfigDef {
    return CONFIG;
  }
  start(props: ConnectorConfig): void {
    CONFIG.parse(props);
    this.props = props;
  }
  taskClass(): TaskClass {
    return FileStreamSourceTask;
  }
  /** One task only: a file has one reader. */
  taskConfigs(): ConnectorConfig[] {
    return [{ ...this.props }];
  }
  stop(): void {}
}

const READ_CHUNK_BYTES = 64 * 1024;

export class FileStreamSourceTask extends SourceTask {
  private filename: string | null = null;
  private topic = '';
  private batchSize = 2000;
  private fd: number | null = null;
  private position = 0;
  /** Bytes read but not yet ended by a newline. */
  private partial: Buffer = Buffer.alloc(0);
  private readonly chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);

  start(props: ConnectorConfig): void {
    const c = CONFIG.parse(props);
    this.filename = (c['file'] as string | null) ?? null;
    this.topic = (c['topic'] as string[])[0]!;
    this.batchSize = c['batch.size'] as number;
  }

  poll(): SourceRecord[] | null {
    if (this.fd === null && !this.open()) return null;
    const records: SourceRecord[] = [];
    const partition = { filename: this.filename ?? 'stdin' };
    while (records.length < this.batchSize) {
      const nl = this.partial.indexOf(0x0a);
      if (nl < 0) {
        const n = readSync(this.fd!, this.chunk, 0, this.chunk.length, this.filename === null ? null : this.position + this.partial.length);
        if (n === 0) break;
        this.partial = Buffer.concat([this.partial, this.chunk.subarray(0, n)]);
        continue;
      }
      const end = nl > 0 && this.partial[nl - 1] === 0x0d ? nl - 1 : nl;
      const line = this.partial.toString('utf8', 0, end);
      this.position += nl + 1;
      this.partial = this.partial.subarray(nl + 1);
      records.push(sourceRecord({ topic: this.topic, value: line, valueSchema: { type: 'string' }, sourcePartition: partition, sourceOffset: { position: this.position } }));
    }
    return records;
  }

  /** Opens the file at the stored position; false while it does not exist yet. */
  private open(): boolean {
    if (this.filename === null) {
      this.fd = 0;
      return true;
    }
    try {
      this.fd = openSync(this.filename, 'r');
    } catch {
      return false;
    }
    const stored = this.context?.offsetStorageReader.offset({ filename: this.filename });
    const position = stored?.['position'];
    if (typeof position === 'number') this.position = position;
    return true;
  }

  stop(): void {
    if (this.fd !== null && this.fd !== 0) closeSync(this.fd);
    this.fd = null;
  }
}
