import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PluginRegistry } from '../../src/connect/runtime/plugins.js';
import { tempDir, removeDir } from '../helpers/broker.js';

const PLUGIN = `
export class GreetingSourceConnector {
  type = 'source';
  version() { return '2.1'; }
  config() { return { validate: () => ({ errorCount: 0, configs: [] }) }; }
  initialize() {}
  start() {}
  taskClass() { return class {}; }
  taskConfigs(n) { return [{}]; }
  stop() {}
}
export const notAConnector = 42;
`;

test('plugins are loaded from plugin.path and found by full, simple or short name', async () => {
  const dir = tempDir('brook-plugins-');
  try {
    writeFileSync(join(dir, 'greeting.mjs'), PLUGIN);
    mkdirSync(join(dir, 'nested'));
    writeFileSync(join(dir, 'nested', 'index.js'), PLUGIN.replaceAll('GreetingSource', 'NestedSink').replace("'source'", "'sink'"));
    const registry = new PluginRegistry();
    await registry.loadPath(` ${dir} `);
    assert.ok(registry.find('GreetingSourceConnector'));
    assert.ok(registry.find('GreetingSource'));
    assert.equal(registry.create('NestedSink')!.type, 'sink');
    assert.deepEqual(registry.list().find((p) => p.class === 'GreetingSourceConnector'), { class: 'GreetingSourceConnector', type: 'source', version: '2.1' });
    assert.equal(registry.find('notAConnector'), undefined);
  } finally {
    removeDir(dir);
  }
});

test('built-ins are there; a missing plugin dir or broken module is an error naming it', async () => {
  const registry = new PluginRegistry();
  assert.equal(registry.create('org.apache.kafka.connect.file.FileStreamSinkConnector')!.type, 'sink');
  assert.equal(registry.create('FileStreamSource')!.type, 'source');
  assert.ok(registry.find('HttpSink'));
  await assert.rejects(registry.loadPath('/nonexistent/brook-plugins'), /nonexistent/);
  const dir = tempDir('brook-plugins-');
  try {
    writeFileSync(join(dir, 'broken.mjs'), 'export const x = ;');
    await assert.rejects(new PluginRegistry().loadPath(dir), /broken\.mjs/);
  } finally {
    removeDir(dir);
  }
});
