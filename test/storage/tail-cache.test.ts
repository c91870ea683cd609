/** The tail cache: bounded, but never drops bytes that are not on disk yet. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { TailCache, TailCacheBudget } from '../../src/storage/file/tail-cache.js';
import { makeSeededBatch } from './batches.js';

function chunk(seed: number): Buffer {
  return makeSeededBatch(seed, 1, 100);
}

describe('TailCache', () => {
  it('keeps unwritten chunks whatever its bound, evicts written ones oldest first', () => {
    const cache = new TailCache(0, null);
    cache.push(0, 1, chunk(0), 0);
    cache.push(1, 2, chunk(1), 0);
    assert.equal(cache.firstOffset, 0, 'nothing is written yet');
    assert.ok(cache.read(0, { maxBytes: 1 << 20, minOneBatch: true })!.bytes > 0);
    cache.markWritten(1);
    assert.equal(cache.firstOffset, 1);
    assert.equal(cache.read(0, { maxBytes: 1 << 20, minOneBatch: true }), null);
    cache.markWritten(2);
    assert.equal(cache.firstOffset, Infinity);
    assert.equal(cache.bytes, 0);
  });

  it('shares a global budget across partitions', () => {
    const size = chunk(0).length;
    const budget = new TailCacheBudget(size * 3);
    const a = new TailCache(size * 10, budget);
    const b = new TailCache(size * 10, budget);
    for (let i = 0; i < 3; i++) a.push(i, i + 1, chunk(i), 0);
    a.markWritten(3);
    assert.equal(budget.usedBytes, size * 3);
    b.push(0, 1, chunk(9), 0);
    b.push(1, 2, chunk(10), 0);
    assert.ok(budget.usedBytes <= size * 3 + size * 2);
    assert.equal(a.bytes, size, 'partition a gave up two chunks for b');
    assert.equal(b.bytes, size * 2, 'unwritten chunks of b stay');
    a.clear();
    b.clear();
    assert.equal(budget.usedBytes, 0);
  });
});
