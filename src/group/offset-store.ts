/**
 * Committed offsets, group -> topic -> partition. Each entry has two layers:
 *
 *   committed  what the log has durably: OffsetFetch reads only this (as Kafka reads at the
 *              last committed offset of its coordinator log);
 *   latest     the newest value written, including appends still in flight: deletions
 *              (DeleteGroups, OffsetDelete, expiry) read this, so a tombstone also covers a
 *              commit that is still being written before it.
 *
 * Appends to one __consumer_offsets partition resolve in call order, so settling them in order
 * makes `committed` follow the log exactly.
 *
 * Transactional offsets (TxnOffsetCommit) are a third layer, per producer id, outside these
 * entries (Kafka's pendingTransactionalOffsetCommits): written to the log as transactional records,
 * they become `committed` when the COMMIT marker reaches the group's partition and are dropped on
 * ABORT. Until then OffsetFetch with requireStable answers UNSTABLE_OFFSET_COMMIT for them.
 */
import { ENTRY_OVERHEAD_BYTES, stringBytes, type MemoryBudget } from './memory-budget.js';

export interface OffsetAndMetadata {
  offset: number;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** Set only by OffsetCommit v1-v4 with an explicit retention: the old expiry semantics. */
  expireTimestampMs: number | null;
}

interface Entry {
  committed: OffsetAndMetadata | null;
  latest: OffsetAndMetadata | null;
  inFlight: number;
  chargedBytes: number;
}

type TopicOffsets = Map<number, Entry>;
type GroupOffsets = Map<string, TopicOffsets>;

export interface OffsetRef {
  topic: string;
  partition: number;
}

interface PendingTxnOffset {
  topic: string;
  partition: number;
  value: OffsetAndMetadata;
  chargedBytes: number;
}

export class OffsetStore {
  private readonly byGroup = new Map<string, GroupOffsets>();
  /** producerId -> groupId -> `topic\0partition` -> offset written in the open transaction. */
  private readonly pendingTxn = new Map<number, Map<string, Map<string, PendingTxnOffset>>>();

  constructor(private readonly budget: MemoryBudget) {}

  /** The durable offset, or undefined. */
  get(groupId: string, topic: string, partition: number): OffsetAndMetadata | undefined {
    return this.entry(groupId, topic, partition)?.committed ?? undefined;
  }

  hasGroup(groupId: string): boolean {
    return this.byGroup.has(groupId);
  }

  /** Durable offsets of a group, topic by topic. */
  committedByTopic(groupId: string): Map<string, Map<number, OffsetAndMetadata>> {
    const out = new Map<string, Map<number, OffsetAndMetadata>>();
    for (const [topic, partitions] of this.byGroup.get(groupId) ?? []) {
      for (const [partition, entry] of partitions) {
        if (!entry.committed) continue;
        let topicOut = out.get(topic);
        if (!topicOut) out.set(topic, (topicOut = new Map()));
        topicOut.set(partition, entry.committed);
      }
    }
    return out;
  }

  /** Every partition with a latest (possibly in-flight) value: what a deletion must tombstone. */
  latestRefs(groupId: string, topic?: string): OffsetRef[] {
    const refs: OffsetRef[] = [];
    for (const [t, partitions] of this.byGroup.get(groupId) ?? []) {
      if (topic !== undefined && t !== topic) continue;
      for (const [partition, entry] of partitions) if (entry.latest) refs.push({ topic: t, partition });
    }
    return refs;
  }

  hasLatest(groupId: string, topic: string, partition: number): boolean {
    return this.entry(groupId, topic, partition)?.latest != null;
  }

  /** Settled entries (nothing in flight) with their durable value, for expiry. */
  *settled(groupId: string): Generator<[string, number, OffsetAndMetadata]> {
    for (const [topic, partitions] of this.byGroup.get(groupId) ?? []) {
      for (const [partition, entry] of partitions) {
        if (entry.inFlight === 0 && entry.committed) yield [topic, partition, entry.committed];
      }
    }
  }

  /** Whether any entry of the group has an append in flight. */
  hasInFlight(groupId: string): boolean {
    for (const partitions of this.byGroup.get(groupId)?.values() ?? []) {
      for (const entry of partitions.values()) if (entry.inFlight > 0) return true;
    }
    return false;
  }

  /** Bytes a new entry for this commit would charge (0 if the entry exists). */
  bytesToAdd(groupId: string, topic: string, partition: number, value: OffsetAndMetadata): number {
    const existing = this.entry(groupId, topic, partition);
    return entryBytes(topic, value) - (existing?.chargedBytes ?? 0);
  }

  /** Records a write (value, or null for a tombstone) whose append has just been issued. */
  begin(groupId: string, topic: string, partition: number, value: OffsetAndMetadata | null): void {
    let entry = this.entry(groupId, topic, partition);
    if (!entry) {
      if (value === null) return;
      entry = { committed: null, latest: null, inFlight: 0, chargedBytes: 0 };
      this.topicMap(groupId, topic).set(partition, entry);
    }
    entry.latest = value;
    entry.inFlight++;
    this.recharge(entry, value ? entryBytes(topic, value) : entry.chargedBytes);
  }

  /** The append issued by `begin` finished: on success the value becomes durable. */
  settle(groupId: string, topic: string, partition: number, value: OffsetAndMetadata | null, ok: boolean): void {
    const entry = this.entry(groupId, topic, partition);
    if (!entry) return;
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    if (ok) entry.committed = value;
    if (entry.inFlight === 0) entry.latest = entry.committed;
    if (entry.inFlight === 0 && entry.committed === null) this.drop(groupId, topic, partition, entry);
    else if (entry.committed) this.recharge(entry, Math.max(entry.chargedBytes, entryBytes(topic, entry.committed)));
  }

  /** Applies a replayed record (log load): durable immediately. */
  replay(groupId: string, topic: string, partition: number, value: OffsetAndMetadata | null): void {
    let entry = this.entry(groupId, topic, partition);
    if (value === null) {
      if (entry) this.drop(groupId, topic, partition, entry);
      return;
    }
    if (!entry) {
      entry = { committed: null, latest: null, inFlight: 0, chargedBytes: 0 };
      this.topicMap(groupId, topic).set(partition, entry);
    }
    entry.committed = value;
    entry.latest = value;
    this.recharge(entry, entryBytes(topic, value));
  }

  /** A transactional offset is durable in the log, pending its transaction's marker. */
  addPendingTxn(producerId: number, groupId: string, topic: string, partition: number, value: OffsetAndMetadata): void {
    let groups = this.pendingTxn.get(producerId);
    if (!groups) this.pendingTxn.set(producerId, (groups = new Map()));
    let offsets = groups.get(groupId);
    if (!offsets) groups.set(groupId, (offsets = new Map()));
    const key = `${topic}\0${partition}`;
    const chargedBytes = entryBytes(topic, value);
    this.budget.reserve(chargedBytes);
    const old = offsets.get(key);
    if (old) this.budget.release(old.chargedBytes);
    offsets.set(key, { topic, partition, value, chargedBytes });
  }

  /** Whether an undecided transaction wrote an offset for this partition of the group. */
  hasPendingTxn(groupId: string, topic: string, partition: number): boolean {
    const key = `${topic}\0${partition}`;
    for (const groups of this.pendingTxn.values()) if (groups.get(groupId)?.has(key)) return true;
    return false;
  }

  /**
   * The producer's transaction ended for the groups `inPartition` accepts (the marker's partition):
   * on commit its offsets become durable committed offsets, on abort they are dropped. Returns
   * the groups whose offsets were committed.
   */
  completeTxn(producerId: number, commit: boolean, inPartition: (groupId: string) => boolean): string[] {
    const groups = this.pendingTxn.get(producerId);
    if (!groups) return [];
    const committed: string[] = [];
    for (const [groupId, offsets] of groups) {
      if (!inPartition(groupId)) continue;
      groups.delete(groupId);
      for (const p of offsets.values()) {
        this.budget.release(p.chargedBytes);
        if (commit) this.replay(groupId, p.topic, p.partition, p.value);
      }
      if (commit) committed.push(groupId);
    }
    if (groups.size === 0) this.pendingTxn.delete(producerId);
    return committed;
  }

  /** Forgets a whole group (after its tombstones were issued). */
  dropGroup(groupId: string): void {
    for (const partitions of this.byGroup.get(groupId)?.values() ?? []) {
      for (const entry of partitions.values()) this.budget.release(entry.chargedBytes);
    }
    this.byGroup.delete(groupId);
  }

  private entry(groupId: string, topic: string, partition: number): Entry | undefined {
    return this.byGroup.get(groupId)?.get(topic)?.get(partition);
  }

  private topicMap(groupId: string, topic: string): TopicOffsets {
    let group = this.byGroup.get(groupId);
    if (!group) this.byGroup.set(groupId, (group = new Map()));
    let partitions = group.get(topic);
    if (!partitions) group.set(topic, (partitions = new Map()));
    return partitions;
  }

  private drop(groupId: string, topic: string, partition: number, entry: Entry): void {
    this.budget.release(entry.chargedBytes);
    const group = this.byGroup.get(groupId);
    const partitions = group?.get(topic);
    partitions?.delete(partition);
    if (partitions && partitions.size === 0) group!.delete(topic);
    if (group && group.size === 0) this.byGroup.delete(groupId);
  }

  private recharge(entry: Entry, bytes: number): void {
    if (bytes > entry.chargedBytes) this.budget.reserve(bytes - entry.chargedBytes);
    else this.budget.release(entry.chargedBytes - bytes);
    entry.chargedBytes = bytes;
  }
}

function entryBytes(topic: string, value: OffsetAndMetadata): number {
  return ENTRY_OVERHEAD_BYTES * 2 + stringBytes(topic) + stringBytes(value.metadata);
}
