/**
 * The etcd key layout of a Brook cluster, and the JSON values stored under it.
 *
 *   /brook/cluster-id                        the cluster id, created once by the first broker (CAS on create revision)
 *   /brook/<cluster id>/brokers/<node id>    {"nodeId","host","port","rack"}: a live broker, attached to its lease
 *                                            (TTL = broker.session.timeout.ms); gone when the broker dies
 *   /brook/<cluster id>/controller           {"nodeId"}: the elected controller, attached to its lease;
 *                                            created only if absent (CAS on create revision 0)
 *   /brook/<cluster id>/producer-id-block    decimal text: the first producer id not yet claimed; brokers claim
 *                                            blocks by CAS-incrementing it (Kafka's AllocateProducerIds)
 *   /brook/<cluster id>/topics/<topic>       {"name","topicId","partitionCount","configs"}: a topic; created only
 *                                            if absent, together with all its partition keys in one transaction
 *   /brook/<cluster id>/partitions/<topic>/<partition>
 *                                            PartitionState (contract.ts) as JSON; every write is a CAS on the
 *                                            key's mod revision (leader changes by the controller, ISR changes
 *                                            by the partition's leader through IsrWriter); during a
 *                                            reassignment also addingReplicas / removingReplicas
 *   /brook/<cluster id>/acls                 the cluster's ACLs, the JSON document of src/security/acl-store.ts
 *                                            ({"version":1,"acls":[{"resourceType":"TOPIC",...}]}); replaced whole by
 *                                            CreateAcls/DeleteAcls with a CAS on its mod revision (etcd-document.ts);
 *                                            every broker watches it and swaps its authorizer's set
 *   /brook/<cluster id>/scram-credentials    SCRAM credentials, the JSON of src/security/credential-store.ts
 *                                            (salt, StoredKey, ServerKey; never a password); AlterUserScramCredentials
 *   /brook/<cluster id>/client-quotas        client quotas, the JSON of src/security/quota-store.ts; AlterClientQuotas
 *                                            (both written and watched as the ACLs are)
 *
 * Topic names cannot contain '/', so `partitions/<topic>/` never prefixes another topic's keys.
 * Values are JSON so that `etcdctl get --prefix /brook` is readable when debugging.
 */
import type { BrokerEndpoint, PartitionState } from './contract.js';

export const ROOT = '/brook/';
export const CLUSTER_ID_KEY = `${ROOT}cluster-id`;

/** A topic as etcd holds it. */
export interface TopicDescriptor {
  name: string;
  topicId: string;
  partitionCount: number;
  configs: Record<string, string>;
}

export class ClusterKeys {
  readonly prefix: string;

  constructor(readonly clusterId: string) {
    this.prefix = `${ROOT}${clusterId}/`;
  }

  broker(nodeId: number): string {
    return `${this.prefix}brokers/${nodeId}`;
  }

  get controller(): string {
    return `${this.prefix}controller`;
  }

  get producerIdBlock(): string {
    return `${this.prefix}producer-id-block`;
  }

  get acls(): string {
    return `${this.prefix}acls`;
  }

  get scramCredentials(): string {
    return `${this.prefix}scram-credentials`;
  }

  get clientQuotas(): string {
    return `${this.prefix}client-quotas`;
  }

  topic(name: string): string {
    return `${this.prefix}topics/${name}`;
  }

  partitionsOf(topic: string): string {
    return `${this.prefix}partitions/${topic}/`;
  }

  partition(topic: string, partition: number): string {
    return `${this.prefix}partitions/${topic}/${partition}`;
  }

  /** What a key under the prefix names, or null for keys this version does not know. */
  parse(key: string): ParsedKey | null {
    if (!key.startsWith(this.prefix)) return null;
    const parts = key.slice(this.prefix.length).split('/');
    if (parts[0] === 'controller' && parts.length === 1) return { kind: 'controller' };
    if (parts[0] === 'brokers' && parts.length === 2 && /^\d+$/.test(parts[1]!)) return { kind: 'broker', nodeId: Number(parts[1]) };
    if (parts[0] === 'topics' && parts.length === 2 && parts[1] !== '') return { kind: 'topic', topic: parts[1]! };
    if (parts[0] === 'partitions' && parts.length === 3 && /^\d+$/.test(parts[2]!)) {
      return { kind: 'partition', topic: parts[1]!, partition: Number(parts[2]) };
    }
    return null;
  }
}

export type ParsedKey =
  | { kind: 'controller' }
  | { kind: 'broker'; nodeId: number }
  | { kind: 'topic'; topic: string }
  | { kind: 'partition'; topic: string; partition: number };

export function encodeBroker(b: BrokerEndpoint): string {
  return JSON.stringify({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack });
}

export function encodeTopic(t: TopicDescriptor): string {
  return JSON.stringify({ name: t.name, topicId: t.topicId, partitionCount: t.partitionCount, configs: t.configs });
}

export function encodePartition(s: PartitionState): string {
  return JSON.stringify({
    topic: s.topic,
    partition: s.partition,
    topicId: s.topicId,
    replicas: s.replicas,
    leader: s.leader,
    leaderEpoch: s.leaderEpoch,
    isr: s.isr,
    partitionEpoch: s.partitionEpoch,
    ...(s.addingReplicas?.length || s.removingReplicas?.length ? { addingReplicas: s.addingReplicas ?? [], removingReplicas: s.removingReplicas ?? [] } : {}),
  });
}

/** Parses a stored value; null (and the caller logs) when it is not what this version writes. */
export function decodeJson<T>(value: Buffer | string, check: (v: any) => boolean): T | null {
  try {
    const parsed: unknown = JSON.parse(value.toString());
    return check(parsed) ? (parsed as T) : null;
  } catch {
    return null;
  }
}

export const isBroker = (v: any): boolean => typeof v?.nodeId === 'number' && typeof v.host === 'string' && typeof v.port === 'number';
export const isTopic = (v: any): boolean => typeof v?.name === 'string' && typeof v.topicId === 'string' && typeof v.partitionCount === 'number';
export const isPartition = (v: any): boolean =>
  typeof v?.topic === 'string' && Array.isArray(v.replicas) && Array.isArray(v.isr) && typeof v.leader === 'number' && typeof v.partitionEpoch === 'number';
