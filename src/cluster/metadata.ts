/**
 * A broker's local copy of the cluster metadata in etcd (keys.ts), kept current by one watch.
 * Pure: it applies key changes and tells its listener what changed; it never talks to etcd.
 * Every broker serves Metadata, FindCoordinator and DescribeCluster from it.
 */
import type { BrokerEndpoint, PartitionState } from './contract.js';
import {
  ClusterKeys,
  decodeJson,
  isBroker,
  isPartition,
  isTopic,
  type TopicDescriptor,
} from './keys.js';

export interface StoredPartition {
  state: PartitionState;
  /** etcd mod revision of the key: the CAS token of the next write. */
  modRevision: string;
}

export interface StoredTopic {
  topic: TopicDescriptor;
  modRevision: string;
}

export interface MetadataListener {
  brokersChanged?(): void;
  controllerChanged?(controllerId: number): void;
  topicChanged?(name: string, topic: TopicDescriptor | null): void;
  partitionChanged?(state: PartitionState): void;
}

export class ClusterMetadata {
  readonly brokers = new Map<number, BrokerEndpoint>();
  readonly topics = new Map<string, StoredTopic>();
  /** topic -> partition index -> state. Partition keys may arrive before their topic key. */
  readonly partitions = new Map<string, Map<number, StoredPartition>>();
  controllerId = -1;
  /** The etcd revision this copy reflects (everything up to it has been applied). */
  revision = 0n;
  private listener: MetadataListener = {};

  constructor(readonly keys: ClusterKeys) {}

  setListener(listener: MetadataListener): void {
    this.listener = listener;
  }

  /** Forgets everything (before a full re-read after a lost watch). */
  clear(): void {
    this.brokers.clear();
    this.topics.clear();
    this.partitions.clear();
    this.controllerId = -1;
  }

  /** Applies one key's new value (null: deleted). Returns false for keys it does not know. */
  apply(key: string, value: Buffer | null, modRevision: string): boolean {
    const parsed = this.keys.parse(key);
    if (!parsed) return false;
    switch (parsed.kind) {
      case 'controller': {
        const v = value === null ? null : decodeJson<{ nodeId: number }>(value, (x) => typeof x?.nodeId === 'number');
        const id = v?.nodeId ?? -1;
        if (id !== this.controllerId) {
          this.controllerId = id;
          this.listener.controllerChanged?.(id);
        }
        return true;
      }
      case 'broker': {
        const v = value === null ? null : decodeJson<BrokerEndpoint>(value, isBroker);
        if (v) this.brokers.set(parsed.nodeId, { nodeId: parsed.nodeId, host: v.host, port: v.port, rack: v.rack ?? null });
        else this.brokers.delete(parsed.nodeId);
        this.listener.brokersChanged?.();
        return true;
      }
      case 'topic': {
        const v = value === null ? null : decodeJson<TopicDescriptor>(value, isTopic);
        if (v) this.topics.set(parsed.topic, { topic: { ...v, configs: v.configs ?? {} }, modRevision });
        else this.topics.delete(parsed.topic);
        this.listener.topicChanged?.(parsed.topic, v ? this.topics.get(parsed.topic)!.topic : null);
        return true;
      }
      case 'partition': {
        const v = value === null ? null : decodeJson<PartitionState>(value, isPartition);
        let byIndex = this.partitions.get(parsed.topic);
        if (!v) {
          byIndex?.delete(parsed.partition);
          if (byIndex?.size === 0) this.partitions.delete(parsed.topic);
          return true;
        }
        if (!byIndex) this.partitions.set(parsed.topic, (byIndex = new Map()));
        byIndex.set(parsed.partition, { state: v, modRevision });
        this.listener.partitionChanged?.(v);
        return true;
      }
    }
  }

  partition(topic: string, partition: number): StoredPartition | undefined {
    return this.partitions.get(topic)?.get(partition);
  }

  /** The partition states of a topic in index order (only those etcd holds). */
  partitionStates(topic: string): PartitionState[] {
    const byIndex = this.partitions.get(topic);
    if (!byIndex) return [];
    return [...byIndex.values()].map((p) => p.state).sort((a, b) => a.partition - b.partition);
  }

  isLive(nodeId: number): boolean {
    return this.brokers.has(nodeId);
  }

  liveBrokers(): BrokerEndpoint[] {
    return [...this.brokers.values()].sort((a, b) => a.nodeId - b.nodeId);
  }
}
