import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { FileOffsetStore, stableJson } from '../../src/connect/runtime/offset-store.js';
import { tempDir, removeDir } from '../helpers/broker.js';

test('file offsets survive a reopen, keyed by connector and partition', async () => {
  const dir = tempDir('brook-offsets-');
  try {
    const path = join(dir, 'offsets');
    const store = new FileOffsetStore(path);
    store.set('a', [{ partition: { file: 'x', n: 1 }, offset: { position: 10 } }]);
    store.set('a', [{ partition: { n: 1, file: 'x' }, offset: { position: 20 } }]);
    store.set('b', [{ partition: { file: 'x', n: 1 }, offset: { position: 5 } }]);
    assert.equal(existsSync(path), false, 'nothing written before flush');
    await store.flush();
    const reopened = new FileOffsetStore(path);
    assert.deepEqual(reopened.get('a', { file: 'x', n: 1 }), { position: 20 }, 'key order does not matter');
    assert.deepEqual(reopened.list('b'), [{ partition: { file: 'x', n: 1 }, offset: { position: 5 } }]);
    reopened.remove('a');
    await reopened.flush();
    assert.equal(new FileOffsetStore(path).get('a', { file: 'x', n: 1 }), null);
    assert.equal(existsSync(path + '.tmp'), false);
  } finally {
    removeDir(dir);
  }
});

test('stableJson sorts keys at every level', () => {
  assert.equal(stableJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } }), '{"a":{"c":null,"d":[1,{"y":2,"z":1}]},"b":1}');
});
