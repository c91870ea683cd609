/**
 * The topic catalogue, `brook-topics.json` at the data dir root (replaced atomically: temp file,
 * fsync, rename, fsync dir):
 *
 *   {
 *     "version": 1,
 *     "topics": [
 *       { "name": "orders", "topicId": "<Kafka Uuid, base64url>", "partitionCount": 3,
 *         "configs": { "retention.ms": "86400000" } }
 *     ]
 *   }
 *
 * Kafka keeps this in its metadata log; a single node only needs the latest snapshot.
 */
import * as path from 'node:path';
import type { TopicRecord } from '../types.js';
import type { FileOps } from './fs-ops.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';

export const CATALOG_FILE = 'brook-topics.json';
const VERSION = 1;

export async function readCatalog(dataDir: string): Promise<TopicRecord[]> {
  const text = await readTextIfExists(path.join(dataDir, CATALOG_FILE));
  if (text === null) return [];
  const parsed = JSON.parse(text) as { version?: number; topics?: TopicRecord[] };
  if (parsed.version !== VERSION || !Array.isArray(parsed.topics)) {
    throw new Error(`${path.join(dataDir, CATALOG_FILE)}: unsupported catalogue version ${parsed.version}`);
  }
  return parsed.topics.map((t) => ({
    name: t.name,
    topicId: t.topicId,
    partitionCount: t.partitionCount,
    configs: { ...t.configs },
  }));
}

export async function writeCatalog(ops: FileOps, dataDir: string, topics: TopicRecord[]): Promise<void> {
  const body = { version: VERSION, topics };
  await writeFileAtomic(ops, path.join(dataDir, CATALOG_FILE), JSON.stringify(body, null, 2) + '\n');
}
