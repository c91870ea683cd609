/** The REST API as a user drives it with an HTTP client (fetch). */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestBroker, tempDir, removeDir, type TestBroker } from '../helpers/broker.js';
import { call, lines, startWorker, waitFor, workerConfig } from './helpers.js';
import type { RunningConnect } from '../../src/connect/standalone.js';

let broker: TestBroker;
let dir: string;
let connect: RunningConnect;

before(async () => {
  broker = await startTestBroker({ config: { 'group.initial.rebalance.delay.ms': '0' } });
  dir = tempDir('brook-connect-rest-');
  connect = await startWorker(workerConfig(broker.bootstrapServers, dir));
});

after(async () => {
  await connect.stop();
  await broker.stop();
  removeDir(broker.dataDir);
  removeDir(dir);
});

test('plugins are listed and a config is validated with per-field errors', async () => {
  const plugins = await call(connect.url, 'GET', '/connector-plugins');
  assert.equal(plugins.status, 200);
  const classes = plugins.body.map((p: { class: string }) => p.class);
  assert.ok(classes.includes('org.apache.kafka.connect.file.FileStreamSourceConnector'));
  assert.ok(plugins.body.some((p: { type: string }) => p.type === 'sink'));

  const v = await call(connect.url, 'PUT', '/connector-plugins/FileStreamSourceConnector/config/validate', { 'batch.size': 'many' });
  assert.equal(v.status, 200);
  // name is required as well (Kafka reports it the same way).
  assert.equal(v.body.error_count, 3);
  const errorsOf = (name: string) => v.body.configs.find((c: any) => c.definition.name === name).value.errors;
  assert.match(errorsOf('name')[0], /"name"/);
  assert.match(errorsOf('topic')[0], /Missing required configuration "topic"/);
  assert.match(errorsOf('batch.size')[0], /batch.size/);
  assert.deepEqual(errorsOf('file'), []);
  const unknown = await call(connect.url, 'PUT', '/connector-plugins/com.example.Nope/config/validate', {});
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.message, /com\.example\.Nope/);
});

test('a connector with a bad config gets 400 naming the failing field', async () => {
  const res = await call(connect.url, 'POST', '/connectors', { name: 'bad', config: { 'connector.class': 'FileStreamSink', topics: 'x', 'tasks.max': '0' } });
  assert.equal(res.status, 400);
  assert.equal(res.body.error_code, 400);
  assert.match(res.body.message, /tasks\.max/);
  const sinkNoTopics = await call(connect.url, 'PUT', '/connectors/bad2/config', { 'connector.class': 'FileStreamSink' });
  assert.equal(sinkNoTopics.status, 400);
  assert.match(sinkNoTopics.body.message, /topics/);
  const badTransform = await call(connect.url, 'PUT', '/connectors/bad3/config', { 'connector.class': 'FileStreamSink', topics: 'x', transforms: 'a', 'transforms.a.type': 'Nope' });
  assert.equal(badTransform.status, 400);
  assert.match(badTransform.body.message, /transforms\.a\.type/);
  const unknownClass = await call(connect.url, 'POST', '/connectors', { name: 'bad4', config: { 'connector.class': 'com.example.Missing' } });
  assert.equal(unknownClass.status, 400);
  assert.match(unknownClass.body.message, /connector\.class/);
  assert.deepEqual((await call(connect.url, 'GET', '/connectors')).body, []);
});

test('connector lifecycle: create, inspect, pause, resume, stop, restart, delete', async () => {
  const input = join(dir, 'rest-in.txt');
  const output = join(dir, 'rest-out.txt');
  writeFileSync(input, 'a\nb\n');
  const created = await call(connect.url, 'POST', '/connectors', { name: 'file-src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'rest-topic' } });
  assert.equal(created.status, 201);
  assert.deepEqual(created.body.tasks, [{ connector: 'file-src', task: 0 }]);
  assert.equal(created.body.type, 'source');
  assert.equal((await call(connect.url, 'POST', '/connectors', { name: 'file-src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'rest-topic' } })).status, 409);

  const sinkPut = await call(connect.url, 'PUT', '/connectors/file-snk/config', { 'connector.class': 'FileStreamSink', file: output, topics: 'rest-topic' });
  assert.equal(sinkPut.status, 201);
  await waitFor('lines through the REST-created pipeline', () => lines(output).length === 2);

  assert.deepEqual((await call(connect.url, 'GET', '/connectors')).body, ['file-snk', 'file-src']);
  assert.equal((await call(connect.url, 'GET', '/connectors/file-src/config')).body.topic, 'rest-topic');
  const status = await call(connect.url, 'GET', '/connectors/file-src/status');
  assert.equal(status.body.connector.state, 'RUNNING');
  assert.equal(status.body.tasks[0].state, 'RUNNING');
  assert.equal(status.body.connector.worker_id, connect.url.replace('http://', ''));
  const tasks = await call(connect.url, 'GET', '/connectors/file-src/tasks');
  assert.deepEqual(tasks.body[0].id, { connector: 'file-src', task: 0 });
  assert.equal((await call(connect.url, 'GET', '/connectors/file-src/tasks/0/status')).body.state, 'RUNNING');
  assert.equal((await call(connect.url, 'GET', '/connectors/file-src/tasks/9/status')).status, 404);
  const expanded = await call(connect.url, 'GET', '/connectors?expand=status&expand=info');
  assert.equal(expanded.body['file-snk'].status.type, 'sink');
  assert.equal(expanded.body['file-snk'].info.config.topics, 'rest-topic');

  await waitFor('source offsets', async () => (await call(connect.url, 'GET', '/connectors/file-src/offsets')).body.offsets.length === 1);
  const offsets = await call(connect.url, 'GET', '/connectors/file-src/offsets');
  assert.deepEqual(offsets.body.offsets, [{ partition: { filename: input }, offset: { position: 4 } }]);

  assert.equal((await call(connect.url, 'PUT', '/connectors/file-src/pause')).status, 202);
  let s = (await call(connect.url, 'GET', '/connectors/file-src/status')).body;
  assert.deepEqual([s.connector.state, s.tasks[0].state], ['PAUSED', 'PAUSED']);
  assert.equal((await call(connect.url, 'PUT', '/connectors/file-src/resume')).status, 202);
  s = (await call(connect.url, 'GET', '/connectors/file-src/status')).body;
  assert.deepEqual([s.connector.state, s.tasks[0].state], ['RUNNING', 'RUNNING']);

  // A paused sink keeps its group membership but delivers nothing until resumed.
  assert.equal((await call(connect.url, 'PUT', '/connectors/file-snk/pause')).status, 202);
  appendFileSync(input, 'c\n');
  await waitFor('the new line in the topic', async () => (await call(connect.url, 'GET', '/connectors/file-src/offsets')).body.offsets[0].offset.position === 6);
  await new Promise((r) => setTimeout(r, 300)); // a few sink poll rounds (100 ms each)
  assert.deepEqual(lines(output), ['a', 'b']);
  assert.equal((await call(connect.url, 'GET', '/connectors/file-snk/status')).body.tasks[0].state, 'PAUSED');
  assert.equal((await call(connect.url, 'PUT', '/connectors/file-snk/resume')).status, 202);
  await waitFor('the line after resume', () => lines(output).length === 3);

  assert.equal((await call(connect.url, 'PUT', '/connectors/file-src/stop')).status, 202);
  s = (await call(connect.url, 'GET', '/connectors/file-src/status')).body;
  assert.deepEqual([s.connector.state, s.tasks.length], ['STOPPED', 0]);
  assert.equal((await call(connect.url, 'PUT', '/connectors/file-src/resume')).status, 202);
  assert.equal((await call(connect.url, 'GET', '/connectors/file-src/status')).body.tasks[0].state, 'RUNNING');

  assert.equal((await call(connect.url, 'POST', '/connectors/file-src/restart')).status, 204);
  const restarted = await call(connect.url, 'POST', '/connectors/file-src/restart?includeTasks=true');
  assert.equal(restarted.status, 202);
  assert.equal(restarted.body.connector.state, 'RESTARTING');
  assert.equal(restarted.body.tasks[0].state, 'RESTARTING');
  const onlyFailed = await call(connect.url, 'POST', '/connectors/file-src/restart?includeTasks=true&onlyFailed=true');
  assert.equal(onlyFailed.body.connector.state, 'RUNNING', 'nothing failed, nothing restarted');
  assert.equal((await call(connect.url, 'POST', '/connectors/file-src/tasks/0/restart')).status, 204);
  assert.equal((await call(connect.url, 'GET', '/connectors/file-src/status')).body.tasks[0].state, 'RUNNING');

  const updated = await call(connect.url, 'PUT', '/connectors/file-snk/config', { 'connector.class': 'FileStreamSink', file: output, topics: 'rest-topic', 'tasks.max': '2' });
  assert.equal(updated.status, 200);
  assert.equal(updated.body.tasks.length, 2);

  assert.equal((await call(connect.url, 'DELETE', '/connectors/file-src')).status, 204);
  assert.equal((await call(connect.url, 'DELETE', '/connectors/file-snk')).status, 204);
  const gone = await call(connect.url, 'GET', '/connectors/file-src/status');
  assert.equal(gone.status, 404);
  assert.deepEqual(gone.body, { error_code: 404, message: 'Connector file-src not found' });
  assert.deepEqual(lines(output), ['a', 'b', 'c'], 'no duplicates after restarts');
});

test('offsets of a stopped connector are altered and reset (KIP-875): a source replays, a sink rewinds', async () => {
  const input = join(dir, 'kip875-in.txt');
  const output = join(dir, 'kip875-out.txt');
  writeFileSync(input, 'x1\nx2\nx3\n');
  assert.equal((await call(connect.url, 'POST', '/connectors', { name: 'o-src', config: { 'connector.class': 'FileStreamSource', file: input, topic: 'kip875' } })).status, 201);
  assert.equal((await call(connect.url, 'POST', '/connectors', { name: 'o-snk', config: { 'connector.class': 'FileStreamSink', file: output, topics: 'kip875' } })).status, 201);
  await waitFor('three lines through', () => lines(output).length === 3);
  await waitFor('sink offsets committed', async () => (await call(connect.url, 'GET', '/connectors/o-snk/offsets')).body.offsets[0]?.offset.kafka_offset === 3);

  // KIP-558: the topics each connector used, until reset.
  assert.deepEqual((await call(connect.url, 'GET', '/connectors/o-src/topics')).body, { 'o-src': { topics: ['kip875'] } });
  assert.deepEqual((await call(connect.url, 'GET', '/connectors/o-snk/topics')).body, { 'o-snk': { topics: ['kip875'] } });
  assert.equal((await call(connect.url, 'PUT', '/connectors/o-snk/topics/reset')).status, 200);
  assert.deepEqual((await call(connect.url, 'GET', '/connectors/o-snk/topics')).body, { 'o-snk': { topics: [] } });
  assert.equal((await call(connect.url, 'GET', '/connectors/nope/topics')).status, 404);

  const running = await call(connect.url, 'PATCH', '/connectors/o-src/offsets', { offsets: [{ partition: { filename: input }, offset: { position: 0 } }] });
  assert.equal(running.status, 400);
  assert.match(running.body.message, /STOPPED state/);

  for (const n of ['o-src', 'o-snk']) assert.equal((await call(connect.url, 'PUT', `/connectors/${n}/stop`)).status, 202);
  const bad = await call(connect.url, 'PATCH', '/connectors/o-snk/offsets', { offsets: [{ partition: { kafka_topic: 'kip875' }, offset: { kafka_offset: 0 } }] });
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /kafka_partition/);
  assert.equal((await call(connect.url, 'PATCH', '/connectors/o-snk/offsets', {})).status, 400);

  // The sink rewinds to offset 1 (re-delivers x2, x3); the source's offsets are reset (re-reads the file).
  const sinkAltered = await call(connect.url, 'PATCH', '/connectors/o-snk/offsets', { offsets: [{ partition: { kafka_topic: 'kip875', kafka_partition: 0 }, offset: { kafka_offset: 1 } }] });
  assert.deepEqual([sinkAltered.status, sinkAltered.body.message], [200, 'The offsets for this connector have been altered successfully']);
  assert.deepEqual((await call(connect.url, 'GET', '/connectors/o-snk/offsets')).body.offsets, [{ partition: { kafka_topic: 'kip875', kafka_partition: 0 }, offset: { kafka_offset: 1 } }]);
  const reset = await call(connect.url, 'DELETE', '/connectors/o-src/offsets');
  assert.deepEqual([reset.status, reset.body.message], [200, 'The offsets for this connector have been reset successfully']);
  assert.deepEqual((await call(connect.url, 'GET', '/connectors/o-src/offsets')).body.offsets, []);

  assert.equal((await call(connect.url, 'PUT', '/connectors/o-snk/resume')).status, 202);
  await waitFor('x2 and x3 again', () => lines(output).length === 5);
  assert.deepEqual(lines(output), ['x1', 'x2', 'x3', 'x2', 'x3']);
  assert.equal((await call(connect.url, 'PUT', '/connectors/o-src/resume')).status, 202);
  await waitFor('the file read again from the start', () => lines(output).length === 8);
  assert.deepEqual(lines(output).slice(5), ['x1', 'x2', 'x3']);

  for (const n of ['o-src', 'o-snk']) assert.equal((await call(connect.url, 'PUT', `/connectors/${n}/stop`)).status, 202);
  assert.equal((await call(connect.url, 'DELETE', '/connectors/o-snk/offsets')).status, 200);
  assert.deepEqual((await call(connect.url, 'GET', '/connectors/o-snk/offsets')).body.offsets, []);
  for (const n of ['o-src', 'o-snk']) assert.equal((await call(connect.url, 'DELETE', `/connectors/${n}`)).status, 204);
});

test('unknown routes and bad JSON answer with error JSON', async () => {
  const nope = await call(connect.url, 'GET', '/nope');
  assert.equal(nope.status, 404);
  assert.equal(nope.body.error_code, 404);
  const res = await fetch(`${connect.url}/connectors`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{oops' });
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error_code, 400);
  assert.equal((await call(connect.url, 'DELETE', '/connectors')).status, 405);
});
