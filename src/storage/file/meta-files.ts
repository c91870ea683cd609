/**
 * Kafka's small identity files, so tools that look at a Kafka data dir recognise this one.
 *
 * `meta.properties` at the data dir root (Java properties, KRaft version 1), written once:
 *
 *   #
 *   #<date>
 *   node.id=1
 *   directory.id=<Kafka Uuid, base64url>
 *   version=1
 *   cluster.id=<cluster id>
 *
 * `partition.metadata` in each partition dir (Kafka's PartitionMetadataFile), written when the
 * partition dir is created and its topic id is known:
 *
 *   version: 0
 *   topic_id: <Kafka Uuid, base64url>
 */
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import type { FileOps } from './fs-ops.js';
import { readTextIfExists, writeFileAtomic } from './atomic-file.js';

export const META_PROPERTIES_FILE = 'meta.properties';
export const PARTITION_METADATA_FILE = 'partition.metadata';

/** A random Kafka Uuid in its base64url form (16 bytes, no padding). */
export function randomUuidBase64(): string {
  return randomBytes(16).toString('base64url');
}

export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || !line.includes('=')) continue;
    const eq = line.indexOf('=');
    out[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  return out;
}

/** Reads meta.properties, creating it first if missing. */
export async function ensureMetaProperties(
  ops: FileOps,
  dataDir: string,
  nodeId: number,
  clusterId: string | undefined,
  nowMs: number,
): Promise<Record<string, string>> {
  const file = path.join(dataDir, META_PROPERTIES_FILE);
  const existing = await readTextIfExists(file);
  if (existing !== null) return parseProperties(existing);
  const props = {
    'node.id': String(nodeId),
    'directory.id': randomUuidBase64(),
    version: '1',
    'cluster.id': clusterId ?? randomUuidBase64(),
  };
  const body = ['#', `#${new Date(nowMs).toString()}`, ...Object.entries(props).map(([k, v]) => `${k}=${v}`)];
  await writeFileAtomic(ops, file, body.join('\n') + '\n');
  return props;
}

export async function writePartitionMetadata(ops: FileOps, partitionDir: string, topicId: string): Promise<void> {
  await writeFileAtomic(ops, path.join(partitionDir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${topicId}\n`);
}
