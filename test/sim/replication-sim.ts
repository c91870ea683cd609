/**
 * A deterministic simulation of replication: three ReplicaManagers over memory logs, an
 * in-memory network that delays, drops and partitions, a controller that changes leaders and
 * writes ISR changes with compare-and-swap (as etcd does), a virtual clock, a seeded random,
 * and an acks=all producer. It records what it needs for the invariants the test checks.
 */
import { Partition } from '../../src/broker/partition.js';
import type { IsrWriter, PartitionState } from '../../src/cluster/contract.js';
import { ReplicaManager } from '../../src/cluster/replication/replica-manager.js';
import type { ReplicaTransport } from '../../src/cluster/replication/transport.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { decodeBatches, encodeBatch } from '../../src/records/record-batch.js';
import { MemoryPartitionLog } from '../../src/storage/memory/memory-partition-log.js';
import { VirtualScheduler, settle } from './virtual-scheduler.js';

export const TOPIC = 'sim';
const MIN_ISR = 2;

/** mulberry32: a small seeded generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Node {
  id: number;
  manager: ReplicaManager;
  partition: Partition;
}

export class SimCluster {
  readonly sched = new VirtualScheduler();
  readonly rng: () => number;
  readonly nodes = new Map<number, Node>();
  readonly isolated = new Set<number>();
  state: PartitionState;
  readonly acked = new Set<string>();
  /** The longest prefix of values ever seen below some replica's high watermark. */
  committed: string[] = [];
  readonly violations: string[] = [];
  readonly stats = { produced: 0, acked: 0, leaderChanges: 0, isrChanges: 0, truncatedNodes: 0 };
  private readonly lastHw = new Map<number, number>();
  private nextValue = 0;
  private producing = true;

  constructor(seed: number) {
    this.rng = seededRandom(seed);
    this.state = { topic: TOPIC, partition: 0, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', replicas: [1, 2, 3], leader: 1, leaderEpoch: 0, isr: [1, 2, 3], partitionEpoch: 0 };
    for (const id of [1, 2, 3]) {
      const partition = new Partition(TOPIC, 0, new MemoryPartitionLog(TOPIC, 0));
      const manager = new ReplicaManager({
        localId: id,
        isrWriter: this.isrWriter(id),
        transport: this.transport(id),
        openReplica: async () => partition,
        scheduler: this.sched,
        settings: { replicaLagTimeMaxMs: 300, replicaFetchWaitMaxMs: 40, replicaFetchBackoffMs: 30, replicaFetchMaxBytes: 2048 },
      });
      this.nodes.set(id, { id, manager, partition });
    }
  }

  async start(): Promise<void> {
    for (const n of this.nodes.values()) await n.manager.applyPartitionState({ ...this.state });
    this.scheduleProduce();
    this.scheduleSample();
  }

  private delay(): number {
    return 1 + Math.floor(this.rng() * 6);
  }

  private reachable(a: number, b: number): boolean {
    return !this.isolated.has(a) && !this.isolated.has(b);
  }

  /** A request from `from` to `to`: delayed both ways, dropped sometimes, failing across a partition. */
  private rpc<T>(from: number, to: number, call: () => Promise<T>): Promise<T> {
    return new Promise((resolve, reject) => {
      const fail = () => this.sched.setTimeout(() => reject(new Error(`${from} -> ${to} unreachable`)), 100);
      if (!this.reachable(from, to) || this.rng() < 0.02) return void fail();
      this.sched.setTimeout(() => {
        call().then((result) => {
          if (!this.reachable(from, to) || this.rng() < 0.02) return void fail();
          this.sched.setTimeout(() => resolve(result), this.delay());
        }, reject);
      }, this.delay());
    });
  }

  private transport(from: number): ReplicaTransport {
    return {
      fetch: (leaderId, request) => this.rpc(from, leaderId, () => this.nodes.get(leaderId)!.manager.serveFetch(request)),
      offsetsForLeaderEpoch: (leaderId, _replicaId, queries) =>
        this.rpc(from, leaderId, async () => this.nodes.get(leaderId)!.manager.offsetsForLeaderEpoch(queries)),
      close: async () => undefined,
    };
  }

  /** The controller's CAS write of an ISR change (AlterPartition semantics). */
  private isrWriter(from: number): IsrWriter {
    return {
      alterIsr: (current, isr) =>
        new Promise((resolve, reject) => {
          if (this.isolated.has(from)) return void this.sched.setTimeout(() => reject(new Error('controller unreachable')), 50);
          this.sched.setTimeout(() => {
            if (current.leaderEpoch !== this.state.leaderEpoch || current.partitionEpoch !== this.state.partitionEpoch || this.state.leader !== from) {
              return resolve({ ...this.state });
            }
            this.state = { ...this.state, isr: [...isr], partitionEpoch: this.state.partitionEpoch + 1 };
            this.stats.isrChanges++;
            this.broadcast();
            resolve({ ...this.state });
          }, this.delay());
        }),
    };
  }

  /** Delivers the current state to every reachable broker, each after its own delay. */
  private broadcast(): void {
    const snapshot = { ...this.state, isr: [...this.state.isr], replicas: [...this.state.replicas] };
    for (const n of this.nodes.values()) {
      if (this.isolated.has(n.id)) continue;
      this.sched.setTimeout(() => void n.manager.applyPartitionState({ ...snapshot }).catch((err) => this.violations.push(`apply failed: ${err}`)), this.delay());
    }
  }

  /** Controller: a new leader from the live ISR (unclean election off); false if none. */
  electLeader(exclude: number): boolean {
    const candidates = this.state.isr.filter((id) => id !== exclude && !this.isolated.has(id));
    if (candidates.length === 0) return false;
    const leader = candidates[Math.floor(this.rng() * candidates.length)]!;
    const isr = this.state.isr.filter((id) => !this.isolated.has(id));
    this.state = { ...this.state, leader, leaderEpoch: this.state.leaderEpoch + 1, partitionEpoch: this.state.partitionEpoch + 1, isr };
    this.stats.leaderChanges++;
    this.broadcast();
    return true;
  }

  /** A broker loses the network (its lease expires): fenced out of the ISR, leadership moves. */
  isolate(id: number): void {
    this.isolated.add(id);
    if (this.state.leader === id) {
      if (!this.electLeader(id)) this.isolated.delete(id);
      return;
    }
    if (this.state.isr.includes(id) && this.state.isr.length > 1) {
      this.state = { ...this.state, isr: this.state.isr.filter((x) => x !== id), partitionEpoch: this.state.partitionEpoch + 1 };
      this.broadcast();
    }
  }

  heal(id: number): void {
    this.isolated.delete(id);
    this.broadcast();
  }

  stopProducing(): void {
    this.producing = false;
  }

  private scheduleProduce(): void {
    this.sched.setTimeout(() => {
      if (!this.producing) return;
      void this.produceOne();
      this.scheduleProduce();
    }, 2 + Math.floor(this.rng() * 6));
  }

  /** One acks=all produce to the broker the client believes leads (clients on both sides of a partition). */
  private async produceOne(): Promise<void> {
    const target = this.state.leader;
    if (this.isolated.has(target) && this.rng() < 0.5) return;
    const node = this.nodes.get(target)!;
    const value = `v${this.nextValue++}`;
    if (node.manager.checkProduce(TOPIC, 0, -1, MIN_ISR) !== ErrorCode.NONE) return;
    const batch = encodeBatch({ baseOffset: 0, partitionLeaderEpoch: -1, records: [{ key: null, value: Buffer.from(value), headers: [], timestampMs: this.sched.now() }] });
    this.stats.produced++;
    const result = await node.partition.append(batch, [{ recordCount: 1, maxTimestampMs: this.sched.now() }]);
    const code = await node.manager.waitForAcks(TOPIC, 0, result.lastOffset + 1, MIN_ISR, 400);
    if (code === ErrorCode.NONE) {
      this.acked.add(value);
      this.stats.acked++;
    }
  }

  private scheduleSample(): void {
    this.sched.setTimeout(() => {
      void this.sample().catch((err) => this.violations.push(`sample failed: ${err}`));
      this.scheduleSample();
    }, 25);
  }

  /** Everything below any replica's HW is committed: it never changes and never goes away. */
  async sample(): Promise<void> {
    for (const n of this.nodes.values()) {
      const hw = n.partition.highWatermark;
      const last = this.lastHw.get(n.id) ?? 0;
      if (hw < last) this.violations.push(`node ${n.id} HW went back from ${last} to ${hw}`);
      this.lastHw.set(n.id, hw);
      const values = await valuesBelow(n.partition, hw);
      const common = Math.min(values.length, this.committed.length);
      for (let i = 0; i < common; i++) {
        if (values[i] !== this.committed[i]) {
          this.violations.push(`node ${n.id} offset ${i} below HW ${hw} is ${values[i]}, committed ${this.committed[i]}`);
          break;
        }
      }
      if (values.length > this.committed.length) this.committed = values;
    }
  }

  async runFor(ms: number): Promise<void> {
    await this.sched.runUntil(this.sched.now() + ms);
  }

  async close(): Promise<void> {
    this.producing = false;
    const closing = [...this.nodes.values()].map((n) => n.manager.close());
    // Fetchers finish their last long poll on the virtual clock.
    for (let i = 0; i < 20; i++) {
      await this.sched.runUntil(this.sched.now() + 100);
      await settle();
    }
    await Promise.all(closing);
  }
}

/** Record values at offsets below `hw`, in offset order. */
export async function valuesBelow(partition: Partition, hw: number): Promise<string[]> {
  if (hw <= 0) return [];
  const read = await partition.log.read(0, { maxBytes: 1 << 30, minOneBatch: true, maxOffset: hw });
  const out: string[] = [];
  for (const chunk of read.chunks) {
    for (const b of decodeBatches(chunk)) {
      b.records.forEach((r, i) => {
        if (b.baseOffset + i < hw) out.push(r.value?.toString() ?? '');
      });
    }
  }
  return out;
}
