/**
 * PostgreSQL source, query-based: each poll reads rows past the stored offset of every table.
 *   mode=incrementing             WHERE id > :last ORDER BY id
 *   mode=timestamp                WHERE ts > :last ORDER BY ts        (sees updates; same-ts rows may be missed)
 *   mode=timestamp+incrementing   WHERE ts > :ts OR (ts = :ts AND id > :id) ORDER BY ts, id
 * Timestamps are compared in microseconds since the epoch (PostgreSQL's precision), so no row is
 * read twice or skipped through rounding. Source partition {table}, offset {incrementing?, timestamp_us?}.
 * Records go to `topic.prefix` + table, value a struct with the table's columns, key the id.
 */
import postgres from 'postgres';
import { type ConnectorConfig, SourceConnector, SourceTask, type SourceRecord, type TaskClass, sourceRecord } from '../../api.js';
import { ConfigDef, atLeast, nonEmpty, oneOf } from '../../config-def.js';
import type { Field, Schema } from '../../data.js';
import { connectValue, ident, schemaOfColumn } from './schema-mapping.js';

const CONFIG = new ConfigDef()
  .define({ name: 'connection.url', type: 'string', importance: 'HIGH', documentation: 'postgres://user:password@host:port/database', validator: (v) => (typeof v === 'string' && /^postgres(ql)?:\/\//.test(v) ? null : 'must be a postgres:// URL') })
  .define({ name: 'table.whitelist', type: 'list', importance: 'HIGH', documentation: 'Tables to copy', validator: nonEmpty })
  .define({ name: 'mode', type: 'string', importance: 'HIGH', documentation: 'incrementing, timestamp or timestamp+incrementing', validator: oneOf('incrementing', 'timestamp', 'timestamp+incrementing') })
  .define({ name: 'incrementing.column.name', type: 'string', defaultValue: '', documentation: 'Strictly increasing column (incrementing modes)' })
  .define({ name: 'timestamp.column.name', type: 'string', defaultValue: '', documentation: 'Last-modified column (timestamp modes)' })
  .define({ name: 'topic.prefix', type: 'string', defaultValue: '', documentation: 'Topic = prefix + table name' })
  .define({ name: 'poll.interval.ms', type: 'int', defaultValue: '5000', documentation: 'Wait between queries of a table that had no new rows', validator: atLeast(0) })
  .define({ name: 'batch.max.rows', type: 'int', defaultValue: '100', documentation: 'Rows per query', validator: atLeast(1) });

function checkModeColumns(c: Record<string, unknown>): string | null {
  const mode = c['mode'] as string;
  if (mode.includes('incrementing') && !c['incrementing.column.name']) return 'incrementing.column.name';
  if (mode.includes('timestamp') && !c['timestamp.column.name']) return 'timestamp.column.name';
  return null;
}

export class PostgresSourceConnector extends SourceConnector {
  private props: ConnectorConfig = {};
  config(): ConfigDef {
    // The mode's columns are required by mode: validated here so /validate reports them.
    const def = new ConfigDef().merge(CONFIG);
    const original = def.validate.bind(def);
    def.validate = (props) => {
      const r = original(props);
      if (r.errorCount > 0) return r;
      const missing = checkModeColumns(CONFIG.parse(props));
      if (missing) {
        r.errorCount++;
        r.configs.find((x) => x.definition.name === missing)!.value.errors.push(`${missing} is required with mode=${props['mode']}`);
      }
      return r;
    };
    return def;
  }
  start(props: ConnectorConfig): void {
    this.props = props;
  }
  taskClass(): TaskClass {
    return PostgresSourceTask;
  }
  /** Tables are split between tasks. */
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    const tables = (CONFIG.parse(this.props)['table.whitelist'] as string[]) ?? [];
    const n = Math.max(1, Math.min(maxTasks, tables.length));
    return Array.from({ length: n }, (_, i) => ({ ...this.props, tables: tables.filter((_, j) => j % n === i).join(',') }));
  }
  stop(): void {}
}

interface TableState {
  name: string;
  schema: Schema | null;
  lastId: string | null;
  lastTsUs: string | null;
  nextQueryMs: number;
}

export class PostgresSourceTask extends SourceTask {
  private sql: postgres.Sql | null = null;
  private tables: TableState[] = [];
  private mode = 'incrementing';
  private idColumn = '';
  private tsColumn = '';
  private prefix = '';
  private pollIntervalMs = 5000;
  private batchRows = 100;

  start(props: ConnectorConfig): void {
    const c = CONFIG.parse(props);
    this.mode = c['mode'] as string;
    this.idColumn = c['incrementing.column.name'] as string;
    this.tsColumn = c['timestamp.column.name'] as string;
    this.prefix = c['topic.prefix'] as string;
    this.pollIntervalMs = c['poll.interval.ms'] as number;
    this.batchRows = c['batch.max.rows'] as number;
    this.sql = postgres(c['connection.url'] as string, { max: 1, onnotice: () => {} });
    const names = (props['tables'] ?? (c['table.whitelist'] as string[]).join(',')).split(',').filter((s) => s !== '');
    this.tables = names.map((name) => {
      const stored = this.context.offsetStorageReader.offset({ table: name });
      return { name, schema: null, lastId: (stored?.['incrementing'] as string | undefined) ?? null, lastTsUs: (stored?.['timestamp_us'] as string | undefined) ?? null, nextQueryMs: 0 };
    });
  }

  async poll(): Promise<SourceRecord[] | null> {
    const out: SourceRecord[] = [];
    for (const t of this.tables) {
      if (Date.now() < t.nextQueryMs) continue;
      const rows = await this.query(t);
      if (rows.length < this.batchRows) t.nextQueryMs = Date.now() + this.pollIntervalMs;
      out.push(...rows);
    }
    return out.length > 0 ? out : null;
  }

  private async describe(t: TableState): Promise<Schema> {
    const cols = await this.sql!`select column_name, udt_name, is_nullable from information_schema.columns where table_name = ${t.name} order by ordinal_position`;
    if (cols.length === 0) throw new Error(`table ${t.name} not found`);
    return { type: 'struct', name: t.name, optional: false, fields: cols.map((c) => schemaOfColumn(c['udt_name'] as string, c['is_nullable'] === 'YES', c['column_name'] as string)) };
  }

  private async query(t: TableState): Promise<SourceRecord[]> {
    t.schema ??= await this.describe(t);
    const id = this.idColumn ? ident(this.idColumn) : '';
    const tsUs = this.tsColumn ? `(extract(epoch from ${ident(this.tsColumn)}) * 1000000)::bigint` : '';
    const params: string[] = [];
    let where = 'true';
    let order = '';
    if (this.mode === 'incrementing') {
      if (t.lastId !== null) (where = `${id} > $1`), params.push(t.lastId);
      order = id;
    } else if (this.mode === 'timestamp') {
      if (t.lastTsUs !== null) (where = `${tsUs} > $1`), params.push(t.lastTsUs);
      order = tsUs;
    } else {
      if (t.lastTsUs !== null) (where = `${tsUs} > $1 or (${tsUs} = $1 and ${id} > $2)`), params.push(t.lastTsUs, t.lastId ?? '-9223372036854775808');
      order = `${tsUs}, ${id}`;
    }
    const select = `select *${tsUs ? `, ${tsUs}::text as "__brook_ts_us"` : ''}${id ? `, ${id}::text as "__brook_id"` : ''} from ${ident(t.name)} where ${where} order by ${order} limit ${this.batchRows}`;
    const rows = await this.sql!.unsafe(select, params);
    const fields = t.schema.fields as Field[];
    return rows.map((row) => {
      if (id) t.lastId = row['__brook_id'] as string;
      if (tsUs) t.lastTsUs = row['__brook_ts_us'] as string;
      const value: Record<string, unknown> = {};
      for (const f of fields) value[f.field] = connectValue(row[f.field], f);
      const offset: Record<string, unknown> = {};
      if (id) offset['incrementing'] = t.lastId;
      if (tsUs) offset['timestamp_us'] = t.lastTsUs;
      const keyField = id ? fields.find((f) => f.field === this.idColumn) : undefined;
      return sourceRecord({
        topic: this.prefix + t.name,
        keySchema: keyField ? { type: keyField.type } : null,
        key: keyField ? value[keyField.field] : null,
        valueSchema: t.schema,
        value,
        sourcePartition: { table: t.name },
        sourceOffset: offset,
      });
    });
  }

  async stop(): Promise<void> {
    await this.sql?.end({ timeout: 5 });
    this.sql = null;
  }
}
