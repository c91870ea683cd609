/**
 * A table materialised from change data capture events with Brook Streams: Debezium-style events
 * (`{"op": "c"|"u"|"d"|"r", "before": row|null, "after": row|null}`, keyed by primary key), as Brook
 * Connect's PostgreSQL CDC source emits them, become the table's current rows. The rows land in a
 * queryable store and in a topic of changes (deletes as tombstones, so a compacted copy of it is
 * the table).
 *
 *   node dist/examples/cdc-table.js                         # demo on an embedded Brook broker
 *   node dist/examples/cdc-table.js localhost:9092          # against any Kafka-compatible cluster
 */
import { Producer } from '../src/index.js';
import { KafkaStreams, Serdes, StreamsBuilder, type KeyValueStore, type Topology } from '../src/streams/index.js';
import { demoBroker, ensureTopics, readUntil, runUntilInterrupted } from './shared.js';

interface Row {
  id: string;
  name: string;
  country: string;
}

interface ChangeEvent {
  op: 'c' | 'u' | 'd' | 'r';
  before: Row | null;
  after: Row | null;
}

export function cdcTableTopology(): Topology {
  const builder = new StreamsBuilder();
  const rows = builder
    .stream<string, ChangeEvent>('db.customers', { keySerde: Serdes.string(), valueSerde: Serdes.json<ChangeEvent>() })
    .mapValues((event) => (event.op === 'd' ? null : event.after))
    .toTable({ storeName: 'customers', valueSerde: Serdes.json<Row | null>() });
  rows.toStream().to('customers-table', { valueSerde: Serdes.json<Row | null>() });
  return builder.build();
}

async function demo(): Promise<void> {
  const broker = await demoBroker();
  const { bootstrapServers } = broker;
  await ensureTopics(bootstrapServers, ['db.customers', 'customers-table']);
  const producer = new Producer({ bootstrapServers });
  const event = (id: string, op: ChangeEvent['op'], before: Omit<Row, 'id'> | null, after: Omit<Row, 'id'> | null) => ({
    key: id,
    value: JSON.stringify({ op, before: before && { id, ...before }, after: after && { id, ...after } }),
  });
  await producer.send({
    topic: 'db.customers',
    messages: [
      event('1', 'c', null, { name: 'Ann', country: 'NO' }),
      event('2', 'c', null, { name: 'Bob', country: 'SE' }),
      event('3', 'c', null, { name: 'Cid', country: 'NO' }),
      event('2', 'u', { name: 'Bob', country: 'SE' }, { name: 'Bob B.', country: 'SE' }),
      event('3', 'd', { name: 'Cid', country: 'NO' }, null),
    ],
  });
  await producer.close();

  const streams = new KafkaStreams(cdcTableTopology(), { applicationId: 'cdc-table', bootstrapServers, commitIntervalMs: 100 });
  await streams.start();
  let changes = 0;
  let tombstones = 0;
  await readUntil(bootstrapServers, 'customers-table', (r) => {
    if (r.value === null) tombstones++;
    return ++changes >= 5;
  });
  for (const [id, row] of streams.localStore<KeyValueStore<string, Row>>('customers', 0)!.all()) console.log(`${id}\t${row.name}\t${row.country}`);
  console.log(`tombstones\t${tombstones}`);
  await streams.close();
  await broker.stop();
}

const [bootstrapServers] = process.argv.slice(2);
if (bootstrapServers) {
  await ensureTopics(bootstrapServers, ['db.customers', 'customers-table']);
  await runUntilInterrupted(new KafkaStreams(cdcTableTopology(), { applicationId: 'cdc-table', bootstrapServers }), 'materialising db.customers');
} else await demo();
