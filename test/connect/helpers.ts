/** Shared helpers for the Connect tests: a worker config, waiting for a file's lines, REST calls. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '../../src/log/logger.js';
import { startStandalone, type RunningConnect } from '../../src/connect/standalone.js';

export const silent = createLogger({ level: 'silent' });

export function workerConfig(bootstrapServers: string, dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    'bootstrap.servers': bootstrapServers,
    'offset.storage.file.filename': join(dir, 'connect.offsets'),
    'offset.flush.interval.ms': '100',
    listeners: 'http://127.0.0.1:0',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    ...extra,
  };
}

export function startWorker(worker: Record<string, string>, connectors: Array<Record<string, string>> = []): Promise<RunningConnect> {
  return startStandalone({ workerConfig: worker, connectorConfigs: connectors, logger: silent, pollTimeoutMs: 100 });
}

export function lines(path: string): string[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '');
}

/** Polls `check` every 20 ms until it returns true; fails with `what` after limitMs. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function call(base: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}
