/** The Streams examples run as shipped (their demo mode starts its own embedded broker). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const examples = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

/** Runs an example's demo; returns its tab-separated output lines as a map (or the raw lines). */
function runExample(name: string): { lines: string[]; table: Map<string, string> } {
  const run = spawnSync(process.execPath, [join(examples, `${name}.js`)], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  return { lines, table: new Map(lines.filter((l) => l.includes('\t')).map((l) => [l.slice(0, l.indexOf('\t')), l.slice(l.indexOf('\t') + 1)])) };
}

test('examples/word-count counts the words of its demo input across 3 partitions', () => {
  const { table } = runExample('word-count');
  assert.equal(table.get('streams'), '2');
  assert.equal(table.get('sea'), '2');
  assert.equal(table.get('to'), '1');
});

test('examples/page-views emits one final count per page per minute, late views within grace included', () => {
  const { table } = runExample('page-views');
  assert.deepEqual(Object.fromEntries(table), {
    '/cart@2026-01-01T12:00:00.000Z': '2',
    '/home@2026-01-01T12:00:00.000Z': '2',
    '/home@2026-01-01T12:01:00.000Z': '1',
  });
});

test('examples/orders-payments joins orders with payments in a window and adds customer names', () => {
  const { lines } = runExample('orders-payments');
  assert.deepEqual(lines, ['Ann: 30 PAID', 'Ann: 8 SHORT', 'Bob: 12 UNPAID']);
});

test('examples/cdc-table materialises the latest row per key from change events', () => {
  const { table } = runExample('cdc-table');
  assert.deepEqual(Object.fromEntries(table), { '1': 'Ann\tNO', '2': 'Bob B.\tSE', tombstones: '1' });
});
