/**
 * Dynamic broker configs on disk: `brook-broker-configs.json` at the data dir root, replaced
 * atomically (temp file, fsync, rename, fsync dir) before a change is acknowledged:
 *
 *   {
 *     "version": 1,
 *     "clusterDefault": { "log.retention.ms": "86400000" },
 *     "brokers": { "1": { "log.cleaner.backoff.ms": "5000" } }
 *   }
 *
 * `clusterDefault` holds the cluster-wide defaults (resource BROKER, name ""), `brokers` each
 * node id's own values (resource BROKER, name "<id>"): values are the strings AlterConfigs gave.
 * Kafka keeps these as ConfigRecords in its metadata log; one node only needs the latest state.
 * No file means no dynamic configs. A memory-store broker keeps them in memory only.
 */
import * as path from 'node:path';
import { readTextIfExists, writeFileAtomic } from '../storage/file/atomic-file.js';
import { nodeFileOps } from '../storage/file/fs-ops.js';

export const DYNAMIC_CONFIG_FILE = 'brook-broker-configs.json';
const VERSION = 1;

export interface DynamicConfigFile {
  clusterDefault: Record<string, string>;
  /** By node id. */
  brokers: Record<string, Record<string, string>>;
}

export async function readDynamicConfigFile(dataDir: string): Promise<DynamicConfigFile> {
  const file = path.join(dataDir, DYNAMIC_CONFIG_FILE);
  const text = await readTextIfExists(file);
  if (text === null) return { clusterDefault: {}, brokers: {} };
  const parsed = JSON.parse(text) as { version?: number; clusterDefault?: unknown; brokers?: unknown };
  if (parsed.version !== VERSION) throw new Error(`${file}: unsupported version ${String(parsed.version)}`);
  const brokers: Record<string, Record<string, string>> = {};
  for (const [id, values] of Object.entries(asObject(parsed.brokers, file))) brokers[id] = stringsOf(values, file);
  return { clusterDefault: stringsOf(parsed.clusterDefault, file), brokers };
}

export async function writeDynamicConfigFile(dataDir: string, data: DynamicConfigFile): Promise<void> {
  const body = JSON.stringify({ version: VERSION, clusterDefault: data.clusterDefault, brokers: data.brokers }, null, 2);
  await writeFileAtomic(nodeFileOps, path.join(dataDir, DYNAMIC_CONFIG_FILE), body + '\n');
}

function asObject(value: unknown, file: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${file}: malformed`);
  return value as Record<string, unknown>;
}

function stringsOf(value: unknown, file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(asObject(value, file))) {
    if (typeof v !== 'string') throw new Error(`${file}: value of ${k} is not a string`);
    out[k] = v;
  }
  return out;
}
