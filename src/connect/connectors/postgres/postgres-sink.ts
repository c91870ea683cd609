/**
 * PostgreSQL sink: each put() writes its records to `table.name.format` (default `${topic}`) in one
 * transaction, so a committed consumer offset always means committed rows.
 *   insert.mode=insert | upsert (INSERT ... ON CONFLICT (pk) DO UPDATE)
 *   pk.mode=none | record_value | record_key, pk.fields=a,b
 *   auto.create=true creates missing tables from the value schema (or, schemaless, from the values)
 *   delete.enabled=true turns tombstones into DELETEs by the record key (pk.mode=record_key)
 */
import postgres from 'postgres';
import { type ConnectorConfig, SinkConnector, SinkTask, type SinkRecord, type TaskClass } from '../../api.js';
import { ConfigDef, oneOf } from '../../config-def.js';
import { type Field, type Schema, isStruct } from '../../data.js';
import { columnType, ident, inferSchema } from './schema-mapping.js';

const CONFIG = new ConfigDef()
  .define({ name: 'connection.url', type: 'string', importance: 'HIGH', documentation: 'postgres://user:password@host:port/database', validator: (v) => (typeof v === 'string' && /^postgres(ql)?:\/\//.test(v) ? null : 'must be a postgres:// URL') })
  .define({ name: 'table.name.format', type: 'string', defaultValue: '${topic}', documentation: 'Destination table; ${topic} is replaced by the record topic' })
  .define({ name: 'insert.mode', type: 'string', defaultValue: 'insert', validator: oneOf('insert', 'upsert') })
  .define({ name: 'pk.mode', type: 'string', defaultValue: 'none', validator: oneOf('none', 'record_value', 'record_key') })
  .define({ name: 'pk.fields', type: 'list', defaultValue: '' })
  .define({ name: 'auto.create', type: 'boolean', defaultValue: 'false' })
  .define({ name: 'delete.enabled', type: 'boolean', defaultValue: 'false' });

export class PostgresSinkConnector extends SinkConnector {
  private props: ConnectorConfig = {};
  config(): ConfigDef {
    return CONFIG;
  }
  start(props: ConnectorConfig): void {
    const c = CONFIG.parse(props);
    if (c['insert.mode'] === 'upsert' && c['pk.mode'] === 'none') throw new Error('insert.mode=upsert needs pk.mode and pk.fields');
    this.props = props;
  }
  taskClass(): TaskClass {
    return PostgresSinkTask;
  }
  taskConfigs(maxTasks: number): ConnectorConfig[] {
    return Array.from({ length: maxTasks }, () => ({ ...this.props }));
  }
  stop(): void {}
}

export class PostgresSinkTask extends SinkTask {
  private sql: postgres.Sql | null = null;
  private c: Record<string, unknown> = {};
  private readonly created = new Set<string>();

  start(props: ConnectorConfig): void {
    this.c = CONFIG.parse(props);
    this.sql = postgres(this.c['connection.url'] as string, { max: 1, onnotice: () => {} });
  }

  async put(records: SinkRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.sql!.begin(async (tx) => {
      for (const r of records) await this.write(tx, r);
    });
  }

  private pkFields(r: SinkRecord): string[] {
    const listed = this.c['pk.fields'] as string[];
    if (listed.length > 0) return listed;
    if (this.c['pk.mode'] === 'record_key') return isStruct(r.key) ? Object.keys(r.key) : ['__connect_key'];
    return [];
  }

  /** Columns and values of a record: the value's fields, plus the key's for pk.mode=record_key. */
  private row(r: SinkRecord): { schema: Schema; values: Record<string, unknown> } {
    if (!isStruct(r.value)) throw new Error(`PostgreSQL sink needs struct or map values, got ${typeof r.value} (topic ${r.topic}, offset ${r.kafkaOffset})`);
    const values: Record<string, unknown> = { ...r.value };
    const schema: Schema = r.valueSchema ?? inferSchema(r.value);
    if (this.c['pk.mode'] === 'record_key') {
      const keyValues = isStruct(r.key) ? r.key : { [this.pkFields(r)[0]!]: r.key };
      const keySchema = r.keySchema?.type === 'struct' ? r.keySchema : inferSchema(keyValues);
      for (const [k, v] of Object.entries(keyValues)) values[k] = v;
      const fields = [...(schema.fields ?? [])];
      for (const f of keySchema.fields ?? []) if (!fields.some((x) => x.field === f.field)) fields.push(f);
      return { schema: { ...schema, fields }, values };
    }
    return { schema, values };
  }

  private async write(tx: postgres.TransactionSql, r: SinkRecord): Promise<void> {
    const table = (this.c['table.name.format'] as string).replaceAll('${topic}', r.topic);
    if (r.value === null) {
      if (!this.c['delete.enabled']) return;
      const keyValues = isStruct(r.key) ? r.key : { [this.pkFields(r)[0]!]: r.key };
      const names = Object.keys(keyValues);
      await tx.unsafe(`delete from ${ident(table)} where ${names.map((n, i) => `${ident(n)} = $${i + 1}`).join(' and ')}`, names.map((n) => toParam(keyValues[n])));
      return;
    }
    const { schema, values } = this.row(r);
    const pk = this.pkFields(r);
    if (this.c['auto.create'] && !this.created.has(table)) {
      await this.createTable(tx, table, schema, pk);
      this.created.add(table);
    }
    const fields = (schema.fields ?? []).filter((f) => f.field in values);
    const columns = fields.map((f) => ident(f.field)).join(', ');
    const placeholders = fields.map((f, i) => (f.name === 'org.apache.kafka.connect.data.Timestamp' ? `to_timestamp($${i + 1}::double precision / 1000)` : `$${i + 1}`)).join(', ');
    let statement = `insert into ${ident(table)} (${columns}) values (${placeholders})`;
    if (this.c['insert.mode'] === 'upsert') {
      const updates = fields.filter((f) => !pk.includes(f.field)).map((f) => `${ident(f.field)} = excluded.${ident(f.field)}`);
      statement += ` on conflict (${pk.map(ident).join(', ')}) do ${updates.length > 0 ? `update set ${updates.join(', ')}` : 'nothing'}`;
    }
    await tx.unsafe(statement, fields.map((f) => toParam(values[f.field])));
  }

  private async createTable(tx: postgres.TransactionSql, table: string, schema: Schema, pk: string[]): Promise<void> {
    const columns = (schema.fields ?? []).map((f: Field) => `${ident(f.field)} ${columnType(f)}${f.optional === false || pk.includes(f.field) ? ' NOT NULL' : ''}`);
    if (pk.length > 0) columns.push(`PRIMARY KEY (${pk.map(ident).join(', ')})`);
    await tx.unsafe(`create table if not exists ${ident(table)} (${columns.join(', ')})`);
  }

  async stop(): Promise<void> {
    await this.sql?.end({ timeout: 5 });
    this.sql = null;
  }
}

function toParam(v: unknown): postgres.ParameterOrJSON<never> {
  if (v === null || v === undefined) return null as never;
  if (typeof v === 'object' && !Buffer.isBuffer(v)) return JSON.stringify(v) as never;
  return v as never;
}
