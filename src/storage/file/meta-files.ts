/**
 * Kafka's small identity files, so tools that look at a Kafka data dir recognise this one.
 *
 * `meta.properties` at the data dir root (Java properties, KRaft version 1), written once, when
 * the broker first asks for the cluster id (LogStore.clusterId):
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

/** Reads meta.properties, or null if there is none yet. */
export async function readMetaProperties(dataDir: string): Promise<Record<string, string> | null> {
  const text = await readTextIfExists(path.join(dataDir, META_PROPERTIES_FILE));
  return text === null ? null : parseProperties(text);
}

/** Creates meta.properties (atomically) for a new data dir and returns its key/values. */
export async function writeMetaProperties(
  ops: FileOps,
  dataDir: string,
  nodeId: number,
  clusterId: string,
  nowMs: number,
): Promise<Record<string, string>> {
  const props = {
    'node.id': String(nodeId),
    'directory.id': randomUuidBase64(),
    version: '1',
    'cluster.id': clusterId,
  };
  const body = ['#', `#${new Date(nowMs).toString()}`, ...Object.entries(props).map(([k, v]) => `${k}=${v}`)];
  await writeFileAtomic(ops, path.join(dataDir, META_PROPERTIES_FILE), body.join('\n') + '\n');
  return props;
}

export async function writePartitionMetadata(ops: FileOps, partitionDir: string, topicId: string): Promise<void> {
  await writeFileAtomic(ops, path.join(partitionDir, PARTITION_METADATA_FILE), `version: 0\ntopic_id: ${topicId}\n`);
}
