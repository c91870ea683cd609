import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { credentialFromSaltedPassword, saltPassword, ScramAuthError, ScramServer, type ScramCredential, type ScramMechanism } from '../../src/security/scram.js';

// RFC 7677 section 3: the SCRAM-SHA-256 example exchange (user "user", password "pencil").
const SALT = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64');
const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

function rfcServer(): ScramServer {
  const credential = credentialFromSaltedPassword('SCRAM-SHA-256', SALT, saltPassword('SCRAM-SHA-256', 'pencil', SALT, 4096), 4096);
  return new ScramServer('SCRAM-SHA-256', (user) => (user === 'user' ? credential : undefined), () => SERVER_NONCE);
}

test('SCRAM-SHA-256 reproduces the RFC 7677 example exchange', () => {
  const server = rfcServer();
  assert.equal(server.evaluate(Buffer.from(CLIENT_FIRST)).toString(), SERVER_FIRST);
  assert.equal(server.authenticatedUser, null);
  assert.equal(server.evaluate(Buffer.from(CLIENT_FINAL)).toString(), SERVER_FINAL);
  assert.equal(server.authenticatedUser, 'user');
});

test('SCRAM: a final nonce with the client nonce repeated (librdkafka 2.0) is accepted, as Kafka does', () => {
  const server = rfcServer();
  server.evaluate(Buffer.from(CLIENT_FIRST));
  // Same proof would not match (the nonce is part of the signed message): only the nonce check is tested.
  assert.throws(() => server.evaluate(Buffer.from(CLIENT_FINAL.replace('r=rOpr', 'r=rOprNGfwEbeRWgbNEkqOrOpr'))), /proof/);
});

test('SCRAM: a wrong proof, a wrong nonce and an unknown user are refused', () => {
  const wrongProof = rfcServer();
  wrongProof.evaluate(Buffer.from(CLIENT_FIRST));
  assert.throws(() => wrongProof.evaluate(Buffer.from(CLIENT_FINAL.replace('p=dHzb', 'p=dHzc'))), ScramAuthError);
  assert.equal(wrongProof.authenticatedUser, null);

  const wrongNonce = rfcServer();
  wrongNonce.evaluate(Buffer.from(CLIENT_FIRST));
  assert.throws(() => wrongNonce.evaluate(Buffer.from(CLIENT_FINAL.replace('k0,p=', 'k1,p='))), ScramAuthError);

  assert.throws(() => rfcServer().evaluate(Buffer.from('n,,n=mallory,r=abc')), /Invalid user credentials/);
});

test('SCRAM: malformed messages throw ScramAuthError, never anything else', () => {
  const inputs = ['', 'garbage', 'p=tls-unique,,n=user,r=x', 'n,,', 'n,,n=user', 'n,,r=abc', 'n,,n=us=er,r=abc', 'n,,n=user,r=', '\u0000\u0001\u0002'];
  for (const input of inputs) {
    assert.throws(() => rfcServer().evaluate(Buffer.from(input)), ScramAuthError, JSON.stringify(input));
  }
  for (const final of ['', 'c=biws', 'c=biws,r=x,p=', 'x,p=abc', 'c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAA']) {
    const server = rfcServer();
    server.evaluate(Buffer.from(CLIENT_FIRST));
    assert.throws(() => server.evaluate(Buffer.from(final)), ScramAuthError, JSON.stringify(final));
  }
});

/** A client side of SCRAM, written from RFC 5802, to check the SHA-512 path end to end. */
function clientFinal(mechanism: ScramMechanism, password: string, clientFirstBare: string, serverFirst: string): string {
  const hash = mechanism === 'SCRAM-SHA-256' ? 'sha256' : 'sha512';
  const attrs = new Map(serverFirst.split(',').map((p) => [p[0]!, p.slice(2)]));
  const salted = saltPassword(mechanism, password, Buffer.from(attrs.get('s')!, 'base64'), Number(attrs.get('i')));
  const clientKey = createHmac(hash, salted).update('Client Key').digest();
  const storedKey = createHash(hash).update(clientKey).digest();
  const withoutProof = `c=biws,r=${attrs.get('r')}`;
  const signature = createHmac(hash, storedKey).update(`${clientFirstBare},${serverFirst},${withoutProof}`).digest();
  const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
  return `${withoutProof},p=${proof.toString('base64')}`;
}

test('SCRAM-SHA-512: a client with the right password authenticates, a wrong one does not', () => {
  const salt = Buffer.from('0123456789abcdef');
  const credential: ScramCredential = credentialFromSaltedPassword('SCRAM-SHA-512', salt, saltPassword('SCRAM-SHA-512', 'secret', salt, 4096), 4096);
  assert.equal(credential.storedKey.length, 64);
  const lookup = (user: string) => (user === 'a,b=c' ? credential : undefined);
  for (const [password, ok] of [['secret', true], ['Secret', false]] as const) {
    const server = new ScramServer('SCRAM-SHA-512', lookup, () => 'servernonce');
    const bare = 'n=a=2Cb=3Dc,r=clientnonce';
    const serverFirst = server.evaluate(Buffer.from(`n,,${bare}`)).toString();
    const final = Buffer.from(clientFinal('SCRAM-SHA-512', password, bare, serverFirst));
    if (ok) {
      assert.match(server.evaluate(final).toString(), /^v=/);
      assert.equal(server.authenticatedUser, 'a,b=c');
    } else {
      assert.throws(() => server.evaluate(final), ScramAuthError);
    }
  }
});
