/**
 * Resetting a consumer group's committed offsets, as `kafka-consumer-groups --reset-offsets`
 * does: to the earliest or latest offset, to a given offset (clamped into the partition's range,
 * as Kafka's tool does), or to the first offset at or after a time. Only an empty group may be
 * reset: a running consumer would overwrite the offsets with its own next commit, and Kafka
 * refuses commits from outside a live generation anyway.
 *
 * Written once over the few calls it needs (ResetOps), so every ClusterClient shares it.
 */
import { ClusterRequestError } from './cluster-client.js';

export type ResetTarget =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'offset'; offset: number }
  | { kind: 'timestamp'; timestampMs: number };

export interface ResetOffsetsRequest {
  groupId: string;
  /** null: every topic the group has committed offsets for. */
  topic: string | null;
  /** null: every partition of the topic(s). */
  partitions: number[] | null;
  to: ResetTarget;
}

export interface ResetOffset {
  topic: string;
  partition: number;
  /** -1 when the group had no committed offset there. */
  previousOffset: number;
  offset: number;
}

export interface ResetOffsetsResult {
  groupId: string;
  offsets: ResetOffset[];
}

/** Per partition: the offset for earliest, latest, or a timestamp (-1 when nothing is that new). */
export type OffsetSpec = 'earliest' | 'latest' | { timestampMs: number };

export interface ResetOps {
  /** null when the coordinator does not know the group. */
  describeGroup(groupId: string): Promise<{ state: string; members: number } | null>;
  committedOffsets(groupId: string): Promise<{ topic: string; partition: number; offset: number }[]>;
  /** Partition ids of a topic; null when it does not exist. */
  partitions(topic: string): Promise<number[] | null>;
  listOffsets(topic: string, spec: OffsetSpec): Promise<Map<number, number>>;
  commit(groupId: string, offsets: { topic: string; partition: number; offset: number }[]): Promise<void>;
}

const RESETTABLE_STATES = new Set(['Empty', 'Dead']);

export async function resetGroupOffsets(ops: ResetOps, request: ResetOffsetsRequest): Promise<ResetOffsetsResult> {
  const { groupId } = request;
  const group = await ops.describeGroup(groupId);
  if (!group) throw new ClusterRequestError(`consumer group '${groupId}' does not exist`, 404);
  if (group.members > 0 || !RESETTABLE_STATES.has(group.state)) {
    throw new ClusterRequestError(
      `consumer group '${groupId}' has ${group.members} active member(s) (state ${group.state}): stop its consumers before resetting offsets`,
      409,
    );
  }
  const committed = await ops.committedOffsets(groupId);
  const previous = new Map(committed.map((c) => [`${c.topic}\0${c.partition}`, c.offset]));
  const topics = request.topic !== null ? [request.topic] : [...new Set(committed.map((c) => c.topic))].sort();
  if (topics.length === 0) throw new ClusterRequestError(`consumer group '${groupId}' has no committed offsets: name the topic to reset`, 400);
  const offsets: ResetOffset[] = [];
  for (const topic of topics) {
    const all = await ops.partitions(topic);
    if (!all) throw new ClusterRequestError(`topic '${topic}' does not exist`, 404);
    const missing = request.partitions?.find((p) => !all.includes(p));
    if (missing !== undefined) throw new ClusterRequestError(`topic '${topic}' has no partition ${missing}`, 404);
    // With every topic chosen, only partitions the group has offsets for are moved.
    const chosen = request.partitions ?? (request.topic === null ? all.filter((p) => previous.has(`${topic}\0${p}`)) : all);
    const targets = await targetOffsets(ops, topic, request.to);
    for (const partition of [...chosen].sort((a, b) => a - b)) {
      const offset = targets.get(partition);
      if (offset === undefined || offset < 0) throw new ClusterRequestError(`no offset found for ${topic}-${partition}`, 502);
      offsets.push({ topic, partition, previousOffset: previous.get(`${topic}\0${partition}`) ?? -1, offset });
    }
  }
  await ops.commit(groupId, offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
  return { groupId, offsets };
}

async function targetOffsets(ops: ResetOps, topic: string, to: ResetTarget): Promise<Map<number, number>> {
  if (to.kind === 'earliest' || to.kind === 'latest') return ops.listOffsets(topic, to.kind);
  const [low, high] = await Promise.all([ops.listOffsets(topic, 'earliest'), ops.listOffsets(topic, 'latest')]);
  const out = new Map<number, number>();
  if (to.kind === 'offset') {
    for (const [p, h] of high) out.set(p, Math.min(Math.max(to.offset, low.get(p) ?? 0), h));
    return out;
  }
  // Nothing at or after the time: the end of the partition (as Kafka's tool).
  const found = await ops.listOffsets(topic, { timestampMs: to.timestampMs });
  for (const [p, h] of high) {
    const at = found.get(p) ?? -1;
    out.set(p, at < 0 ? h : at);
  }
  return out;
}
