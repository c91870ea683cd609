/** Foreign-key table-table joins: subscriptions follow the foreign key, right-side updates reach every subscriber. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder, Serdes, TopologyTestDriver } from '../../src/streams/index.js';

const str = Serdes.string();

function fkJoin(kind: 'inner' | 'left') {
  const b = new StreamsBuilder();
  const products = b.table<string, string>('products', { keySerde: str, valueSerde: str });
  const orders = b.table<string, string>('orders', { keySerde: str, valueSerde: str });
  const productOf = (order: string) => (order.startsWith('-') ? null : order.split(':')[0]!);
  const joined =
    kind === 'inner'
      ? orders.join(products, productOf, (order, product) => `${order}/${product}`, { storeName: 'joined', valueSerde: str })
      : orders.leftJoin(products, productOf, (order, product) => `${order}/${product}`, { storeName: 'joined', valueSerde: str });
  joined.toStream().to('out', { keySerde: str, valueSerde: str });
  const driver = new TopologyTestDriver(b.build());
  return {
    driver,
    products: driver.createInputTopic('products', str, str),
    orders: driver.createInputTopic('orders', str, str),
    out: driver.createOutputTopic('out', str, str),
  };
}

test('inner foreign-key join: joins on arrival of either side, follows foreign-key changes, deletes on either side', () => {
  const { driver, products, orders, out } = fkJoin('inner');
  products.pipeInput('p1', 'apple', 1);
  assert.deepEqual(out.readKeyValuesToList(), []);
  orders.pipeInput('o1', 'p1:2', 2);
  assert.deepEqual(out.readKeyValuesToList(), [['o1', 'p1:2/apple']]);
  orders.pipeInput('o2', 'p2:1', 3); // no product p2 yet
  assert.deepEqual(out.readKeyValuesToList(), []);
  products.pipeInput('p2', 'pear', 4);
  assert.deepEqual(out.readKeyValuesToList(), [['o2', 'p2:1/pear']]);
  products.pipeInput('p1', 'green apple', 5);
  assert.deepEqual(out.readKeyValuesToList(), [['o1', 'p1:2/green apple']]);
  orders.pipeInput('o1', 'p2:5', 6); // moves from p1 to p2
  assert.deepEqual(out.readKeyValuesToList(), [['o1', 'p2:5/pear']]);
  products.pipeInput('p1', 'red apple', 7); // o1 no longer subscribes to p1
  assert.deepEqual(out.readKeyValuesToList(), []);
  products.pipeInput('p2', null, 8);
  assert.deepEqual(out.readKeyValuesToList(), [['o2', null], ['o1', null]]);
  orders.pipeInput('o2', null, 9); // its result row is already gone
  assert.deepEqual(out.readKeyValuesToList(), []);
  orders.pipeInput('o3', 'p1:1', 10);
  const last = out.readRecordsToList();
  assert.deepEqual(last.map((r) => [r.key, r.value, r.timestampMs]), [['o3', 'p1:1/red apple', 10]]);
  orders.pipeInput('o3', null, 11); // a left delete removes the row at once
  assert.deepEqual(out.readKeyValuesToList(), [['o3', null]]);
  assert.deepEqual(driver.getKeyValueStore<string, string>('joined').all(), []);
  driver.close();
});

test('left foreign-key join: rows without a match or without a foreign key join with null', () => {
  const { driver, products, orders, out } = fkJoin('left');
  orders.pipeInput('o1', 'p9:1', 1);
  assert.deepEqual(out.readKeyValuesToList(), [['o1', 'p9:1/null']]);
  products.pipeInput('p9', 'plum', 2);
  assert.deepEqual(out.readKeyValuesToList(), [['o1', 'p9:1/plum']]);
  orders.pipeInput('o1', '-none', 3); // no foreign key: unsubscribed, joined with null
  assert.deepEqual(out.readKeyValuesToList(), [['o1', '-none/null']]);
  products.pipeInput('p9', 'big plum', 4);
  assert.deepEqual(out.readKeyValuesToList(), []);
  products.pipeInput('p9', null, 5);
  orders.pipeInput('o2', 'p9:3', 6);
  assert.deepEqual(out.readKeyValuesToList(), [['o2', 'p9:3/null']]);
  assert.equal(driver.getKeyValueStore<string, string>('joined').get('o1'), '-none/null');
  driver.close();
});

test('the joined table feeds further table operations (groupBy over the join result)', () => {
  const b = new StreamsBuilder();
  const products = b.table<string, string>('products', { keySerde: str, valueSerde: str });
  const orders = b.table<string, string>('orders', { keySerde: str, valueSerde: str });
  orders
    .join(products, (o) => o.split(':')[0]!, (o, category) => ({ category, qty: Number(o.split(':')[1]) }), { valueSerde: Serdes.json<{ category: string; qty: number }>() })
    .groupBy((_id, v) => [v.category, v.qty], { keySerde: str, valueSerde: Serdes.int64() })
    .reduce((a, v) => a + v, (a, v) => a - v, { storeName: 'qty-per-category' });
  const driver = new TopologyTestDriver(b.build());
  const p = driver.createInputTopic('products', str, str);
  const o = driver.createInputTopic('orders', str, str);
  p.pipeInput('p1', 'fruit', 1);
  p.pipeInput('p2', 'veg', 1);
  o.pipeInput('o1', 'p1:3', 2);
  o.pipeInput('o2', 'p1:4', 3);
  o.pipeInput('o3', 'p2:5', 4);
  p.pipeInput('p1', 'snack', 5); // both p1 orders move category
  const store = driver.getKeyValueStore<string, number>('qty-per-category');
  assert.deepEqual(store.all(), [['fruit', 0], ['snack', 7], ['veg', 5]]);
  driver.close();
});

test('a response made for a left value that has since changed is dropped (only the latest value joins)', () => {
  const b = new StreamsBuilder();
  const products = b.table<string, string>('products', { keySerde: str, valueSerde: str });
  // Two updates of o1 from one input record: both reach the table (through a repartition topic)
  // before the first one's response comes back.
  b.stream<string, string>('order-batches', { keySerde: str, valueSerde: str })
    .flatMap((_k, batch) => batch.split(',').map((entry) => entry.split('=') as [string, string]))
    .toTable({ keySerde: str, valueSerde: str })
    .join(products, (order) => order.split(':')[0]!, (order, product) => `${order}/${product}`, { valueSerde: str })
    .toStream()
    .to('out', { keySerde: str, valueSerde: str });
  const driver = new TopologyTestDriver(b.build());
  driver.createInputTopic('products', str, str).pipeInput('p1', 'apple', 1);
  driver.createInputTopic('products', str, str).pipeInput('p2', 'pear', 1);
  driver.createInputTopic('order-batches', str, str).pipeInput('b1', 'o1=p1:2,o1=p2:3', 2);
  assert.deepEqual(driver.createOutputTopic('out', str, str).readKeyValuesToList(), [['o1', 'p2:3/pear']]);
  assert.equal(driver.droppedRecords().get('stale foreign-key join response'), 1);
  driver.close();
});
