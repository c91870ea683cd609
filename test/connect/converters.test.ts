import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ByteArrayConverter, DataError, JsonConverter, SimpleHeaderConverter, StringConverter, createConverter } from '../../src/connect/converters.js';

test('SimpleHeaderConverter writes string forms and reads types back from the text', () => {
  const c = new SimpleHeaderConverter();
  const read = (text: string | null) => c.toConnectData('t', text === null ? null : Buffer.from(text));
  assert.deepEqual(read('42'), { schema: { type: 'int32' }, value: 42 });
  assert.deepEqual(read('4294967296'), { schema: { type: 'int64' }, value: 4294967296 });
  assert.deepEqual(read('-1.5e3'), { schema: { type: 'float64' }, value: -1500 });
  assert.deepEqual(read('true'), { schema: { type: 'boolean' }, value: true });
  assert.deepEqual(read('[1,2]'), { schema: { type: 'array' }, value: [1, 2] });
  assert.deepEqual(read('{"a":1}'), { schema: { type: 'map' }, value: { a: 1 } });
  assert.deepEqual(read('{not json}'), { schema: { type: 'string' }, value: '{not json}' });
  assert.deepEqual(read('hello 1'), { schema: { type: 'string' }, value: 'hello 1' });
  assert.deepEqual(read(null), { schema: null, value: null });
  assert.equal(c.fromConnectData('t', null, 7)!.toString(), '7');
  assert.equal(c.fromConnectData('t', null, { a: [1] })!.toString(), '{"a":[1]}');
  assert.deepEqual(c.fromConnectData('t', null, Buffer.from([0xff])), Buffer.from([0xff]));
  assert.equal(c.fromConnectData('t', null, null), null);
  assert.ok(createConverter({ 'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter' }, 'header.converter') instanceof SimpleHeaderConverter);
});

test('JsonConverter with schemas writes and reads the envelope', () => {
  const c = new JsonConverter();
  c.configure({}, false);
  const schema = { type: 'struct' as const, fields: [{ field: 'id', type: 'int32' as const }, { field: 'blob', type: 'bytes' as const, optional: true }] };
  const bytes = c.fromConnectData('t', schema, { id: 7, blob: Buffer.from('hi') })!;
  const doc = JSON.parse(bytes.toString());
  assert.deepEqual(doc, { schema, payload: { id: 7, blob: Buffer.from('hi').toString('base64') } });
  const back = c.toConnectData('t', bytes);
  assert.deepEqual(back.schema, schema);
  assert.deepEqual(back.value, { id: 7, blob: Buffer.from('hi') });
});

test('JsonConverter with schemas refuses plain JSON, naming schemas.enable', () => {
  const c = new JsonConverter();
  c.configure({ 'schemas.enable': 'true' }, false);
  assert.throws(() => c.toConnectData('t', Buffer.from('{"a":1}')), (e: Error) => e instanceof DataError && /schemas.enable=false/.test(e.message));
  assert.throws(() => c.toConnectData('t', Buffer.from('not json')), DataError);
});

test('JsonConverter without schemas reads and writes plain JSON; null is a tombstone', () => {
  const c = new JsonConverter();
  c.configure({ 'schemas.enable': 'false' }, false);
  assert.deepEqual(c.toConnectData('t', Buffer.from('{"a":[1,2]}')), { schema: null, value: { a: [1, 2] } });
  assert.equal(c.fromConnectData('t', null, { a: 1 })!.toString(), '{"a":1}');
  assert.equal(c.fromConnectData('t', null, null), null);
  assert.deepEqual(c.toConnectData('t', null), { schema: null, value: null });
});

test('StringConverter and ByteArrayConverter', () => {
  const s = new StringConverter();
  s.configure({}, false);
  assert.equal(s.fromConnectData('t', null, 'héllo')!.toString(), 'héllo');
  assert.equal(s.fromConnectData('t', null, 42)!.toString(), '42');
  assert.deepEqual(s.toConnectData('t', Buffer.from('x')), { schema: { type: 'string', optional: true }, value: 'x' });
  const b = new ByteArrayConverter();
  assert.deepEqual(b.fromConnectData('t', null, Buffer.from([1, 2])), Buffer.from([1, 2]));
  assert.throws(() => b.fromConnectData('t', null, 'str'), DataError);
});

test('createConverter takes the class and the prefixed settings', () => {
  const c = createConverter({ 'value.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schemas.enable': 'false' }, 'value.converter');
  assert.deepEqual(c.toConnectData('t', Buffer.from('{"x":1}')).value, { x: 1 });
  assert.ok(createConverter({ 'key.converter': 'StringConverter' }, 'key.converter') instanceof StringConverter);
  assert.throws(() => createConverter({ 'key.converter': 'com.example.Nope' }, 'key.converter'), /Unknown converter/);
});
