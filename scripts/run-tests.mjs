#!/usr/bin/env node
// Runs `node --test` on the compiled test files under dist/test (or the folders given as arguments),
// listing them ourselves because Node 20 and Node 22+ read directory and glob arguments differently.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir, out) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const roots = process.argv.slice(2);
const files = (roots.length ? roots : ['dist/test']).flatMap((root) =>
  statSync(root).isDirectory() ? collect(root, []) : [root],
);
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.BROOK_TEST_CONCURRENCY ?? '2';
// A test file whose handles outlive its tests must not hang the run: force exit once its tests
// are done, and fail any single test that takes longer than the timeout.
const timeoutMs = process.env.BROOK_TEST_TIMEOUT_MS ?? '180000';
const result = spawnSync(
  process.execPath,
  ['--test', '--test-force-exit', `--test-timeout=${timeoutMs}`, `--test-concurrency=${concurrency}`, ...files],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
