/**
 * Several listeners at once: a PLAINTEXT and a SASL_SSL listener, each with its own socket and
 * protocol, Metadata answering the address of the listener the client came through; named
 * listeners with listener.security.protocol.map and advertised.listeners per listener.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import tls from 'node:tls';
import { readFileSync } from 'node:fs';
import { kcat } from '../helpers/kcat.js';
import { freePort, removeDir, startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
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

async function start(config: Record<string, string>): Promise<TestBroker> {
  const broker = await startTestBroker({ storage: 'memory', config });
  dirs.push(broker.dataDir);
  return broker;
}

/** `host:port` of the brokers kcat -L lists. */
async function metadataBrokers(bootstrap: string, args: string[]): Promise<string[]> {
  const out = await kcat(['-b', bootstrap, ...args, '-L']);
  assert.equal(out.code, 0, out.stderr);
  return [...out.stdout.matchAll(/broker \d+ at (\S+)/g)].map((m) => m[1]!);
}

/** Sends Metadata v1 (all topics) over TLS without SASL: 'answered' or how the connection ended. */
function unauthenticatedMetadata(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca: readFileSync(certs.caPem) });
    // size 14 | api 3 v1 | correlation 7 | client id null | topics null
    socket.once('secureConnect', () => socket.write(Buffer.from([0, 0, 0, 14, 0, 3, 0, 1, 0, 0, 0, 7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])));
    socket.once('data', () => (resolve('answered'), socket.destroy()));
    socket.once('error', (err) => resolve(`error: ${err.message}`));
    socket.once('close', () => resolve('closed'));
  });
}

test('PLAINTEXT and SASL_SSL listeners at once: kcat through each, Metadata gives each its own port', async () => {
  const broker = await start({
    listeners: 'PLAINTEXT://127.0.0.1:0,SASL_SSL://127.0.0.1:0',
    'ssl.keystore.location': certs.serverKeystorePem,
    'sasl.enabled.mechanisms': 'PLAIN',
    'sasl.plain.users': 'alice:alice-secret',
  });
  try {
    const ports = broker.broker.listenerPorts;
    const plainPort = ports.get('PLAINTEXT')!;
    const securePort = ports.get('SASL_SSL')!;
    assert.equal(plainPort, broker.port);
    assert.notEqual(securePort, plainPort);
    const secure = ['-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certs.caPem}`, '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', 'sasl.password=alice-secret'];

    assert.deepEqual(await metadataBrokers(`127.0.0.1:${plainPort}`, []), [`127.0.0.1:${plainPort}`]);
    assert.deepEqual(await metadataBrokers(`127.0.0.1:${securePort}`, secure), [`127.0.0.1:${securePort}`]);

    // kcat connects again to the broker address Metadata gives: through the wrong listener it would fail.
    const produced = await kcat(['-b', `127.0.0.1:${plainPort}`, '-P', '-t', 'both'], 'one\ntwo\n');
    assert.equal(produced.code, 0, produced.stderr);
    const produced2 = await kcat(['-b', `127.0.0.1:${securePort}`, ...secure, '-P', '-t', 'both'], 'three\n');
    assert.equal(produced2.code, 0, produced2.stderr);
    const consumed = await kcat(['-b', `127.0.0.1:${securePort}`, ...secure, '-C', '-t', 'both', '-o', 'beginning', '-e', '-q']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.deepEqual(consumed.stdout.trim().split('\n'), ['one', 'two', 'three']);
    const consumedPlain = await kcat(['-b', `127.0.0.1:${plainPort}`, '-C', '-t', 'both', '-o', 'beginning', '-e', '-q']);
    assert.deepEqual(consumedPlain.stdout.trim().split('\n'), ['one', 'two', 'three']);

    // The SASL_SSL listener refuses a TLS client that skips authentication; PLAINTEXT answers it in clear.
    assert.equal(await unauthenticatedMetadata(securePort), 'closed');
    const wrong = await kcat(['-b', `127.0.0.1:${securePort}`, '-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certs.caPem}`, '-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=alice', '-X', 'sasl.password=nope', '-L', '-m', '2']);
    assert.notEqual(wrong.code, 0);
  } finally {
    await broker.stop();
  }
});

test('named listeners: protocol map, advertised.listeners per listener, Metadata of the listener used', async () => {
  const externalPort = await freePort();
  const broker = await start({
    listeners: `INTERNAL://127.0.0.1:0,EXTERNAL://127.0.0.1:${externalPort}`,
    'listener.security.protocol.map': 'INTERNAL:PLAINTEXT,EXTERNAL:SSL',
    'advertised.listeners': `EXTERNAL://localhost:${externalPort}`,
    'ssl.keystore.location': certs.serverKeystorePem,
  });
  try {
    assert.equal(broker.broker.listenerPorts.get('EXTERNAL'), externalPort);
    const internalPort = broker.broker.listenerPorts.get('INTERNAL')!;
    assert.deepEqual(await metadataBrokers(`127.0.0.1:${internalPort}`, []), [`127.0.0.1:${internalPort}`]);
    // The certificate names localhost, so the advertised name verifies too.
    const ssl = ['-X', 'security.protocol=ssl', '-X', `ssl.ca.location=${certs.caPem}`];
    assert.deepEqual(await metadataBrokers(`127.0.0.1:${externalPort}`, ssl), [`localhost:${externalPort}`]);
    const produced = await kcat(['-b', `127.0.0.1:${externalPort}`, ...ssl, '-P', '-t', 'named'], 'x\n');
    assert.equal(produced.code, 0, produced.stderr);
  } finally {
    await broker.stop();
  }
});
