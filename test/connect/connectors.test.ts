/** The shipped connectors' tasks, driven directly (no broker). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RetriableError, type SinkRecord, type SourceRecord } from '../../src/connect/api.js';
import { FileStreamSinkTask } from '../../src/connect/connectors/file-stream-sink.js';
import { FileStreamSourceConnector, FileStreamSourceTask } from '../../src/connect/connectors/file-stream-source.js';
import { HttpSinkTask } from '../../src/connect/connectors/http-sink.js';
import { tempDir, removeDir } from '../helpers/broker.js';

const sinkRecord = (value: unknown, offset = 0): SinkRecord => ({ topic: 't', kafkaPartition: 0, kafkaOffset: offset, timestamp: 0, keySchema: null, key: null, valueSchema: null, value, headers: [] });

test('file source reads whole lines only, batch.size at a time, resuming from a stored position', () => {
  const dir = tempDir('brook-filesrc-');
  try {
    const file = join(dir, 'in.txt');
    writeFileSync(file, 'one\r\ntwo\nthree\nfour-partial');
    const task = new FileStreamSourceTask();
    task.initialize({ configs: {}, offsetStorageReader: { offset: () => null } });
    task.start({ file, topic: 't', 'batch.size': '2' });
    const values = (rs: SourceRecord[] | null) => (rs ?? []).map((r) => r.value);
    assert.deepEqual(values(task.poll()), ['one', 'two']);
    const third = task.poll()!;
    assert.deepEqual(values(third), ['three']);
    assert.deepEqual(third[0]!.sourceOffset, { position: 15 });
    assert.deepEqual(third[0]!.sourcePartition, { filename: file });
    assert.deepEqual(values(task.poll()), [], 'the partial line waits for its newline');
    appendFileSync(file, '\nfive\n');
    assert.deepEqual(values(task.poll()), ['four-partial', 'five']);
    task.stop();

    const resumed = new FileStreamSourceTask();
    resumed.initialize({ configs: {}, offsetStorageReader: { offset: (p) => (p['filename'] === file ? { position: 15 } : null) } });
    resumed.start({ file, topic: 't' });
    assert.deepEqual(values(resumed.poll()), ['four-partial', 'five']);
    resumed.stop();
  } finally {
    removeDir(dir);
  }
});

test('file source connector config: topic is required and single', () => {
  const v = new FileStreamSourceConnector().config().validate({ topic: 'a,b' });
  assert.equal(v.errorCount, 1);
  assert.match(v.configs.find((c) => c.definition.name === 'topic')!.value.errors[0]!, /only one topic/);
});

test('file sink appends one line per value', () => {
  const dir = tempDir('brook-filesink-');
  try {
    const file = join(dir, 'out.txt');
    const task = new FileStreamSinkTask();
    task.start({ file });
    task.put([sinkRecord('a'), sinkRecord({ x: 1 }), sinkRecord(Buffer.from('b')), sinkRecord(7)]);
    task.flush();
    task.stop();
    assert.equal(readFileSync(file, 'utf8'), 'a\n{"x":1}\nb\n7\n');
  } finally {
    removeDir(dir);
  }
});

test('HTTP sink posts JSON; 5xx is retriable, 4xx is not', async () => {
  const bodies: string[] = [];
  let answer = 200;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(`${req.method} ${req.headers['x-token']} ${body}`);
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/in`;
  try {
    const task = new HttpSinkTask();
    task.start({ 'http.api.url': url, 'http.headers': 'x-token: s3cret', 'batch.max.size': '2' });
    await task.put([sinkRecord({ a: 1 }), sinkRecord('two'), sinkRecord(3)]);
    assert.deepEqual(bodies, ['POST s3cret [{"a":1},"two"]', 'POST s3cret [3]']);
    answer = 503;
    await assert.rejects(task.put([sinkRecord(1)]), RetriableError);
    answer = 400;
    await assert.rejects(task.put([sinkRecord(1)]), (e: Error) => !(e instanceof RetriableError) && /HTTP 400/.test(e.message));
    const single = new HttpSinkTask();
    single.start({ 'http.api.url': url, 'http.request.method': 'PUT' });
    answer = 204;
    await single.put([sinkRecord({ b: 2 })]);
    assert.equal(bodies.at(-1), 'PUT undefined {"b":2}');
  } finally {
    server.close();
  }
});
