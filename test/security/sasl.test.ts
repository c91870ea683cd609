/**
 * SASL_PLAINTEXT (and SASL_SSL) listeners: PLAIN and SCRAM with kcat, kafkajs and a raw client;
 * SCRAM credentials managed through AlterUserScramCredentials and kept across restarts; the gate
 * that refuses everything before authentication; malformed and oversized input.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { kcat } from '../helpers/kcat.js';
import { RawClient } from '../helpers/raw-client.js';
import { removeDir, startTestBroker, tempDir, type TestBroker } from '../helpers/broker.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { CREDENTIALS_FILE } from '../../src/security/credential-store.js';
import { credentialFromSaltedPassword } from '../../src/security/scram.js';
import { authenticate, handshake, saslConnect, upsertion } from './sasl-client.js';
import { makeTestCerts } from './certs.js';

const SASL_CONFIG = {
  listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
  'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
  'sasl.plain.users': 'admin:admin-secret',
};

let broker: TestBroker;
const dirs: string[] = [];

before(async () => {
  broker = await startTestBroker({ config: SASL_CONFIG });
  dirs.push(broker.dataDir);
  const { client, result } = await saslConnect(broker.port, 'PLAIN', 'admin', 'admin-secret');
  assert.equal(result.errorCode, ErrorCode.NONE);
  const altered = await client.request(51, 0, {
    deletions: [],
    upsertions: [upsertion('alice', 'SCRAM-SHA-512', 'alice-secret'), upsertion('alice', 'SCRAM-SHA-256', 'alice-secret', 8192)],
  });
  assert.deepEqual(altered.results, [{ user: 'alice', errorCode: 0, errorMessage: null }]);
  client.close();
});

after(async () => {
  await broker.stop();
  for (const dir of dirs) removeDir(dir);
});

function scramArgs(user: string, password: string, mechanism = 'SCRAM-SHA-512'): string[] {
  return ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', `sasl.mechanisms=${mechanism}`, '-X', `sasl.username=${user}`, '-X', `sasl.password=${password}`];
}

test('kcat with SCRAM-SHA-512 over SASL_PLAINTEXT produces and consumes', async () => {
  const auth = scramArgs('alice', 'alice-secret');
  const produced = await kcat(['-b', broker.bootstrapServers, ...auth, '-P', '-t', 'scram'], 'a\nb\n');
  assert.equal(produced.code, 0, produced.stderr);
  const consumed = await kcat(['-b', broker.bootstrapServers, ...auth, '-C', '-t', 'scram', '-o', 'beginning', '-e', '-q']);
  assert.equal(consumed.code, 0, consumed.stderr);
  assert.deepEqual(consumed.stdout.trim().split('\n'), ['a', 'b']);
  const plain = await kcat(['-b', broker.bootstrapServers, ...scramArgs('admin', 'admin-secret', 'PLAIN'), '-L']);
  assert.equal(plain.code, 0, plain.stderr);
});

test('kcat with a wrong SCRAM password is refused with SASL authentication failed', async () => {
  const out = await kcat(['-b', broker.bootstrapServers, ...scramArgs('alice', 'wrong'), '-L', '-m', '2']);
  assert.notEqual(out.code, 0);
  assert.match(out.stderr, /Authentication failed|SASL authentication error/i);
});

test('kafkajs with SCRAM-SHA-512 produces; with a wrong password it gets SASL_AUTHENTICATION_FAILED', async () => {
  const kafka = (password: string) =>
    new Kafka({
      clientId: 'sasl-test',
      brokers: [broker.bootstrapServers],
      sasl: { mechanism: 'scram-sha-512', username: 'alice', password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
  const producer = kafka('alice-secret').producer();
  await producer.connect();
  try {
    const [result] = await producer.send({ topic: 'kafkajs-scram', messages: [{ value: 'x' }, { value: 'y' }] });
    assert.equal(result!.errorCode, 0);
  } finally {
    await producer.disconnect();
  }
  const admin = kafka('alice-secret').admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets('kafkajs-scram');
    assert.equal(offsets.reduce((sum, p) => sum + Number(p.high), 0), 2);
  } finally {
    await admin.disconnect();
  }
  const refused = kafka('wrong').producer();
  await assert.rejects(refused.connect(), (err: Error) => {
    assert.match(`${err.name} ${err.message}`, /SASL|Authentication failed/i);
    return true;
  });
  await refused.disconnect();
});

test('DescribeUserScramCredentials lists mechanisms and iterations only', async () => {
  const { client } = await saslConnect(broker.port, 'SCRAM-SHA-256', 'alice', 'alice-secret');
  try {
    const all = await client.request(50, 0, { users: null });
    const alice = all.results.find((r: { user: string }) => r.user === 'alice');
    assert.deepEqual(
      [...alice.credentialInfos].sort((a: { mechanism: number }, b: { mechanism: number }) => a.mechanism - b.mechanism),
      [{ mechanism: 1, iterations: 8192 }, { mechanism: 2, iterations: 4096 }],
    );
    const missing = await client.request(50, 0, { users: [{ name: 'nobody' }] });
    assert.equal(missing.results[0].errorCode, ErrorCode.RESOURCE_NOT_FOUND);
    const bad = await client.request(51, 0, {
      deletions: [{ name: 'ghost', mechanism: 2 }],
      upsertions: [upsertion('weak', 'SCRAM-SHA-512', 'pw', 1000), { ...upsertion('odd', 'SCRAM-SHA-512', 'pw'), mechanism: 9 }],
    });
    assert.deepEqual(
      bad.results.map((r: { user: string; errorCode: number }) => [r.user, r.errorCode]),
      [['ghost', ErrorCode.RESOURCE_NOT_FOUND], ['weak', ErrorCode.UNACCEPTABLE_CREDENTIAL], ['odd', ErrorCode.UNSUPPORTED_SASL_MECHANISM]],
    );
  } finally {
    client.close();
  }
  const stored = readFileSync(join(broker.dataDir, CREDENTIALS_FILE), 'utf8');
  assert.doesNotMatch(stored, /alice-secret/);
});

test('requests before authentication close the connection; a failed login reads nothing', async () => {
  const early = await RawClient.connect(broker.port);
  await assert.rejects(early.request(3, 1, { topics: null }), /connection closed/);

  const { client, result } = await saslConnect(broker.port, 'SCRAM-SHA-512', 'alice', 'wrong');
  assert.equal(result.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.match(result.errorMessage!, /SCRAM-SHA-512/);
  await assert.rejects(client.request(3, 1, { topics: null }), /connection closed/);

  const unknownMechanism = await RawClient.connect(broker.port);
  assert.equal(await handshake(unknownMechanism, 'GSSAPI'), ErrorCode.UNSUPPORTED_SASL_MECHANISM);
  await assert.rejects(unknownMechanism.request(18, 0, {}), /connection closed/);
});

test('malformed SASL tokens and oversized handshakes are refused without harm', async () => {
  for (const [mechanism, token] of [
    ['SCRAM-SHA-512', Buffer.from('garbage')],
    ['SCRAM-SHA-512', Buffer.from([0xff, 0xfe, 0, 1])],
    ['SCRAM-SHA-256', Buffer.from('n,,n=alice,r=')],
    ['PLAIN', Buffer.alloc(0)],
    ['PLAIN', Buffer.alloc(100_000, 0)],
  ] as const) {
    const client = await RawClient.connect(broker.port);
    assert.equal(await handshake(client, mechanism), ErrorCode.NONE);
    const response = await authenticate(client, token);
    assert.equal(response.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED, `${mechanism} ${token.subarray(0, 20).toString('hex')}`);
    client.close();
  }
  const huge = await RawClient.connect(broker.port);
  await assert.rejects(huge.request(17, 1, { mechanism: 'X'.repeat(30_000) }).then(() => huge.request(17, 1, { mechanism: 'PLAIN' })), /connection closed/);
  // A frame over sasl.server.max.receive.size (512 KiB) before authentication ends the connection.
  assert.equal(await sendRaw(broker.port, sizePrefixed(Buffer.alloc(600_000, 1))), 'closed');
  assert.equal(await sendRaw(broker.port, Buffer.from([0x7f, 0xff, 0xff, 0xff])), 'closed');
  // The size alone is enough: nothing of a 600,000-byte frame is buffered before it is refused.
  assert.equal(await sendRaw(broker.port, Buffer.from([0x00, 0x09, 0x27, 0xc0])), 'closed');
  const { client, result } = await saslConnect(broker.port, 'PLAIN', 'admin', 'admin-secret');
  assert.equal(result.errorCode, ErrorCode.NONE);
  client.close();
});

function sizePrefixed(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length, 0);
  return Buffer.concat([size, body]);
}

/** Writes bytes on a fresh socket; resolves 'closed' when the broker ends it, or the first bytes read. */
function sendRaw(port: number, bytes: Buffer, expectBytes = 0): Promise<string | Buffer> {
  return new Promise((resolve) => {
    let received = Buffer.alloc(0);
    const socket = net.connect(port, '127.0.0.1', () => socket.write(bytes));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (expectBytes > 0 && received.length >= expectBytes) {
        socket.destroy();
        resolve(received);
      }
    });
    socket.once('error', () => resolve('closed'));
    socket.once('close', () => resolve('closed'));
  });
}

test('SaslHandshake v0: raw PLAIN token without Kafka headers, then ordinary requests', async () => {
  const mechanism = Buffer.from('PLAIN');
  const handshakeV0 = Buffer.alloc(10 + 2 + mechanism.length);
  handshakeV0.writeInt16BE(17, 0); // api key
  handshakeV0.writeInt16BE(0, 2); // version
  handshakeV0.writeInt32BE(7, 4); // correlation id
  handshakeV0.writeInt16BE(-1, 8); // null client id
  handshakeV0.writeInt16BE(mechanism.length, 10);
  mechanism.copy(handshakeV0, 12);
  const token = Buffer.from('\u0000admin\u0000admin-secret');
  const metadataV0 = Buffer.from([0, 3, 0, 0, 0, 0, 0, 8, 0xff, 0xff, 0, 0, 0, 0]);
  const socket = net.connect(broker.port, '127.0.0.1');
  const frames: Buffer[] = [];
  let buffered = Buffer.alloc(0);
  const wanted = new Promise<void>((resolve, reject) => {
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 4 && buffered.length >= 4 + buffered.readInt32BE(0)) {
        frames.push(buffered.subarray(4, 4 + buffered.readInt32BE(0)));
        buffered = buffered.subarray(4 + buffered.readInt32BE(0));
      }
      if (frames.length >= 3) resolve();
    });
    socket.once('close', () => reject(new Error(`closed after ${frames.length} frames`)));
  });
  socket.write(Buffer.concat([sizePrefixed(handshakeV0), sizePrefixed(token), sizePrefixed(metadataV0)]));
  await wanted;
  socket.destroy();
  assert.equal(frames[0]!.readInt32BE(0), 7); // handshake answer, correlation id 7
  assert.equal(frames[0]!.readInt16BE(4), ErrorCode.NONE);
  assert.equal(frames[1]!.length, 0); // PLAIN's empty server token
  assert.equal(frames[2]!.readInt32BE(0), 8); // Metadata answered: authenticated
});

test('SCRAM credentials survive a restart of the broker', async () => {
  const dataDir = tempDir();
  dirs.push(dataDir);
  const first = await startTestBroker({ dataDir, config: SASL_CONFIG });
  try {
    const { client } = await saslConnect(first.port, 'PLAIN', 'admin', 'admin-secret');
    await client.request(51, 0, { deletions: [], upsertions: [upsertion('bob', 'SCRAM-SHA-256', 'bob-pw')] });
    client.close();
  } finally {
    await first.stop();
  }
  const second = await startTestBroker({ dataDir, config: SASL_CONFIG });
  try {
    const ok = await saslConnect(second.port, 'SCRAM-SHA-256', 'bob', 'bob-pw');
    assert.equal(ok.result.errorCode, ErrorCode.NONE);
    ok.client.close();
    const bad = await saslConnect(second.port, 'SCRAM-SHA-256', 'bob', 'bob-PW');
    assert.equal(bad.result.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
    bad.client.close();
  } finally {
    await second.stop();
  }
});

test('SASL_SSL: kcat with SCRAM-SHA-512 over TLS', async () => {
  const certDir = tempDir('brook-certs-');
  dirs.push(certDir);
  const certs = makeTestCerts(certDir);
  const secure = await startTestBroker({
    storage: 'memory',
    config: { ...SASL_CONFIG, listeners: 'SASL_SSL://127.0.0.1:0', 'ssl.keystore.location': certs.serverKeystorePem },
  });
  dirs.push(secure.dataDir);
  try {
    await addScramUser(secure, 'carol', 'carol-pw');
    const auth = ['-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${certs.caPem}`, '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=carol', '-X', 'sasl.password=carol-pw'];
    const produced = await kcat(['-b', secure.bootstrapServers, ...auth, '-P', '-t', 'sasl-ssl'], 'secret\n');
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await kcat(['-b', secure.bootstrapServers, ...auth, '-C', '-t', 'sasl-ssl', '-o', 'beginning', '-e', '-q']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.stdout.trim(), 'secret');
  } finally {
    await secure.stop();
  }
});

/** Adds a SCRAM-SHA-512 user in-process (the raw client speaks no TLS). */
async function addScramUser(target: TestBroker, user: string, password: string): Promise<void> {
  const u = upsertion(user, 'SCRAM-SHA-512', password);
  const credential = credentialFromSaltedPassword('SCRAM-SHA-512', u.salt, u.saltedPassword, u.iterations);
  await target.broker.security.credentials.apply([{ user, mechanism: 'SCRAM-SHA-512', credential }]);
}
