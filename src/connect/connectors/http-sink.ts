/**
 * HTTP sink: sends record values to `http.api.url` as JSON, `batch.max.size` records per request
 * (a JSON array when above 1). 5xx and 429 answers are retriable (errors.retry.timeout applies);
 * other non-2xx answers fail the task.
 */
import { type ConnectorConfig, RetriableError, SinkConnector, SinkTask, type SinkRecord, type TaskClass } from '../api.js';
import { ConfigDef, atLeast, oneOf } from '../config-def.js';

const CONFIG = new ConfigDef()
  .define({
    name: 'http.api.url',
    type: 'string',
    importance: 'HIGH',
    documentation: 'The URL records are sent to',
    validator: (v) => (typeof v === 'string' && /^https?:\/\/[^/]+/.test(v) ? null : 'must be an http:// or https:// URL'),
  })
  .define({ name: 'http.request.method', type: 'string', defaultValue: 'POST', documentation: 'POST or PUT', validator: oneOf('post', 'put') })
  .define({ name: 'http.headers', type: 'string', defaultValue: '', documentation: 'Extra request headers: name:value|name:value' })
  .define({ name: 'batch.max.size', type: 'int', defaultValue: '1', documentation: 'Records per request', validator: atLeast(1) })
  .define({ name: 'http.timeout.ms', type: 'int', defaultValue: '30000', documentation: 'Request timeout', validator: atLeast(1) });

export class HttpSinkConnector extends SinkConnector {
  private props: ConnectorConfig = {};
  config(): ConfigDef {
    return CONFIG;
  }
  start(props: ConnectorConfig): void {
    this.props = props;
  }
  taskClass(): TaskClass {
    return HttpSinkTask;
  }
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop(): void {}
}

export class HttpSinkTask extends SinkTask {
  private url = '';
  private method = 'POST';
  private headers: Record<string, string> = {};
  private batchSize = 1;
  private timeoutMs = 30_000;

  start(props: ConnectorConfig): void {
    const c = CONFIG.parse(props);
    this.url = c['http.api.url'] as string;
    this.method = (c['http.request.method'] as string).toUpperCase();
    this.batchSize = c['batch.max.size'] as number;
    this.timeoutMs = c['http.timeout.ms'] as number;
    this.headers = { 'content-type': 'application/json' };
    for (const pair of (c['http.headers'] as string).split('|')) {
      const i = pair.indexOf(':');
      if (i > 0) this.headers[pair.slice(0, i).trim()] = pair.slice(i + 1).trim();
    }
  }

  async put(records: SinkRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += this.batchSize) {
      const values = records.slice(i, i + this.batchSize).map((r) => jsonable(r.value));
      await this.send(JSON.stringify(this.batchSize === 1 ? values[0] : values));
    }
  }

  private async send(body: string): Promise<void> {
    let res: Response;
    try {
      res = await fetch(this.url, { method: this.method, headers: this.headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (err) {
      throw new RetriableError(`HTTP request to ${this.url} failed: ${(err as Error).message}`);
    }
    await res.arrayBuffer();
    if (res.ok) return;
    const message = `HTTP ${res.status} from ${this.url}`;
    if (res.status >= 500 || res.status === 429) throw new RetriableError(message);
    throw new Error(message);
  }

  stop(): void {}
}

function jsonable(v: unknown): unknown {
  return Buffer.isBuffer(v) ? v.toString('utf8') : v;
}
