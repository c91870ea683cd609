/**
 * Random concurrent transactional runs, checked like Jepsen's Kafka workload: no lost writes,
 * no duplicates, no aborted reads, atomic transactions, offsets in order. Plus checks that the
 * checker itself catches each kind of violation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startBroker } from '../../src/broker/index.js';
import { checkHistory, type History } from './history-checker.js';
import { runWorkload } from './txn-workload.js';
import { removeDir, tempDir } from '../helpers/broker.js';

for (const seed of [1, 2, 3]) {
  test(`transactional workload, seed ${seed}: the history has no anomalies`, async () => {
    const dataDir = seed === 3 ? tempDir() : null;
    const broker = await startBroker({ host: '127.0.0.1', port: 0, storage: dataDir ? 'file' : 'memory', logLevel: 'silent', ...(dataDir ? { dataDir } : {}) });
    try {
      const { history, anomalies, groupsWithOffsets } = await runWorkload({ port: broker.port, seed, topic: `sim-${seed}`, partitions: 3, producers: 3, txnsPerProducer: 10, consumers: 2 });
      assert.deepEqual(anomalies, []);
      assert.ok(groupsWithOffsets > 0, 'some transactions committed consumer offsets');
      assert.deepEqual(checkHistory(history), []);
      const outcomes = history.txns.map((t) => t.outcome);
      assert.ok(outcomes.includes('committed') && outcomes.includes('aborted'), `outcomes ${outcomes.join(',')}`);
      assert.ok(history.consumers.at(-1)!.length > 0);
    } finally {
      await broker.stop();
      if (dataDir) removeDir(dataDir);
    }
  });
}

const base = (): History => ({
  txns: [
    { id: 'a', outcome: 'committed', writes: new Map([[0, ['a1', 'a2']]]) },
    { id: 'b', outcome: 'aborted', writes: new Map([[0, ['b1']]]) },
    { id: 'c', outcome: 'unknown', writes: new Map([[1, ['c1', 'c2']]]) },
  ],
  consumers: [[{ partition: 0, offset: 0, value: 'a1' }, { partition: 0, offset: 1, value: 'a2' }]],
});

test('the checker accepts a clean history and finds every kind of violation', () => {
  assert.deepEqual(checkHistory(base()), []);
  const kinds = (mutate: (h: History) => void) => {
    const h = base();
    mutate(h);
    return [...new Set(checkHistory(h).map((v) => v.kind))];
  };
  assert.deepEqual(kinds((h) => h.consumers[0]!.pop()), ['lost write']);
  assert.deepEqual(kinds((h) => h.consumers[0]!.push({ partition: 0, offset: 2, value: 'a2' })), ['duplicate']);
  assert.deepEqual(kinds((h) => h.consumers[0]!.push({ partition: 0, offset: 5, value: 'b1' })), ['aborted read']);
  assert.deepEqual(kinds((h) => h.consumers[0]!.push({ partition: 1, offset: 0, value: 'c1' })), ['non-atomic']);
  assert.deepEqual(kinds((h) => h.consumers[0]!.reverse()), ['out of order']);
  assert.deepEqual(kinds((h) => h.consumers.unshift([{ partition: 0, offset: 0, value: 'a2' }])), ['inconsistent']);
});
