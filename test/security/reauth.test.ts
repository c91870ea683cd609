/** connections.max.reauth.ms (KIP-368): session lifetimes, re-authentication, expiry. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { ErrorCode } from '../../src/protocol/errors.js';
import { SaslSession } from '../../src/security/sasl-session.js';
import { removeDir, startTestBroker } from '../helpers/broker.js';
import { authenticate, handshake, saslConnect } from './sasl-client.js';

const { Kafka, logLevel } = kafkajs;

function session(clock: () => number, maxReauthMs: number) {
  return new SaslSession({
    mechanisms: ['PLAIN', 'OAUTHBEARER'],
    plainUsers: new Map([['alice', 'a'], ['bob', 'b']]),
    scramCredential: () => undefined,
    serverNonce: () => 'nonce',
    oauthBearer: { principalClaim: 'sub', clockSkewMs: 0, allowUnsecured: true },
    clock,
    maxReauthMs,
  });
}

const plain = (user: string, password: string) => Buffer.from(`\u0000${user}\u0000${password}`);

test('a session lasts connections.max.reauth.ms and is renewed by re-authenticating as the same principal', () => {
  let nowMs = 1_000_000;
  const s = session(() => nowMs, 1000);
  s.handshake('PLAIN', 1);
  assert.equal(s.authenticate(plain('alice', 'a')).sessionLifetimeMs, 1000);
  assert.equal(s.expired(), false);
  nowMs += 1000;
  assert.equal(s.expired(), true);
  assert.equal(s.handshake('PLAIN', 1).errorCode, ErrorCode.NONE);
  assert.equal(s.state, 'reauth');
  assert.equal(s.authenticated, true);
  assert.equal(s.allows(3), false);
  assert.equal(s.authenticate(plain('alice', 'a')).sessionLifetimeMs, 1000);
  assert.equal(s.expired(), false);
  // Another principal, or another mechanism, ends the session.
  s.handshake('PLAIN', 1);
  const other = s.authenticate(plain('bob', 'b'));
  assert.equal(other.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.match(other.errorMessage!, /principal/);
  const t = session(() => nowMs, 1000);
  t.handshake('PLAIN', 1);
  t.authenticate(plain('alice', 'a'));
  assert.equal(t.handshake('OAUTHBEARER', 1).errorCode, ErrorCode.UNSUPPORTED_SASL_MECHANISM);
  assert.equal(t.state, 'failed');
});

test('an OAUTHBEARER token expiring first shortens the session; without reauth nothing expires', () => {
  const nowMs = 1_000_000_000;
  const token = (exp: number) => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return Buffer.from(`n,,\u0001auth=Bearer ${part({ alg: 'none' })}.${part({ sub: 'alice', exp })}.\u0001\u0001`);
  };
  const s = session(() => nowMs, 60_000);
  s.handshake('OAUTHBEARER', 1);
  assert.equal(s.authenticate(token(nowMs / 1000 + 10)).sessionLifetimeMs, 10_000);
  const forever = session(() => nowMs, 0);
  forever.handshake('PLAIN', 1);
  assert.equal(forever.authenticate(plain('alice', 'a')).sessionLifetimeMs, 0);
  assert.equal(forever.expires, false);
});

test('the broker closes an expired session; kafkajs re-authenticates and keeps working', async () => {
  const broker = await startTestBroker({
    storage: 'memory',
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'PLAIN',
      'sasl.plain.users': 'alice:a',
      'connections.max.reauth.ms': '600',
    },
  });
  try {
    const { client, result } = await saslConnect(broker.port, 'PLAIN', 'alice', 'a');
    assert.equal(result.errorCode, ErrorCode.NONE);
    assert.equal(Number((result as { sessionLifetimeMs?: bigint | number }).sessionLifetimeMs), 600);
    await client.request(3, 1, { topics: null });
    await new Promise((resolve) => setTimeout(resolve, 700));
    // Re-authenticating on the same connection renews it...
    assert.equal(await handshake(client, 'PLAIN'), ErrorCode.NONE);
    assert.equal((await authenticate(client, plain('alice', 'a'))).errorCode, ErrorCode.NONE);
    await client.request(3, 1, { topics: null });
    await new Promise((resolve) => setTimeout(resolve, 700));
    // ...anything else after expiry closes it.
    await assert.rejects(client.request(3, 1, { topics: null }), /connection closed/);

    let reauths = 0;
    const original = SaslSession.prototype.handshake;
    SaslSession.prototype.handshake = function (this: SaslSession, mechanism: string, version: number) {
      if (this.state === 'authenticated') reauths++;
      return original.call(this, mechanism, version);
    };
    try {
      const kafka = new Kafka({
        clientId: 'reauth',
        brokers: [broker.bootstrapServers],
        logLevel: logLevel.NOTHING,
        sasl: { mechanism: 'plain', username: 'alice', password: 'a' },
        reauthenticationThreshold: 200,
      } as never);
      const producer = kafka.producer({ allowAutoTopicCreation: true });
      await producer.connect();
      const start = Date.now();
      while (Date.now() - start < 1500) {
        const [sent] = await producer.send({ topic: 'reauth', messages: [{ value: 'x' }] });
        assert.equal(sent!.errorCode, 0);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await producer.disconnect();
    } finally {
      SaslSession.prototype.handshake = original;
    }
    assert.ok(reauths >= 1, 'kafkajs never re-authenticated');
  } finally {
    await broker.stop();
    removeDir(broker.dataDir);
  }
});
