/**
 * PostgreSQL change data capture through logical decoding with the `pgoutput` plugin: inserts,
 * updates and deletes become records `{op: "c"|"u"|"d", before, after, source}` (Debezium's
 * shape), keyed by the primary key, to `topic.prefix` + table. `before` holds every column only
 * with REPLICA IDENTITY FULL (otherwise the key columns, or null for updates).
 *
 * The task creates the publication and the replication slot when missing, reads with
 * pg_logical_slot_peek_binary_changes (whole transactions, in commit order) and advances the slot
 * only after the runtime stored the offsets (commit()), so a crash replays, never loses. Offsets
 * are {commit_lsn, index}: the transaction's commit LSN and the change's place in it, so replayed
 * changes are skipped exactly.
 */
import postgres from 'postgres';
import { type ConnectorConfig, SourceConnector, SourceTask, type SourceRecord, type TaskClass, sourceRecord } from '../../api.js';
import { ConfigDef, atLeast } from '../../config-def.js';
import { decodePgOutput, formatLsn, parseLsn, type RelationInfo } from './pgoutput.js';
import { ident } from './schema-mapping.js';

const NAME = /^[a-z_][a-z0-9_]*$/;
const nameValidator = (v: unknown) => (typeof v === 'string' && NAME.test(v) ? null : 'must be a lower-case SQL identifier');

const CONFIG = new ConfigDef()
  .define({ name: 'connection.url', type: 'string', importance: 'HIGH', documentation: 'postgres://user:password@host:port/database', validator: (v) => (typeof v === 'string' && /^postgres(ql)?:\/\//.test(v) ? null : 'must be a postgres:// URL') })
  .define({ name: 'slot.name', type: 'string', defaultValue: 'brook_slot', documentation: 'Logical replication slot', validator: nameValidator })
  .define({ name: 'publication.name', type: 'string', defaultValue: 'brook_pub', documentation: 'Publication (created FOR the listed tables, or ALL TABLES)', validator: nameValidator })
  .define({ name: 'table.include.list', type: 'list', defaultValue: '', documentation: 'Tables to capture; empty: all' })
  .define({ name: 'topic.prefix', type: 'string', defaultValue: '', documentation: 'Topic = prefix + table name' })
  .define({ name: 'poll.interval.ms', type: 'int', defaultValue: '200', documentation: 'Wait between reads that found nothing', validator: atLeast(0) });

export class PostgresCdcSourceConnector extends SourceConnector {
  private props: ConnectorConfig = {};
  config(): ConfigDef {
    return CONFIG;
  }
  start(props: ConnectorConfig): void {
    this.props = props;
  }
  taskClass(): TaskClass {
    return PostgresCdcSourceTask;
  }
  /** One slot, one reader. */
  taskConfigs(): ConnectorConfig[] {
    return [{ ...this.props }];
  }
  stop(): void {}
}

interface Position {
  commitLsn: bigint;
  index: number;
}

const after = (a: Position, b: Position | null) => b === null || a.commitLsn > b.commitLsn || (a.commitLsn === b.commitLsn && a.index > b.index);

export class PostgresCdcSourceTask extends SourceTask {
  private sql: postgres.Sql | null = null;
  private slot = '';
  private publication = '';
  private prefix = '';
  private pollIntervalMs = 200;
  private emitted: Position | null = null;
  private nextReadMs = 0;
  private readonly relations = new Map<number, RelationInfo>();
  /** Primary key columns by table OID (with REPLICA IDENTITY FULL every column is flagged as key). */
  private readonly primaryKeys = new Map<number, string[]>();

  async start(props: ConnectorConfig): Promise<void> {
    const c = CONFIG.parse(props);
    this.slot = c['slot.name'] as string;
    this.publication = c['publication.name'] as string;
    this.prefix = c['topic.prefix'] as string;
    this.pollIntervalMs = c['poll.interval.ms'] as number;
    this.sql = postgres(c['connection.url'] as string, { max: 1, onnotice: () => {} });
    const stored = this.context.offsetStorageReader.offset({ slot: this.slot });
    if (stored && typeof stored['commit_lsn'] === 'string') this.emitted = { commitLsn: parseLsn(stored['commit_lsn']), index: Number(stored['index']) };
    const tables = c['table.include.list'] as string[];
    const pubs = await this.sql`select 1 from pg_publication where pubname = ${this.publication}`;
    if (pubs.length === 0) await this.sql.unsafe(`create publication ${ident(this.publication)} for ${tables.length > 0 ? `table ${tables.map(ident).join(', ')}` : 'all tables'}`);
    const slots = await this.sql`select 1 from pg_replication_slots where slot_name = ${this.slot}`;
    if (slots.length === 0) await this.sql`select pg_create_logical_replication_slot(${this.slot}, 'pgoutput')`;
  }

  async poll(): Promise<SourceRecord[] | null> {
    if (Date.now() < this.nextReadMs) return null;
    const rows = await this.sql!`select data from pg_logical_slot_peek_binary_changes(${this.slot}, null, null, 'proto_version', '1', 'publication_names', ${this.publication})`;
    const out: SourceRecord[] = [];
    let commitLsn = 0n;
    let index = 0;
    for (const row of rows) {
      const m = decodePgOutput(row['data'] as Buffer, this.relations);
      if (m.tag === 'relation') {
        this.relations.set(m.relation.id, m.relation);
        if (!this.primaryKeys.has(m.relation.id)) this.primaryKeys.set(m.relation.id, await this.primaryKey(m.relation));
      }
      else if (m.tag === 'begin') (commitLsn = m.finalLsn), (index = 0);
      else if (m.tag === 'insert' || m.tag === 'update' || m.tag === 'delete') {
        const position = { commitLsn, index: index++ };
        if (!after(position, this.emitted)) continue;
        this.emitted = position;
        out.push(this.record(m, position));
      }
    }
    if (out.length === 0) this.nextReadMs = Date.now() + this.pollIntervalMs;
    return out.length > 0 ? out : null;
  }

  private record(m: { tag: 'insert' | 'update' | 'delete'; relationId: number; before: Record<string, unknown> | null; after: Record<string, unknown> | null }, p: Position): SourceRecord {
    const rel = this.relations.get(m.relationId)!;
    const image = m.after ?? m.before ?? {};
    const keyColumns = this.primaryKeys.get(rel.id) ?? [];
    const key = keyColumns.length > 0 ? Object.fromEntries(keyColumns.map((k) => [k, image[k] ?? null])) : null;
    const op = m.tag === 'insert' ? 'c' : m.tag === 'update' ? 'u' : 'd';
    const lsn = formatLsn(p.commitLsn);
    return sourceRecord({
      topic: this.prefix + rel.table,
      key,
      value: { op, before: m.before, after: m.after, source: { schema: rel.schema, table: rel.table, commit_lsn: lsn, index: p.index } },
      sourcePartition: { slot: this.slot },
      sourceOffset: { commit_lsn: lsn, index: p.index },
    });
  }

  private async primaryKey(rel: RelationInfo): Promise<string[]> {
    const rows = await this.sql!`select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey) where i.indrelid = ${rel.id} and i.indisprimary order by array_position(i.indkey, a.attnum)`;
    const pk = rows.map((r) => r['attname'] as string);
    return pk.length > 0 ? pk : rel.columns.filter((col) => col.key).map((col) => col.name);
  }

  /** The runtime stored the offsets: the slot may let go of what was emitted. */
  override async commit(): Promise<void> {
    if (this.emitted === null || this.sql === null) return;
    const slot = await this.sql`select confirmed_flush_lsn::text as lsn from pg_replication_slots where slot_name = ${this.slot}`;
    if (slot.length > 0 && parseLsn(slot[0]!['lsn'] as string) < this.emitted.commitLsn) {
      await this.sql`select pg_replication_slot_advance(${this.slot}, ${formatLsn(this.emitted.commitLsn)}::pg_lsn)`;
    }
  }

  async stop(): Promise<void> {
    await this.sql?.end({ timeout: 5 });
    this.sql = null;
  }
}
