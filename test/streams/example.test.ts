/** The word-count example runs as shipped (its demo mode starts its own embedded broker). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const example = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples', 'word-count.js');

test('examples/word-count counts the words of its demo input', () => {
  const run = spawnSync(process.execPath, [example], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  const counts = new Map(run.stdout.trim().split('\n').filter((l) => l.includes('\t')).map((l) => l.split('\t') as [string, string]));
  assert.equal(counts.get('streams'), '2');
  assert.equal(counts.get('sea'), '2');
  assert.equal(counts.get('to'), '1');
});
