/** SASL OAUTHBEARER with unsecured JWS tokens: the message and token checks, and kafkajs end to end. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { authenticateOAuthBearer } from '../../src/security/oauthbearer.js';
import { removeDir, startTestBroker } from '../helpers/broker.js';
import { kcat } from '../helpers/kcat.js';

const { Kafka, logLevel } = kafkajs;

function unsecuredToken(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'none' }): string {
  const part = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part(header)}.${part(claims)}.`;
}

const message = (token: string, gs2 = 'n,,') => Buffer.from(`${gs2}\u0001auth=Bearer ${token}\u0001\u0001`);
const opts = { principalClaim: 'sub', clockSkewMs: 30_000, nowMs: 1_000_000_000 };

test('unsecured tokens: principal, expiry, issued-at, alg and signature checks', () => {
  const exp = opts.nowMs / 1000 + 60;
  assert.deepEqual(authenticateOAuthBearer(message(unsecuredToken({ sub: 'alice', exp })), opts), { user: 'alice', expiresAtMs: exp * 1000 });
  assert.equal(authenticateOAuthBearer(message(unsecuredToken({ sub: 'alice', exp }), 'n,a=alice,'), opts).user, 'alice');
  assert.equal(authenticateOAuthBearer(message(unsecuredToken({ user: 'bob', exp })), { ...opts, principalClaim: 'user' }).user, 'bob');
  const refused: [Buffer, RegExp][] = [
    [message(unsecuredToken({ sub: 'alice', exp: opts.nowMs / 1000 - 31 })), /expired/],
    [message(unsecuredToken({ sub: 'alice', exp, iat: opts.nowMs / 1000 + 60 })), /future/],
    [message(unsecuredToken({ sub: 'alice' })), /exp/],
    [message(unsecuredToken({ exp })), /sub claim/],
    [message(unsecuredToken({ sub: 'alice', exp }, { alg: 'HS256' })), /alg/],
    [message(unsecuredToken({ sub: 'alice', exp }) + 'c2ln'), /Signed/],
    [message(unsecuredToken({ sub: 'alice', exp }), 'n,a=bob,'), /Authorization id/],
    [message('not-a-token'), /compact JWS/],
    [Buffer.from('n,,auth=Bearer x'), /first message/],
  ];
  for (const [msg, pattern] of refused) assert.throws(() => authenticateOAuthBearer(msg, opts), pattern);
});

test('kafkajs authenticates with an unsecured token; an expired one is refused', async () => {
  const broker = await startTestBroker({
    storage: 'memory',
    config: {
      listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
      'sasl.enabled.mechanisms': 'OAUTHBEARER',
      'sasl.oauthbearer.unsecured.tokens.enable': 'true',
    },
  });
  try {
    const kafka = (exp: number) =>
      new Kafka({
        clientId: 'oauth',
        brokers: [broker.bootstrapServers],
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: unsecuredToken({ sub: 'alice', exp, iat: Math.floor(Date.now() / 1000) }) }) },
      });
    const producer = kafka(Math.floor(Date.now() / 1000) + 600).producer({ allowAutoTopicCreation: true });
    await producer.connect();
    const [sent] = await producer.send({ topic: 'oauth', messages: [{ value: 'x' }] });
    assert.equal(sent!.errorCode, 0);
    await producer.disconnect();
    // librdkafka's built-in unsecured token (sasl.oauthbearer.config principal=...).
    const oauth = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=OAUTHBEARER', '-X', 'sasl.oauthbearer.config=principal=alice', '-X', 'enable.sasl.oauthbearer.unsecure.jwt=true'];
    const consumed = await kcat(['-b', broker.bootstrapServers, ...oauth, '-C', '-t', 'oauth', '-o', 'beginning', '-e', '-q']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.stdout.trim(), 'x');
    const expired = kafka(Math.floor(Date.now() / 1000) - 3600).producer();
    await assert.rejects(expired.connect(), /SASL|authentication/i);
    await expired.disconnect();
  } finally {
    await broker.stop();
    removeDir(broker.dataDir);
  }
});

test('OAUTHBEARER without unsecured tokens enabled is a config error', async () => {
  await assert.rejects(
    startTestBroker({ storage: 'memory', config: { listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'sasl.enabled.mechanisms': 'OAUTHBEARER' } }),
    /sasl\.oauthbearer\.unsecured\.tokens\.enable/,
  );
});
