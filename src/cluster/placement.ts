/**
 * Replica placement for new topics and partitions (the controller's job in Kafka; pure here so
 * any broker can compute it before its compare-and-swap create).
 *
 * Round robin over the live brokers, as Kafka's AdminUtils does: partition p gets the brokers at
 * positions start+p, start+p+1, ... of the broker list. When every broker has `broker.rack`, the
 * list alternates racks (r1 b1, r2 b3, r1 b2, r2 b4, ...), so a partition's consecutive replicas
 * land on different racks as long as the replication factor is at most the number of racks.
 */
import type { BrokerEndpoint } from './contract.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';

export interface PlacementRequest {
  brokers: readonly BrokerEndpoint[];
  /** Partitions to place: indexes firstPartition .. firstPartition+count-1. */
  firstPartition: number;
  count: number;
  replicationFactor: number;
  /** Where in the broker list partition 0 starts (random in production, fixed in tests). */
  startIndex: number;
}

/** Returns one replica list per new partition, preferred leader first. */
export function placeReplicas(req: PlacementRequest): number[][] {
  const ordered = rackAlternating(req.brokers);
  const n = ordered.length;
  if (req.replicationFactor < 1) throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
  if (req.replicationFactor > n) {
    throw new KafkaError(ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${req.replicationFactor} larger than available brokers: ${n}.`);
  }
  const out: number[][] = [];
  for (let i = 0; i < req.count; i++) {
    const p = req.firstPartition + i;
    const replicas: number[] = [];
    for (let r = 0; r < req.replicationFactor; r++) replicas.push(ordered[(req.startIndex + p + r) % n]!);
    out.push(replicas);
  }
  return out;
}

/** Broker ids sorted by id; interleaved by rack when every broker names one. */
export function rackAlternating(brokers: readonly BrokerEndpoint[]): number[] {
  const sorted = [...brokers].sort((a, b) => a.nodeId - b.nodeId);
  if (sorted.length === 0 || sorted.some((b) => b.rack === null)) return sorted.map((b) => b.nodeId);
  const byRack = new Map<string, number[]>();
  for (const b of sorted) {
    const list = byRack.get(b.rack!) ?? [];
    list.push(b.nodeId);
    byRack.set(b.rack!, list);
  }
  const racks = [...byRack.keys()].sort();
  const out: number[] = [];
  for (let round = 0; out.length < sorted.length; round++) {
    for (const rack of racks) {
      const id = byRack.get(rack)![round];
      if (id !== undefined) out.push(id);
    }
  }
  return out;
}
