// Runs the real `brook` executable. These paths all fail or finish before the broker is
// needed, so they work whether or not src/broker is built.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function brook(...args: string[]) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test('the executable starts with a node shebang', () => {
  assert.match(readFileSync(MAIN, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('a bad --set value exits 2 with one line naming the key, no stack trace', () => {
  const { code, stdout, stderr } = brook('start', '--set', 'num.partitions=abc');
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, 'brook: Invalid value abc for configuration num.partitions: Not a number of type INT\n');
});

test('a bad value in a --config file exits 2 naming the key', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'brook-cli-'));
  try {
    const file = path.join(dir, 'server.properties');
    writeFileSync(file, '# broker\nlog.retention.hours=168\nlog.message.timestamp.type=Whenever\n');
    const { code, stderr } = brook('start', '--config', file);
    assert.equal(code, 2);
    assert.equal(stderr.trim().split('\n').length, 1);
    assert.match(stderr, /^brook: Invalid value Whenever for configuration log.message.timestamp.type: String must be one of: CreateTime, LogAppendTime\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('--set without = exits 2 with a clear message', () => {
  const { code, stderr } = brook('start', '--set', 'foo');
  assert.equal(code, 2);
  assert.match(stderr, /^brook: option '--set <key=value>' argument 'foo' is invalid\. Expected key=value/);
  assert.equal(stderr.trim().split('\n').length, 1);
});

test('--version prints the package version', () => {
  const pkg = JSON.parse(readFileSync(fileURLToPath(new URL('../../../package.json', import.meta.url)), 'utf8')) as { version: string };
  const { code, stdout } = brook('--version');
  assert.equal(code, 0);
  assert.equal(stdout.trim(), pkg.version);
});

test('--help lists the start command, start --help lists its options', () => {
  const top = brook('--help');
  assert.equal(top.code, 0);
  assert.match(top.stdout, /start \[options\]/);
  const start = brook('start', '--help');
  assert.equal(start.code, 0);
  for (const flag of ['--port', '--host', '--data-dir', '--config', '--set', '--storage', '--log-format', '--log-level']) {
    assert.ok(start.stdout.includes(flag), flag);
  }
});
