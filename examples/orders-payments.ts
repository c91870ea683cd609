/**
 * Orders joined with their payments with Brook Streams: both streams keyed by order id, a payment
 * matching an order when it arrives within 5 minutes of it (a windowed stream-stream join); orders
 * still unpaid when their window closes come out as UNPAID (a left join's unmatched records), and
 * each customer's name is added from a table of customers (a stream-table join after a key change,
 * which goes through a repartition topic).
 *
 *   node dist/examples/orders-payments.js                   # demo on an embedded Brook broker
 *   node dist/examples/orders-payments.js localhost:9092    # against any Kafka-compatible cluster
 */
import { Producer } from '../src/index.js';
import { JoinWindows, KafkaStreams, Serdes, StreamsBuilder, type Topology } from '../src/streams/index.js';
import { demoBroker, ensureTopics, readUntil, runUntilInterrupted } from './shared.js';

interface Order {
  customer: string;
  amount: number;
}

const TOPICS = ['orders', 'payments', 'customers', 'order-status'];

export function ordersPaymentsTopology(): Topology {
  const builder = new StreamsBuilder();
  const orders = builder.stream<string, Order>('orders', { keySerde: Serdes.string(), valueSerde: Serdes.json<Order>() });
  const payments = builder.stream<string, number>('payments', { keySerde: Serdes.string(), valueSerde: Serdes.double() });
  const customers = builder.table<string, string>('customers', { keySerde: Serdes.string(), valueSerde: Serdes.string() });
  orders
    .leftJoin(payments, (order, paid) => ({ ...order, status: paid === null ? 'UNPAID' : paid >= order.amount ? 'PAID' : 'SHORT' }), JoinWindows.ofTimeDifferenceAndGrace(5 * 60_000, 0).before(0))
    .selectKey((_orderId, o) => o.customer, { keySerde: Serdes.string() })
    .leftJoin(customers, (o, name) => `${name ?? o.customer}: ${o.amount} ${o.status}`)
    .to('order-status', { valueSerde: Serdes.string() });
  return builder.build();
}

async function demo(): Promise<void> {
  const broker = await demoBroker();
  const { bootstrapServers } = broker;
  await ensureTopics(bootstrapServers, TOPICS);
  const producer = new Producer({ bootstrapServers });
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
  const order = (id: string, customer: string, amount: number, at: number) => ({ key: id, value: JSON.stringify({ customer, amount }), timestamp: t0 + at });
  const payment = (id: string, amount: number, at: number) => ({ key: id, value: Serdes.double().serialize('payments', amount), timestamp: t0 + at });
  await producer.send({ topic: 'customers', messages: [{ key: 'c1', value: 'Ann', timestamp: t0 }, { key: 'c2', value: 'Bob', timestamp: t0 }] });

  const streams = new KafkaStreams(ordersPaymentsTopology(), { applicationId: 'orders-payments', bootstrapServers, commitIntervalMs: 100 });
  await streams.start();
  const lines: string[] = [];
  const readLines = (count: number) =>
    readUntil(bootstrapServers, 'order-status', (r) => {
      if (!lines.includes(r.value!.toString())) lines.push(r.value!.toString());
      return lines.length >= count;
    });
  // o1 is paid in full, o3 only in part: both known as soon as their payment arrives.
  await producer.send({ topic: 'orders', messages: [order('o1', 'c1', 30, 1_000), order('o2', 'c2', 12, 2_000), order('o3', 'c1', 8, 3_000)] });
  await producer.send({ topic: 'payments', messages: [payment('o1', 30, 60_000), payment('o3', 5, 90_000)] });
  await readLines(2);
  // A later order moves stream time past o2's window: o2 is reported unpaid.
  await producer.send({ topic: 'orders', messages: [order('o4', 'c2', 1, 20 * 60_000)] });
  await readLines(3);
  for (const line of lines.sort()) console.log(line);
  await producer.close();
  await streams.close();
  await broker.stop();
}

const [bootstrapServers] = process.argv.slice(2);
if (bootstrapServers) {
  await ensureTopics(bootstrapServers, TOPICS);
  await runUntilInterrupted(new KafkaStreams(ordersPaymentsTopology(), { applicationId: 'orders-payments', bootstrapServers }), 'joining orders with payments');
} else await demo();
