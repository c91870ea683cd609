import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CREDENTIALS_FILE, CredentialStore } from '../../src/security/credential-store.js';
import { credentialFromSaltedPassword, saltPassword } from '../../src/security/scram.js';
import { removeDir, tempDir } from '../helpers/broker.js';

test('credentials survive a reload, deletions too, and the file holds no password', async () => {
  const dir = tempDir();
  try {
    const salt = Buffer.from('salty');
    const credential = credentialFromSaltedPassword('SCRAM-SHA-512', salt, saltPassword('SCRAM-SHA-512', 'hunter2', salt, 4096), 4096);
    const store = new CredentialStore(dir);
    await store.load();
    await store.apply([
      { user: 'alice', mechanism: 'SCRAM-SHA-512', credential },
      { user: 'alice', mechanism: 'SCRAM-SHA-256', credential },
      { user: 'bob', mechanism: 'SCRAM-SHA-512', credential },
    ]);
    await store.apply([{ user: 'bob', mechanism: 'SCRAM-SHA-512', credential: null }]);
    const text = readFileSync(join(dir, CREDENTIALS_FILE), 'utf8');
    assert.doesNotMatch(text, /hunter2/);
    const reloaded = new CredentialStore(dir);
    await reloaded.load();
    assert.deepEqual(reloaded.get('alice', 'SCRAM-SHA-512'), credential);
    assert.equal(reloaded.get('bob', 'SCRAM-SHA-512'), undefined);
    assert.deepEqual([...reloaded.list().keys()], ['alice']);
  } finally {
    removeDir(dir);
  }
});

test('a memory-only store keeps credentials without a file', async () => {
  const store = new CredentialStore(null);
  await store.load();
  const credential = { salt: Buffer.from('s'), storedKey: Buffer.from('k'), serverKey: Buffer.from('v'), iterations: 4096 };
  await store.apply([{ user: 'u', mechanism: 'SCRAM-SHA-256', credential }]);
  assert.equal(store.get('u', 'SCRAM-SHA-256'), credential);
});
