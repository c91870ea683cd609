/**
 * The controller: active on the one broker holding the controller key (etcd-session.ts). It owns
 * leader elections: whenever the set of live brokers changes (a lease expires, a broker registers
 * or shuts down), and once on taking office, it walks every partition and writes the state that
 * election.ts decides (and completes reassignments, reassignment.ts), each with a compare-and-swap on the key's mod revision. A lost swap means
 * someone (the leader changing its ISR) wrote first: the watch brings the new state and the walk
 * runs again.
 */
import type { Etcd3 } from 'etcd3';
import type { Logger } from '../log/logger.js';
import type { PartitionState } from './contract.js';
import { encodePartition, type ClusterKeys } from './keys.js';
import type { ClusterMetadata } from './metadata.js';
import { preferPartition, reconcilePartition } from './election.js';
import { completeReassignment } from './reassignment.js';

export type ElectionOutcome = 'elected' | 'not-needed' | 'not-available' | 'unknown';

export interface ControllerOptions {
  client: Etcd3;
  keys: ClusterKeys;
  metadata: ClusterMetadata;
  logger: Logger;
  /** `unclean.leader.election.enable` of a topic (its override, else the broker default). */
  uncleanElection(topic: string): boolean;
}

export class Controller {
  private active = false;
  private running: Promise<void> | null = null;
  private again = false;

  constructor(private readonly options: ControllerOptions) {}

  setActive(active: boolean): void {
    this.active = active;
    if (active) this.schedule();
  }

  /** Something changed that may need an election: walk the partitions (coalesced, one walk at a time). */
  schedule(): void {
    if (!this.active) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.walk().finally(() => {
      this.running = null;
      if (this.again) {
        this.again = false;
        this.schedule();
      }
    });
  }

  /** Cheap per-partition check from the watch: does this state need the controller? */
  partitionChanged(state: PartitionState): void {
    if (!this.active) return;
    if (this.decide(state, this.options.uncleanElection(state.topic)) !== null) this.schedule();
  }

  /** An election if one is needed, then the end of a reassignment whose new replicas are all in sync. */
  private decide(state: PartitionState, unclean: boolean): PartitionState | null {
    const m = this.options.metadata;
    const elected = reconcilePartition(state, (id) => m.isLive(id), unclean);
    return completeReassignment(elected ?? state) ?? elected;
  }

  /** Waits for the walk in progress, if any (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async walk(): Promise<void> {
    const m = this.options.metadata;
    let conflicts = 0;
    for (const [topic, byIndex] of m.partitions) {
      const unclean = this.options.uncleanElection(topic);
      for (const stored of byIndex.values()) {
        if (!this.active) return;
        const next = this.decide(stored.state, unclean);
        if (next && !(await this.write(next, stored.modRevision))) conflicts++;
      }
    }
    // Lost swaps are retried once the watch has brought the newer states.
    if (conflicts > 0) setTimeout(() => this.schedule(), 50).unref();
  }

  /**
   * ElectLeaders. PREFERRED moves leadership to the first replica where it can lead; UNCLEAN
   * elects an out-of-sync live replica for a partition that has no leader. Any broker may run
   * this: the compare-and-swap keeps it safe against the controller's own writes.
   */
  async elect(topic: string, partition: number, unclean: boolean): Promise<ElectionOutcome> {
    const m = this.options.metadata;
    const stored = m.partition(topic, partition);
    if (!stored) return 'unknown';
    const isLive = (id: number) => m.isLive(id);
    if (unclean ? stored.state.leader !== -1 : stored.state.leader === stored.state.replicas[0]) return 'not-needed';
    const next = unclean ? reconcilePartition(stored.state, isLive, true) : preferPartition(stored.state, isLive);
    if (!next || next.leader === -1) return 'not-available';
    return (await this.write(next, stored.modRevision)) ? 'elected' : 'not-available';
  }

  /** Compare-and-swap of one partition state; false when the key moved on. */
  private async write(next: PartitionState, modRevision: string): Promise<boolean> {
    const { client, keys, logger } = this.options;
    const key = keys.partition(next.topic, next.partition);
    try {
      const result = await client.if(key, 'Mod', '==', modRevision).then(client.put(key).value(encodePartition(next))).commit();
      if (result.succeeded) {
        logger.info({ topic: next.topic, partition: next.partition, leader: next.leader, leaderEpoch: next.leaderEpoch, isr: next.isr }, 'partition state changed');
      }
      return result.succeeded;
    } catch (err) {
      logger.warn({ err: String(err), topic: next.topic, partition: next.partition }, 'writing a partition state failed');
      return false;
    }
  }
}
