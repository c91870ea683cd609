import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type SinkRecord, ConnectConfigError } from '../../src/connect/api.js';
import { buildChain, formatTimestamp } from '../../src/connect/transforms/index.js';

function rec(over: Partial<SinkRecord> = {}): SinkRecord {
  return { topic: 'orders', kafkaPartition: 2, kafkaOffset: 40, timestamp: Date.UTC(2024, 0, 5, 13, 4, 5), keySchema: null, key: null, valueSchema: null, value: { id: 1, card: '4111', name: 'a' }, headers: [], ...over };
}

const P = 'org.apache.kafka.connect.transforms.';

test('InsertField$Value adds topic, partition, offset, timestamp and a static field (schemaless)', () => {
  const chain = buildChain({
    transforms: 'ins',
    'transforms.ins.type': P + 'InsertField$Value',
    'transforms.ins.topic.field': 't',
    'transforms.ins.partition.field': 'p',
    'transforms.ins.offset.field': 'o!',
    'transforms.ins.timestamp.field': 'ts',
    'transforms.ins.static.field': 'src',
    'transforms.ins.static.value': 'brook',
  });
  assert.deepEqual(chain.apply(rec())!.value, { id: 1, card: '4111', name: 'a', t: 'orders', p: 2, o: 40, ts: Date.UTC(2024, 0, 5, 13, 4, 5), src: 'brook' });
});

test('InsertField with a struct schema extends the schema', () => {
  const chain = buildChain({ transforms: 'i', 'transforms.i.type': 'InsertField$Value', 'transforms.i.topic.field': 'topic!' });
  const out = chain.apply(rec({ valueSchema: { type: 'struct', fields: [{ field: 'id', type: 'int32' }] }, value: { id: 1 } }))!;
  assert.deepEqual(out.valueSchema!.fields, [{ field: 'id', type: 'int32' }, { field: 'topic', type: 'string', optional: false }]);
  assert.deepEqual(out.value, { id: 1, topic: 'orders' });
});

test('ReplaceField excludes, includes and renames', () => {
  const chain = buildChain({ transforms: 'r', 'transforms.r.type': P + 'ReplaceField$Value', 'transforms.r.exclude': 'card', 'transforms.r.renames': 'name:customer' });
  assert.deepEqual(chain.apply(rec())!.value, { id: 1, customer: 'a' });
  const inc = buildChain({ transforms: 'r', 'transforms.r.type': 'ReplaceField$Value', 'transforms.r.include': 'id' });
  assert.deepEqual(inc.apply(rec())!.value, { id: 1 });
});

test('MaskField blanks by type or uses the replacement', () => {
  const chain = buildChain({ transforms: 'm', 'transforms.m.type': P + 'MaskField$Value', 'transforms.m.fields': 'card,id' });
  assert.deepEqual(chain.apply(rec())!.value, { id: 0, card: '', name: 'a' });
  const r = buildChain({ transforms: 'm', 'transforms.m.type': 'MaskField$Value', 'transforms.m.fields': 'card', 'transforms.m.replacement': '****' });
  assert.deepEqual(r.apply(rec())!.value, { id: 1, card: '****', name: 'a' });
});

test('ValueToKey then ExtractField$Key makes the key a field of the value', () => {
  const chain = buildChain({
    transforms: 'v,e',
    'transforms.v.type': P + 'ValueToKey',
    'transforms.v.fields': 'id',
    'transforms.e.type': P + 'ExtractField$Key',
    'transforms.e.field': 'id',
  });
  assert.equal(chain.apply(rec())!.key, 1);
});

test('TimestampRouter and RegexRouter rename topics', () => {
  const ts = buildChain({ transforms: 'r', 'transforms.r.type': P + 'TimestampRouter', 'transforms.r.topic.format': '${topic}_${timestamp}', 'transforms.r.timestamp.format': 'yyyy-MM-dd' });
  assert.equal(ts.apply(rec())!.topic, 'orders_2024-01-05');
  assert.equal(formatTimestamp(Date.UTC(2024, 0, 5, 13, 4, 5, 9), "yyyyMMdd'T'HHmmss.SSS"), '20240105T130405.009');
  const re = buildChain({ transforms: 'r', 'transforms.r.type': P + 'RegexRouter', 'transforms.r.regex': 'ord(.*)', 'transforms.r.replacement': 'archive-$1' });
  assert.equal(re.apply(rec())!.topic, 'archive-ers');
  assert.equal(re.apply(rec({ topic: 'xorders' }))!.topic, 'xorders', 'the whole topic must match');
});

test('Filter with predicates (and negate) drops only matching records', () => {
  const config = {
    transforms: 'dropTomb,onlyOrders',
    'transforms.dropTomb.type': P + 'Filter',
    'transforms.dropTomb.predicate': 'isTomb',
    'transforms.onlyOrders.type': 'Filter',
    'transforms.onlyOrders.predicate': 'isOrders',
    'transforms.onlyOrders.negate': 'true',
    predicates: 'isTomb,isOrders',
    'predicates.isTomb.type': P + 'predicates.RecordIsTombstone',
    'predicates.isOrders.type': P + 'predicates.TopicNameMatches',
    'predicates.isOrders.pattern': 'ord.*',
  };
  const chain = buildChain(config);
  assert.equal(chain.apply(rec({ value: null })), null);
  assert.equal(chain.apply(rec({ topic: 'users' })), null);
  assert.notEqual(chain.apply(rec()), null);
  const byHeader = buildChain({ transforms: 'f', 'transforms.f.type': 'Filter', 'transforms.f.predicate': 'h', predicates: 'h', 'predicates.h.type': 'HasHeaderKey', 'predicates.h.name': 'skip' });
  assert.equal(byHeader.apply(rec({ headers: [{ key: 'skip', value: null }] })), null);
  assert.notEqual(byHeader.apply(rec()), null);
});

test('bad transform configs name the failing key', () => {
  assert.throws(() => buildChain({ transforms: 'x', 'transforms.x.type': 'Nope' }), (e: ConnectConfigError) => e.field === 'transforms.x.type');
  assert.throws(() => buildChain({ transforms: 'x', 'transforms.x.type': 'ExtractField$Value' }), (e: ConnectConfigError) => e.field === 'transforms.x.field');
  assert.throws(() => buildChain({ transforms: 'x', 'transforms.x.type': 'Filter', 'transforms.x.predicate': 'p' }), (e: ConnectConfigError) => e.field === 'transforms.x.predicate');
});
