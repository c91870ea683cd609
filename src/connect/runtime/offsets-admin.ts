/**
 * KIP-875: altering and resetting a connector's offsets through the REST API
 * (`PATCH` / `DELETE /connectors/{name}/offsets`), allowed only while the connector is STOPPED so no
 * task can overwrite them. Sources: entries in the worker's offset store (null offset = forget the
 * partition). Sinks: the connector's consumer group offsets, `{kafka_topic, kafka_partition}` ->
 * `{kafka_offset}` (null = delete the committed offset).
 */
import { Admin } from '../../client/index.js';
import type { SourceOffset, SourcePartition } from '../api.js';
import { ConnectRestError } from './errors.js';
import type { OffsetStore } from './offset-store.js';
import { sinkGroupId } from './task-factory.js';

export interface OffsetChange {
  partition: Record<string, unknown>;
  offset: Record<string, unknown> | null;
}

export interface ConnectorOffsetsTarget {
  name: string;
  type: 'source' | 'sink' | 'unknown';
  stopped: boolean;
  offsets: OffsetStore;
  bootstrapServers: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates a PATCH body: `{"offsets": [{"partition": {...}, "offset": {...} | null}, ...]}`. */
export function parseOffsetChanges(body: unknown, type: ConnectorOffsetsTarget['type']): OffsetChange[] {
  if (!isObject(body) || !Array.isArray(body['offsets'])) throw new ConnectRestError(400, 'The request body must contain an "offsets" array');
  const changes = body['offsets'] as unknown[];
  if (changes.length === 0) throw new ConnectRestError(400, 'The "offsets" array must not be empty');
  return changes.map((c) => {
    if (!isObject(c) || !isObject(c['partition'])) throw new ConnectRestError(400, 'Each offset entry needs a "partition" object');
    const offset = c['offset'] ?? null;
    if (offset !== null && !isObject(offset)) throw new ConnectRestError(400, 'An entry\'s "offset" must be an object or null');
    if (type === 'sink') checkSinkEntry(c['partition'], offset);
    return { partition: c['partition'], offset };
  });
}

function checkSinkEntry(partition: Record<string, unknown>, offset: Record<string, unknown> | null): void {
  if (typeof partition['kafka_topic'] !== 'string' || partition['kafka_topic'] === '') throw new ConnectRestError(400, 'Sink connector partitions need a string "kafka_topic"');
  if (!Number.isInteger(partition['kafka_partition']) || (partition['kafka_partition'] as number) < 0) throw new ConnectRestError(400, 'Sink connector partitions need a non-negative integer "kafka_partition"');
  if (offset !== null && (!Number.isInteger(offset['kafka_offset']) || (offset['kafka_offset'] as number) < 0)) throw new ConnectRestError(400, 'Sink connector offsets need a non-negative integer "kafka_offset"');
}

function requireStopped(t: ConnectorOffsetsTarget): void {
  if (!t.stopped) {
    throw new ConnectRestError(
      400,
      `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${t.name}/stop' endpoint`,
    );
  }
}

export async function alterConnectorOffsets(t: ConnectorOffsetsTarget, body: unknown): Promise<{ message: string }> {
  requireStopped(t);
  const changes = parseOffsetChanges(body, t.type);
  if (t.type === 'sink') await alterSinkOffsets(t, changes);
  else {
    t.offsets.set(t.name, changes.map((c) => ({ partition: c.partition as SourcePartition, offset: c.offset as SourceOffset | null })));
    await t.offsets.flush();
  }
  return { message: 'The offsets for this connector have been altered successfully' };
}

export async function resetConnectorOffsets(t: ConnectorOffsetsTarget): Promise<{ message: string }> {
  requireStopped(t);
  if (t.type === 'sink') {
    await withAdmin(t, async (admin) => {
      const committed = await admin.fetchGroupOffsets(sinkGroupId(t.name));
      await admin.deleteGroupOffsets(sinkGroupId(t.name), committed.filter((c) => c.offset >= 0));
    });
  } else {
    t.offsets.remove(t.name);
    await t.offsets.flush();
  }
  return { message: 'The offsets for this connector have been reset successfully' };
}

async function alterSinkOffsets(t: ConnectorOffsetsTarget, changes: OffsetChange[]): Promise<void> {
  const tp = (c: OffsetChange) => ({ topic: c.partition['kafka_topic'] as string, partition: c.partition['kafka_partition'] as number });
  await withAdmin(t, async (admin) => {
    const set = changes.filter((c) => c.offset !== null).map((c) => ({ ...tp(c), offset: c.offset!['kafka_offset'] as number }));
    if (set.length > 0) await admin.setGroupOffsets(sinkGroupId(t.name), set);
    await admin.deleteGroupOffsets(sinkGroupId(t.name), changes.filter((c) => c.offset === null).map(tp));
  });
}

async function withAdmin(t: ConnectorOffsetsTarget, fn: (admin: Admin) => Promise<void>): Promise<void> {
  const admin = new Admin({ bootstrapServers: t.bootstrapServers });
  try {
    await fn(admin);
  } finally {
    await admin.close();
  }
}
