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
// A hung test fails at the per-test timeout; a test file that never exits fails the whole run at the
// overall deadline instead of hanging CI. (Not --test-force-exit: it ends a file as soon as the tests
// registered so far are done, silently dropping tests that a file registers later.)
const timeoutMs = process.env.BROOK_TEST_TIMEOUT_MS ?? '180000';
const runTimeoutMs = Number(process.env.BROOK_TEST_RUN_TIMEOUT_MS ?? 25 * 60 * 1000);
const result = spawnSync(
  process.execPath,
  ['--test', `--test-timeout=${timeoutMs}`, `--test-concurrency=${concurrency}`, ...files],
  { stdio: 'inherit', timeout: runTimeoutMs, killSignal: 'SIGKILL' },
);
if (result.error || result.signal) {
  console.error(`test run did not finish within ${runTimeoutMs} ms (${result.error?.message ?? result.signal}): a test file left handles open`);
  process.exit(1);
}
process.exit(result.status ?? 1);
