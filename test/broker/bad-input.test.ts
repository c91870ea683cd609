/** Hostile and malformed input: the broker drops the offending connection and keeps serving others. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startTestBroker, removeDir, type TestBroker } from '../helpers/broker.js';
import { kcat } from '../helpers/kcat.js';

let broker: TestBroker;

before(async () => {
  broker = await startTestBroker({ storage: 'memory', config: { 'socket.request.max.bytes': '1048576' } });
});

after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
});

/** Sends raw bytes and resolves with what came back before the broker closed or `waitMs` passed. */
function sendRaw(bytes: Buffer, waitMs = 500): Promise<{ closed: boolean; received: Buffer }> {
  return new Promise((resolve) => {
    const socket = net.connect(broker.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve({ closed, received: Buffer.concat(chunks) });
    });
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed, received: Buffer.concat(chunks) });
    }, waitMs);
    socket.write(bytes);
  });
}

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function header(apiKey: number, version: number, correlationId: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeInt16BE(apiKey, 0);
  b.writeInt16BE(version, 2);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(-1, 8); // null client id
  return b;
}

async function stillServes(): Promise<void> {
  const out = await kcat(['-b', broker.bootstrapServers, '-L', '-J']);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(JSON.parse(out.stdout).brokers.length, 1);
}

test('a frame larger than socket.request.max.bytes closes the connection before allocating', async () => {
  const size = Buffer.alloc(4);
  size.writeInt32BE(2_000_000_000);
  assert.equal((await sendRaw(size)).closed, true);
  await stillServes();
});

test('a negative frame size closes the connection', async () => {
  assert.equal((await sendRaw(Buffer.from([0xff, 0xff, 0xff, 0xfe]))).closed, true);
  await stillServes();
});

test('an unknown api key closes the connection', async () => {
  assert.equal((await sendRaw(frame(header(9999, 0, 1)))).closed, true);
  await stillServes();
});

test('an unsupported ApiVersions version is answered with UNSUPPORTED_VERSION in v0 form', async () => {
  const { received } = await sendRaw(frame(header(18, 99, 42)));
  assert.ok(received.length >= 10, 'got a response');
  assert.equal(received.readInt32BE(4), 42, 'correlation id echoed');
  assert.equal(received.readInt16BE(8), 35, 'UNSUPPORTED_VERSION');
  await stillServes();
});

test('a truncated request body closes the connection', async () => {
  // Metadata v1 claims a topic array of 5 entries but sends none.
  const body = Buffer.concat([header(3, 1, 7), Buffer.from([0, 0, 0, 5])]);
  assert.equal((await sendRaw(frame(body))).closed, true);
  await stillServes();
});

test('random garbage never takes the broker down', async () => {
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 50; i++) {
    const body = Buffer.alloc(8 + Math.floor(random() * 200));
    for (let j = 0; j < body.length; j++) body[j] = Math.floor(random() * 256);
    body.writeInt16BE(Math.floor(random() * 70), 0);
    body.writeInt16BE(Math.floor(random() * 14), 2);
    await sendRaw(frame(body), 100);
  }
  await stillServes();
});

test('a frame split into one-byte writes is still understood', async () => {
  const request = frame(header(18, 0, 9));
  const received = await new Promise<Buffer>((resolve) => {
    const socket = net.connect(broker.port, '127.0.0.1');
    socket.once('data', (c) => {
      socket.destroy();
      resolve(c);
    });
    let i = 0;
    const tick = setInterval(() => {
      socket.write(request.subarray(i, i + 1));
      if (++i === request.length) clearInterval(tick);
    }, 1);
  });
  assert.equal(received.readInt32BE(4), 9);
  assert.equal(received.readInt16BE(8), 0);
});
