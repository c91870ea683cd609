import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../src/protocol/errors.js';
import { SaslSession } from '../../src/security/sasl-session.js';

function session(): SaslSession {
  return new SaslSession({
    mechanisms: ['PLAIN', 'SCRAM-SHA-512'],
    plainUsers: new Map([['alice', 'secret']]),
    scramCredential: () => undefined,
    serverNonce: () => 'nonce',
  });
}

test('before authentication only ApiVersions and SaslHandshake, then only SaslAuthenticate', () => {
  const s = session();
  assert.deepEqual([0, 3, 17, 18, 36].map((k) => s.allows(k)), [false, false, true, true, false]);
  assert.deepEqual(s.handshake('PLAIN', 1), { errorCode: ErrorCode.NONE, mechanisms: ['PLAIN', 'SCRAM-SHA-512'] });
  assert.deepEqual([0, 17, 18, 36].map((k) => s.allows(k)), [false, false, false, true]);
  assert.equal(s.principal, null);
  assert.equal(s.authenticate(Buffer.from('\u0000alice\u0000secret')).errorCode, ErrorCode.NONE);
  assert.equal(s.authenticated, true);
  assert.equal(s.principal, 'User:alice');
  assert.equal(s.allows(0), true);
  // Without connections.max.reauth.ms there is no re-authentication: a second exchange is an illegal state.
  assert.equal(s.handshake('PLAIN', 1).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
  assert.equal(s.authenticate(Buffer.alloc(0)).errorCode, ErrorCode.ILLEGAL_SASL_STATE);
});

test('a wrong password fails the session for good', () => {
  const s = session();
  s.handshake('PLAIN', 1);
  const result = s.authenticate(Buffer.from('\u0000alice\u0000nope'));
  assert.equal(result.errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
  assert.match(result.errorMessage!, /invalid credentials with SASL mechanism PLAIN/);
  assert.equal(s.state, 'failed');
  assert.equal(s.principal, null);
  assert.deepEqual([0, 17, 18, 36].map((k) => s.allows(k)), [false, false, false, false]);
});

test('an unsupported mechanism answers UNSUPPORTED_SASL_MECHANISM with the enabled list', () => {
  const s = session();
  assert.deepEqual(s.handshake('GSSAPI', 1), { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, mechanisms: ['PLAIN', 'SCRAM-SHA-512'] });
  assert.equal(s.state, 'failed');
});

test('a v0 handshake switches to raw tokens; SCRAM for an unknown user fails', () => {
  const s = session();
  s.handshake('SCRAM-SHA-512', 0);
  assert.equal(s.state, 'raw');
  assert.equal(s.authenticate(Buffer.from('n,,n=bob,r=abc')).errorCode, ErrorCode.SASL_AUTHENTICATION_FAILED);
});
