import { test } from 'node:test';
import assert from 'node:assert/strict';
import { authenticatePlain, parsePlainUsers, PlainAuthError } from '../../src/security/plain.js';

const users = parsePlainUsers('alice:secret, bob:pa:ss');

test('sasl.plain.users parses user:password pairs; a password may contain a colon', () => {
  assert.deepEqual([...users], [['alice', 'secret'], ['bob', 'pa:ss']]);
  assert.equal(parsePlainUsers(null).size, 0);
  assert.throws(() => parsePlainUsers('alice'), /user:password/);
});

test('PLAIN accepts the right password, with or without an authzid equal to the user', () => {
  assert.equal(authenticatePlain(Buffer.from('\u0000alice\u0000secret'), users), 'alice');
  assert.equal(authenticatePlain(Buffer.from('bob\u0000bob\u0000pa:ss'), users), 'bob');
});

test('PLAIN refuses wrong passwords, unknown users, other authzids and malformed tokens', () => {
  for (const token of ['\u0000alice\u0000wrong', '\u0000carol\u0000secret', 'bob\u0000alice\u0000secret', '', 'alice', '\u0000\u0000', '\u0000alice\u0000secret\u0000x']) {
    assert.throws(() => authenticatePlain(Buffer.from(token), users), PlainAuthError, JSON.stringify(token));
  }
});
