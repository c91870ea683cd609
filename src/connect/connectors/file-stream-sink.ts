/**
 * FileStreamSinkConnector, as Kafka's: appends each record's value as one line to `file`
 * (stdout when unset); flush() fsyncs, so committed offsets mean lines on disk.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { type ConnectorConfig, SinkConnector, SinkTask, type SinkRecord, type TaskClass } from '../api.js';
import { ConfigDef } from '../config-def.js';
import { isStruct } from '../data.js';

const CONFIG = new ConfigDef().define({ name: 'file', type: 'string', defaultValue: null, importance: 'HIGH', documentation: 'Destination filename. If not specified, the standard output will be used' });

export class FileStreamSinkConnector extends SinkConnector {
  private props: ConnectorConfig = {};
  config(): ConfigDef {
    return CONFIG;
  }
  start(props: ConnectorConfig): void {
    this.props = props;
  }
  taskClass(): TaskClass {
    return FileStreamSinkTask;
  }
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop(): void {}
}

export function lineOf(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return value.toString('utf8');
  if (isStruct(value) || Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

export class FileStreamSinkTask extends SinkTask {
  private fd = 1;

  start(props: ConnectorConfig): void {
    const file = props['file'];
    this.fd = file ? openSync(file, 'a') : 1;
  }

  put(records: SinkRecord[]): void {
    let text = '';
    for (const r of records) text += lineOf(r.value) + '\n';
    if (text !== '') writeSync(this.fd, text);
  }

  override flush(): void {
    if (this.fd !== 1) fsyncSync(this.fd);
  }

  stop(): void {
    if (this.fd !== 1) closeSync(this.fd);
    this.fd = 1;
  }
}
