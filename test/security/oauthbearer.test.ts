/** SASL OAUTHBEARER: unsecured and signed (JWKS) JWS tokens, the message and token checks, and kafkajs end to end. */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { generateKeyPairSync, sign, constants, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { authenticateOAuthBearer } from '../../src/security/oauthbearer.js';
import { loadJwks } from '../../src/security/jwks.js';
import { removeDir, startTestBroker, tempDir } from '../helpers/broker.js';
import { kcat } from '../helpers/kcat.js';

const { Kafka, logLevel } = kafkajs;

function unsecuredToken(claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'none' }): string {
  const part = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part(header)}.${part(claims)}.`;
}

const message = (token: string, gs2 = 'n,,') => Buffer.from(`${gs2}\u0001auth=Bearer ${token}\u0001\u0001`);
const opts = { principalClaim: 'sub', clockSkewMs: 30_000, nowMs: 1_000_000_000, allowUnsecured: true };

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
    [message(unsecuredToken({ sub: 'alice', exp }) + 'c2ln'), /Unsecured token expected/],
    [message(unsecuredToken({ sub: 'alice', exp }), 'n,a=bob,'), /Authorization id/],
    [message('not-a-token'), /compact JWS/],
    [Buffer.from('n,,auth=Bearer x'), /first message/],
  ];
  for (const [msg, pattern] of refused) assert.throws(() => authenticateOAuthBearer(msg, opts), pattern);
});

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** A compact JWS signed with `key` (ES* in JWS's raw r||s form). */
function signedToken(claims: Record<string, unknown>, alg: string, key: KeyObject, kid?: string): string {
  const part = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })}.${part(claims)}`;
  const hash = `sha${alg.slice(2)}`;
  const signature = alg.startsWith('ES')
    ? sign(hash, Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' })
    : alg.startsWith('PS')
      ? sign(hash, Buffer.from(input), { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST })
      : sign(hash, Buffer.from(input), key);
  return `${input}.${signature.toString('base64url')}`;
}

const jwksDirs: string[] = [];
after(() => jwksDirs.forEach(removeDir));

function jwksFile(): string {
  const dir = tempDir('brook-jwks-');
  jwksDirs.push(dir);
  const file = join(dir, 'jwks.json');
  writeFileSync(file, JSON.stringify({ keys: [{ ...rsa.publicKey.export({ format: 'jwk' }), kid: 'rsa-1' }, { ...ec.publicKey.export({ format: 'jwk' }), kid: 'ec-1' }] }));
  return pathToFileURL(file).href;
}

test('signed tokens are checked against the JWKS: algorithm, key id, signature, audience and issuer', () => {
  const keys = loadJwks(jwksFile());
  const signedOpts = { principalClaim: 'sub', clockSkewMs: 30_000, nowMs: 1_000_000_000, keys, expectedAudience: ['kafka'], expectedIssuer: 'https://idp.test' };
  const exp = signedOpts.nowMs / 1000 + 60;
  const good = { sub: 'carol', exp, aud: ['other', 'kafka'], iss: 'https://idp.test' };
  for (const [alg, key, kid] of [['RS256', rsa.privateKey, 'rsa-1'], ['PS384', rsa.privateKey, 'rsa-1'], ['ES256', ec.privateKey, 'ec-1'], ['RS512', rsa.privateKey, undefined]] as const) {
    assert.equal(authenticateOAuthBearer(message(signedToken(good, alg, key, kid)), signedOpts).user, 'carol', `${alg} ${kid ?? 'without kid'}`);
  }
  const refused: [string, RegExp][] = [
    [signedToken(good, 'RS256', stranger.privateKey, 'rsa-1'), /does not verify/],
    [signedToken(good, 'RS256', rsa.privateKey, 'ec-1'), /does not verify/],
    [signedToken(good, 'HS256', rsa.privateKey, 'rsa-1').replace(/\.[^.]*$/, '.c2ln'), /does not verify/],
    [signedToken({ ...good, aud: 'elsewhere' }, 'RS256', rsa.privateKey, 'rsa-1'), /audience/],
    [signedToken({ ...good, iss: 'https://evil.test' }, 'RS256', rsa.privateKey, 'rsa-1'), /issuer/],
    [signedToken({ ...good, exp: signedOpts.nowMs / 1000 - 60 }, 'RS256', rsa.privateKey, 'rsa-1'), /expired/],
    [unsecuredToken(good), /Unsecured tokens are not accepted/],
  ];
  for (const [token, pattern] of refused) assert.throws(() => authenticateOAuthBearer(message(token), signedOpts), pattern);
  assert.throws(() => loadJwks('https://idp.test/jwks'), /file: URLs/);
});

test('kafkajs authenticates with a signed token; a token signed by another key is refused', async () => {
  const broker = await startTestBroker({
    storage: 'memory',
    config: { listeners: 'SASL_PLAINTEXT://127.0.0.1:0', 'sasl.enabled.mechanisms': 'OAUTHBEARER', 'sasl.oauthbearer.jwks.endpoint.url': jwksFile() },
  });
  try {
    const kafka = (key: KeyObject) =>
      new Kafka({
        clientId: 'oauth-signed',
        brokers: [broker.bootstrapServers],
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
        sasl: { mechanism: 'oauthbearer', oauthBearerProvider: async () => ({ value: signedToken({ sub: 'carol', exp: Math.floor(Date.now() / 1000) + 600 }, 'RS256', key, 'rsa-1') }) },
      });
    const producer = kafka(rsa.privateKey).producer({ allowAutoTopicCreation: true });
    await producer.connect();
    assert.equal((await producer.send({ topic: 'oauth-signed', messages: [{ value: 'x' }] }))[0]!.errorCode, 0);
    await producer.disconnect();
    const forged = kafka(stranger.privateKey).producer();
    await assert.rejects(forged.connect(), /SASL|[Aa]uthentication/);
  } finally {
    await broker.stop();
    removeDir(broker.dataDir);
  }
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
