/**
 * PostgreSQL source (timestamp+incrementing) -> topic -> PostgreSQL sink (upsert, auto-created
 * table) against a real PostgreSQL started by the test: inserts and updates arrive, and a
 * restarted runtime resumes from the stored offsets.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import postgres from 'postgres';
import { Consumer } from '../../src/client/index.js';
import { startTestBroker, tempDir, removeDir, type TestBroker } from '../helpers/broker.js';
import { call, startWorker, waitFor, workerConfig } from './helpers.js';
import { postgresBinDir, startPostgres, type TestPostgres } from './postgres-server.js';

const skip = postgresBinDir() === null ? 'PostgreSQL is not installed (Debian package postgresql)' : false;
let broker: TestBroker;
let pg: TestPostgres;
let sql: postgres.Sql;
let dir: string;

before(async () => {
  if (skip) return;
  [broker, pg] = await Promise.all([startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } }), startPostgres()]);
  sql = postgres(pg.url, { max: 1, onnotice: () => {} });
  dir = tempDir('brook-connect-pg-');
});

after(async () => {
  if (skip) return;
  await sql.end();
  await pg.stop();
  await broker.stop();
  removeDir(broker.dataDir);
  removeDir(dir);
});

const dstRows = async () => (await sql`select id, name, score from dst order by id`.catch(() => [])).map((r) => ({ ...r }));

test('PostgreSQL source -> topic -> PostgreSQL sink, with updates and a restart', { skip }, async () => {
  await sql`create table src (id serial primary key, name text not null, score float8, updated_at timestamptz not null default clock_timestamp())`;
  await sql`insert into src (name, score) values ('a', 1.5), ('b', null), ('c', 3)`;
  const worker = workerConfig(broker.bootstrapServers, dir, {
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
  });
  const source = {
    name: 'pg-src',
    'connector.class': 'PostgresSource',
    'connection.url': pg.url,
    'table.whitelist': 'src',
    mode: 'timestamp+incrementing',
    'incrementing.column.name': 'id',
    'timestamp.column.name': 'updated_at',
    'topic.prefix': 'pg-',
    'poll.interval.ms': '50',
  };
  const sink = {
    name: 'pg-snk',
    'connector.class': 'io.brook.connect.postgres.PostgresSinkConnector',
    'connection.url': pg.url,
    topics: 'pg-src',
    'table.name.format': 'dst',
    'insert.mode': 'upsert',
    'pk.mode': 'record_value',
    'pk.fields': 'id',
    'auto.create': 'true',
  };
  let connect = await startWorker(worker, [source, sink]);
  try {
    await waitFor('the first rows in dst', async () => (await dstRows()).length === 3);
    assert.deepEqual(await dstRows(), [{ id: 1, name: 'a', score: 1.5 }, { id: 2, name: 'b', score: null }, { id: 3, name: 'c', score: 3 }]);
    await sql`update src set name = 'B', updated_at = clock_timestamp() where id = 2`;
    await sql`insert into src (name) values ('d')`;
    await waitFor('the update and the insert', async () => JSON.stringify(await dstRows()) === JSON.stringify([{ id: 1, name: 'a', score: 1.5 }, { id: 2, name: 'B', score: null }, { id: 3, name: 'c', score: 3 }, { id: 4, name: 'd', score: null }]));
    const bad = await call(connect.url, 'PUT', '/connectors/pg-bad/config', { ...source, name: 'pg-bad', 'incrementing.column.name': '' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /incrementing\.column\.name/);
  } finally {
    await connect.stop();
  }

  await sql`insert into src (name) values ('e')`;
  connect = await startWorker(worker, [source, sink]);
  try {
    await waitFor('the row inserted while stopped', async () => (await dstRows()).length === 5);
  } finally {
    await connect.stop();
  }
  // The topic holds each change once: the restart resumed from the stored offset.
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers });
  try {
    await consumer.assign([{ topic: 'pg-src', partition: 0, offset: 0 }]);
    const seen: Array<{ id: number; name: string }> = [];
    await waitFor('6 change records', async () => {
      for (const r of await consumer.poll({ timeoutMs: 100 })) seen.push(JSON.parse(r.value!.toString()).payload);
      return seen.length >= 6;
    });
    assert.deepEqual(seen.map((v) => `${v.id}:${v.name}`), ['1:a', '2:b', '3:c', '2:B', '4:d', '5:e']);
    const first = (await consumer.poll({ timeoutMs: 200 })).length;
    assert.equal(first, 0, 'no duplicates');
  } finally {
    await consumer.close();
  }
});

test('PostgreSQL CDC (pgoutput): inserts, updates and deletes in order, resuming after a restart', { skip }, async () => {
  await sql`create table items (id int primary key, name text, qty int)`;
  await sql`alter table items replica identity full`;
  const worker = workerConfig(broker.bootstrapServers, join(dir), {
    'offset.storage.file.filename': join(dir, 'cdc.offsets'),
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'value.converter.schemas.enable': 'false',
  });
  const cdc = { name: 'pg-cdc', 'connector.class': 'PostgresCdcSource', 'connection.url': pg.url, 'table.include.list': 'items', 'topic.prefix': 'cdc-', 'poll.interval.ms': '50' };
  const consumer = new Consumer({ bootstrapServers: broker.bootstrapServers });
  const events: Array<{ key: unknown; value: any }> = [];
  const readUntil = (n: number) =>
    waitFor(`${n} change events`, async () => {
      for (const r of await consumer.poll({ timeoutMs: 100 })) events.push({ key: JSON.parse(r.key!.toString()), value: JSON.parse(r.value!.toString()) });
      return events.length >= n;
    });
  let connect = await startWorker(worker, [cdc]);
  try {
    await sql`insert into items values (1, 'apple', 3), (2, 'pear', 5)`;
    await sql.begin(async (tx) => {
      await tx`update items set qty = 4 where id = 1`;
      await tx`delete from items where id = 2`;
    });
    await consumer.assign([{ topic: 'cdc-items', partition: 0, offset: 0 }]);
    await readUntil(4);
    assert.deepEqual(
      events.map((e) => [e.key, e.value.op, e.value.before, e.value.after]),
      [
        [{ id: 1 }, 'c', null, { id: 1, name: 'apple', qty: 3 }],
        [{ id: 2 }, 'c', null, { id: 2, name: 'pear', qty: 5 }],
        [{ id: 1 }, 'u', { id: 1, name: 'apple', qty: 3 }, { id: 1, name: 'apple', qty: 4 }],
        [{ id: 2 }, 'd', { id: 2, name: 'pear', qty: 5 }, null],
      ],
    );
    assert.equal(events[0]!.value.source.table, 'items');
  } finally {
    await connect.stop();
  }
  await sql`insert into items values (3, 'fig', 1)`;
  connect = await startWorker(worker, [cdc]);
  try {
    await readUntil(5);
    assert.deepEqual([events[4]!.value.op, events[4]!.value.after], ['c', { id: 3, name: 'fig', qty: 1 }]);
    assert.equal((await consumer.poll({ timeoutMs: 300 })).length, 0, 'nothing replayed after the restart');
    const slot = await sql`select confirmed_flush_lsn::text as lsn from pg_replication_slots where slot_name = 'brook_slot'`;
    assert.ok(slot[0]!['lsn'] !== '0/0', 'the slot was advanced after offsets were stored');
  } finally {
    await connect.stop();
    await consumer.close();
  }
});
