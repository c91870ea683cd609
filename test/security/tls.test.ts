/** SSL listeners: kcat over TLS, mutual TLS with the principal from the client certificate, TLS garbage. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kcat } from '../helpers/kcat.js';
import { removeDir, startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
import type { ApiHandler } from '../../src/broker/handler.js';
import { makeTestCerts, type TestCerts } from './certs.js';

let certs: TestCerts;
const dirs: string[] = [];

before(() => {
  const dir = tempDir('brook-certs-');
  dirs.push(dir);
  certs = makeTestCerts(dir);
});

after(() => {
  for (const dir of dirs) removeDir(dir);
});

async function startTls(config: Record<string, string>): Promise<TestBroker> {
  const broker = await startTestBroker({ storage: 'memory', config: { listeners: 'SSL://127.0.0.1:0', ...config } });
  dirs.push(broker.dataDir);
  return broker;
}

/** Records the principal of every Metadata request (wraps the registered handler). */
function recordPrincipals(broker: TestBroker): string[] {
  const seen: string[] = [];
  const handlers = broker.broker.handlers;
  const metadata = handlers.get(3)!;
  const wrapped: ApiHandler = { ...metadata, handle: (ctx, req) => (seen.push(ctx.principal), metadata.handle(ctx, req)) };
  handlers.set(3, wrapped);
  return seen;
}

/** Resolves with how a TLS connection attempt ended: 'connected' or the error/close. */
function tryTls(port: number, options: tls.ConnectionOptions): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ...options });
    socket.once('secureConnect', () => {
      // With TLS 1.3 a refused client certificate shows up after the handshake: send a request.
      socket.write(Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xff, 0xff]));
    });
    socket.once('data', () => (resolve('connected'), socket.destroy()));
    socket.once('error', (err) => resolve(`error: ${err.message}`));
    socket.once('close', () => resolve('closed'));
  });
}

test('SSL listener (ssl.keystore.location PEM): kcat produces and consumes over TLS', async () => {
  const broker = await startTls({ 'ssl.keystore.location': certs.serverKeystorePem });
  try {
    const ssl = ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.caPem}`];
    const produced = await kcat(['-b', broker.bootstrapServers, ...ssl, '-P', '-t', 'secure'], 'one\ntwo\nthree\n');
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await kcat(['-b', broker.bootstrapServers, ...ssl, '-C', '-t', 'secure', '-o', 'beginning', '-e', '-q']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), ['one', 'two', 'three']);
    // A plaintext client gets no Kafka answer from a TLS port.
    assert.notEqual(await tryPlain(broker.port), 'answered');
  } finally {
    await broker.stop();
  }
});

function tryPlain(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(Buffer.from([0, 0, 0, 10, 0, 18, 0, 0, 0, 0, 0, 1, 0xff, 0xff])));
    socket.on('data', (chunk) => {
      // A TLS alert starts with content type 21; a Kafka answer would start with a size.
      if (chunk[0] !== 21) resolve('answered');
    });
    socket.once('error', () => resolve('error'));
    socket.once('close', () => resolve('closed'));
  });
}

test('mutual TLS (ssl.client.auth=required): principal User:<subject DN>; no client certificate, no connection', async () => {
  const broker = await startTls({
    'ssl.certificate.location': certs.serverCertPem,
    'ssl.key.location': certs.serverKeyPem,
    'ssl.truststore.location': certs.caPem,
    'ssl.client.auth': 'required',
  });
  try {
    const principals = recordPrincipals(broker);
    const out = await kcat([
      '-b', broker.bootstrapServers, '-L', '-J',
      '-X', 'security.protocol=ssl',
      '-X', `ssl.ca.location=${certs.caPem}`,
      '-X', `ssl.certificate.location=${certs.clientCertPem}`,
      '-X', `ssl.key.location=${certs.clientKeyPem}`,
    ]);
    assert.equal(out.code, 0, out.stderr);
    assert.ok(principals.length > 0);
    assert.deepEqual(new Set(principals), new Set(['User:CN=alice,O=Acme,C=US']));

    const ca = readFileSync(certs.caPem);
    assert.notEqual(await tryTls(broker.port, { ca, servername: 'localhost' }), 'connected');
    const withCert = { ca, servername: 'localhost', cert: readFileSync(certs.clientCertPem), key: readFileSync(certs.clientKeyPem) };
    assert.equal(await tryTls(broker.port, withCert), 'connected');
  } finally {
    await broker.stop();
  }
});

test('ssl.client.auth=requested: clients without a certificate are ANONYMOUS', async () => {
  const broker = await startTls({ 'ssl.keystore.location': certs.serverKeystorePem, 'ssl.truststore.location': certs.caPem, 'ssl.client.auth': 'requested' });
  try {
    const principals = recordPrincipals(broker);
    const out = await kcat(['-b', broker.bootstrapServers, '-L', '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.caPem}`]);
    assert.equal(out.code, 0, out.stderr);
    assert.deepEqual(new Set(principals), new Set(['User:ANONYMOUS']));
  } finally {
    await broker.stop();
  }
});

test('TLS garbage and aborted handshakes cost only their own socket', async () => {
  const broker = await startTls({ 'ssl.keystore.location': certs.serverKeystorePem });
  try {
    for (const garbage of [Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.alloc(70_000, 0x16), Buffer.from([0x16, 3, 1, 0xff, 0xff, 1, 0, 0])]) {
      await new Promise<void>((resolve) => {
        const socket = net.connect(broker.port, '127.0.0.1', () => socket.end(garbage));
        socket.on('data', () => undefined);
        socket.once('error', () => resolve());
        socket.once('close', () => resolve());
      });
    }
    const out = await kcat(['-b', broker.bootstrapServers, '-L', '-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.caPem}`]);
    assert.equal(out.code, 0, out.stderr);
  } finally {
    await broker.stop();
  }
});

test('stop() does not wait for a client stuck before its TLS handshake', async () => {
  const broker = await startTls({ 'ssl.keystore.location': certs.serverKeystorePem });
  const idle = net.connect(broker.port, '127.0.0.1');
  await new Promise((resolve) => idle.once('connect', resolve));
  const closed = new Promise((resolve) => idle.once('close', resolve));
  const startedMs = Date.now();
  await broker.stop();
  await closed;
  assert.ok(Date.now() - startedMs < 5000);
});

test('a TLS listener without key material is a config error', async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  await assert.rejects(startTestBroker({ dataDir, storage: 'memory', config: { listeners: 'SSL://127.0.0.1:0' } }), /ssl.keystore.location/);
  await assert.rejects(
    startTestBroker({ dataDir, storage: 'memory', config: { listeners: 'SSL://127.0.0.1:0', 'ssl.keystore.location': join(dataDir, 'missing.pem') } }),
    /cannot read/,
  );
});
