/** Serdes round trips and the in-memory stores' own behaviour (ordering, deletes, restore from changelog bytes). */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Serdes, serdeFrom, InMemoryKeyValueStore, InMemoryWindowStore, PersistentKeyValueStore, type KeyValueStore } from '../../src/streams/index.js';

test('built-in serdes round-trip and keep null as null', () => {
  assert.equal(Serdes.string().deserialize('t', Serdes.string().serialize('t', 'héllo')), 'héllo');
  assert.deepEqual(Serdes.int32().serialize('t', 258), Buffer.from([0, 0, 1, 2]));
  assert.equal(Serdes.int64().deserialize('t', Serdes.int64().serialize('t', -(2 ** 40))), -(2 ** 40));
  assert.deepEqual(Serdes.int64().serialize('t', 1), Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]));
  assert.equal(Serdes.double().deserialize('t', Serdes.double().serialize('t', 0.25)), 0.25);
  assert.deepEqual(Serdes.json<{ a: number[] }>().deserialize('t', Serdes.json().serialize('t', { a: [1] })), { a: [1] });
  assert.deepEqual(Serdes.bytes().serialize('t', Buffer.from('x')), Buffer.from('x'));
  for (const s of [Serdes.string(), Serdes.int32(), Serdes.int64(), Serdes.json()] as const) {
    assert.equal(s.serialize('t', null), null);
    assert.equal(s.deserialize('t', null), null);
  }
  assert.throws(() => Serdes.int64().serialize('t', 1.5), TypeError);
  assert.throws(() => Serdes.int32().deserialize('t', Buffer.alloc(3)), TypeError);
  const upper = serdeFrom<string>((s) => Buffer.from(s.toUpperCase()), (b) => b.toString().toLowerCase());
  assert.equal(upper.deserialize('t', upper.serialize('t', 'aB')), 'ab');
});

const stateDir = mkdtempSync(join(tmpdir(), 'brook-kv-'));
after(() => rmSync(stateDir, { recursive: true, force: true }));

const kvStores: Array<[string, (task: string) => KeyValueStore<string, string>]> = [
  ['in-memory', () => new InMemoryKeyValueStore('s', Serdes.string(), Serdes.string())],
  ['persistent (LMDB)', (task) => new PersistentKeyValueStore('s', { stateDir, applicationId: 'app', taskId: task }, Serdes.string(), Serdes.string())],
];

for (const [kind, make] of kvStores) {
  test(`${kind} key-value store: byte-ordered all/range, delete logs a tombstone, restore rebuilds state`, () => {
    const log: Array<[string, string | null]> = [];
    const ctx = { applicationId: 'app', taskId: '0_0', logChange: (_s: string, k: Buffer, v: Buffer | null) => log.push([k.toString(), v === null ? null : v.toString()]) };
    const store = make('0_0');
    store.init(ctx);
    store.put('b', '2');
    store.put('a', '1');
    store.put('ab', '12');
    store.put('c', '3');
    assert.equal(store.delete('c'), '3');
    assert.equal(store.get('c'), null);
    assert.deepEqual(store.all(), [['a', '1'], ['ab', '12'], ['b', '2']]);
    assert.deepEqual(store.range('a', 'ab'), [['a', '1'], ['ab', '12']], 'both ends inclusive');
    assert.equal(store.approximateNumEntries(), 3);
    assert.deepEqual(log, [['b', '2'], ['a', '1'], ['ab', '12'], ['c', '3'], ['c', null]]);

    const copy = make('0_1');
    for (const [k, v] of log) copy.restore(Buffer.from(k), v === null ? null : Buffer.from(v));
    copy.init(ctx);
    assert.deepEqual(copy.all(), store.all());
    assert.equal(log.length, 5, 'restore does not log again');
    store.close();
    copy.close();
  });
}

test('window store: changelog key is key + 8-byte start; restore rebuilds windows', () => {
  const keys: Buffer[] = [];
  const values: Array<Buffer | null> = [];
  const ctx = { applicationId: 'app', taskId: '0_0', logChange: (_s: string, k: Buffer, v: Buffer | null) => (keys.push(k), values.push(v)) };
  const store = new InMemoryWindowStore('w', 10, 100, Serdes.string(), Serdes.int64());
  store.init(ctx);
  store.put('k', 5, 20);
  assert.equal(keys[0]!.subarray(0, 1).toString(), 'k');
  assert.equal(Number(keys[0]!.readBigInt64BE(1)), 20);
  const copy = new InMemoryWindowStore('w', 10, 100, Serdes.string(), Serdes.int64());
  copy.restore(keys[0]!, values[0]!);
  assert.equal(copy.fetch('k', 20), 5);
  assert.throws(() => new InMemoryWindowStore('w', 10, 5, Serdes.string(), Serdes.int64()), RangeError);
});
