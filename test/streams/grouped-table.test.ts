/** KTable.groupBy with count/reduce/aggregate: updates and deletes move rows between groups through the subtractor. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StreamsBuilder, Serdes, TopologyTestDriver } from '../../src/streams/index.js';
import { changeSerde } from '../../src/streams/dsl/grouped-table.js';

const str = Serdes.string();

test('count per group: a row moving groups is subtracted from the old one and added to the new one', () => {
  const b = new StreamsBuilder();
  b.table<string, string>('users', { keySerde: str, valueSerde: str })
    .groupBy((user, region) => [region, user], { keySerde: str, valueSerde: str })
    .count({ storeName: 'per-region' })
    .toStream()
    .to('counts', { keySerde: str, valueSerde: Serdes.int64() });
  const driver = new TopologyTestDriver(b.build());
  const users = driver.createInputTopic('users', str, str);
  const out = driver.createOutputTopic('counts', str, Serdes.int64());
  users.pipeInput('alice', 'eu', 1);
  users.pipeInput('bob', 'eu', 2);
  assert.deepEqual(out.readKeyValuesToList(), [['eu', 1], ['eu', 2]]);
  users.pipeInput('alice', 'us', 3);
  assert.deepEqual(out.readKeyValuesToList(), [['eu', 1], ['us', 1]]);
  // Same group before and after: one record carries both, so one update (not a dip to 0 and back).
  users.pipeInput('alice', 'us', 4);
  assert.deepEqual(out.readKeyValuesToList(), [['us', 1]]);
  users.pipeInput('bob', null, 5); // delete
  assert.deepEqual(out.readKeyValuesToList(), [['eu', 0]]);
  users.pipeInput('carol', null, 6); // delete of a row that never existed: nothing to do
  assert.deepEqual(out.readKeyValuesToList(), []);
  const store = driver.getKeyValueStore<string, number>('per-region');
  assert.deepEqual(store.all(), [['eu', 0], ['us', 1]]);
  assert.equal(driver.droppedRecords().size, 0);
  driver.close();
});

test('reduce with adder and subtractor keeps per-category totals right through updates and deletes', () => {
  const b = new StreamsBuilder();
  const totals = b
    .table<string, string>('items', { keySerde: str, valueSerde: str })
    .groupBy((_id, v) => [v.split(':')[0]!, Number(v.split(':')[1])], { keySerde: str, valueSerde: Serdes.int64() })
    .reduce((a, v) => a + v, (a, v) => a - v, { storeName: 'totals' });
  totals.toStream().to('totals', { keySerde: str, valueSerde: Serdes.int64() });
  const driver = new TopologyTestDriver(b.build());
  const items = driver.createInputTopic('items', str, str);
  const out = driver.createOutputTopic('totals', str, Serdes.int64());
  items.pipeInput('i1', 'food:10', 1);
  items.pipeInput('i2', 'food:5', 2);
  items.pipeInput('i1', 'toys:10', 3);
  items.pipeInput('i2', 'food:7', 4);
  items.pipeInput('i2', null, 5);
  const records = out.readRecordsToList();
  assert.deepEqual(records.map((r) => [r.key, r.value]), [['food', 10], ['food', 15], ['food', 5], ['toys', 10], ['food', 7], ['food', 0]]);
  assert.deepEqual(records.map((r) => r.timestampMs), [1, 2, 3, 3, 4, 5]);
  assert.equal(driver.getKeyValueStore<string, number>('totals').get('toys'), 10);
  driver.close();
});

test('aggregate with initializer, adder and subtractor; a filtered table leaving the filter is subtracted', () => {
  const b = new StreamsBuilder();
  b.table<string, string>('users', { keySerde: str, valueSerde: str })
    .filter((_u, region) => region !== 'banned')
    .groupBy((user, region) => [region, user], { keySerde: str, valueSerde: str })
    .aggregate<string[]>(
      () => [],
      (_region, user, members) => [...members, user].sort(),
      (_region, user, members) => members.filter((m) => m !== user),
      { storeName: 'members', valueSerde: Serdes.json<string[]>() },
    )
    .toStream()
    .to('members', { keySerde: str, valueSerde: Serdes.json<string[]>() });
  const driver = new TopologyTestDriver(b.build());
  const users = driver.createInputTopic('users', str, str);
  const out = driver.createOutputTopic('members', str, Serdes.json<string[]>());
  users.pipeInput('bob', 'eu', 1);
  users.pipeInput('alice', 'eu', 2);
  users.pipeInput('bob', 'banned', 3);
  users.pipeInput('bob', 'us', 4);
  assert.deepEqual(out.readKeyValuesToList(), [['eu', ['bob']], ['eu', ['alice', 'bob']], ['eu', ['alice']], ['us', ['bob']]]);
  assert.deepEqual(driver.getKeyValueStore<string, string[]>('members').all(), [['eu', ['alice']], ['us', ['bob']]]);
  driver.close();
});

test('a selector returning a null key drops the row; repartition values keep both halves of a change', () => {
  const serde = changeSerde(str);
  for (const change of [{ newValue: 'n', oldValue: 'old' }, { newValue: 'n', oldValue: null }, { newValue: null, oldValue: 'o' }, { newValue: '', oldValue: '' }]) {
    assert.deepEqual(serde.deserialize('t', serde.serialize('t', change)), change);
  }
  const b = new StreamsBuilder();
  b.table<string, string>('users', { keySerde: str, valueSerde: str })
    .groupBy((user, region) => [region === 'none' ? (null as unknown as string) : region, user], { keySerde: str, valueSerde: str })
    .count({ storeName: 'c' });
  const driver = new TopologyTestDriver(b.build());
  const users = driver.createInputTopic('users', str, str);
  users.pipeInput('a', 'none', 1);
  users.pipeInput('a', 'eu', 2);
  assert.equal(driver.droppedRecords().get('null key or value in table groupBy'), 1);
  assert.deepEqual(driver.getKeyValueStore<string, number>('c').all(), [['eu', 1]]);
  driver.close();
});
