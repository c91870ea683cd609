/**
 * The controller's decisions about one partition, as pure functions of its state and the set of
 * live brokers (Kafka's PartitionChangeBuilder, simplified):
 *
 * - Dead brokers leave the ISR, except the last member: it stays so that, when it comes back, it
 *   can lead again without losing acknowledged records (Kafka keeps it too).
 * - A leader that is dead or out of the ISR is replaced by the first replica (in assignment order)
 *   that is live and in the ISR. With none and `unclean.leader.election.enable` off, the leader
 *   is -1 (offline) until an ISR member returns; with it on, the first live replica leads and the
 *   ISR becomes just that replica (acknowledged records may be lost: that is what "unclean" means).
 * - Every leader change bumps leaderEpoch; every change at all bumps partitionEpoch.
 */
import type { PartitionState } from './contract.js';

/** Returns the state the controller should write, or null when nothing needs to change. */
export function reconcilePartition(state: PartitionState, isLive: (nodeId: number) => boolean, uncleanElection: boolean): PartitionState | null {
  const liveIsr = state.isr.filter(isLive);
  let isr = liveIsr.length > 0 ? liveIsr : state.isr;
  let leader = state.leader;
  if (leader === -1 || !isLive(leader) || !isr.includes(leader)) {
    leader = state.replicas.find((id) => isLive(id) && liveIsr.includes(id)) ?? -1;
    if (leader === -1 && uncleanElection) {
      leader = state.replicas.find(isLive) ?? -1;
      if (leader !== -1) isr = [leader];
    }
  }
  return changed(state, leader, isr);
}

/** Preferred leader election (ElectLeaders, type PREFERRED): the first replica leads if it can. */
export function preferPartition(state: PartitionState, isLive: (nodeId: number) => boolean): PartitionState | null {
  const preferred = state.replicas[0];
  if (preferred === undefined || preferred === state.leader || !isLive(preferred) || !state.isr.includes(preferred)) return null;
  return changed(state, preferred, state.isr);
}

function changed(state: PartitionState, leader: number, isr: number[]): PartitionState | null {
  const leaderChanged = leader !== state.leader;
  const isrChanged = isr.length !== state.isr.length || isr.some((id, i) => state.isr[i] !== id);
  if (!leaderChanged && !isrChanged) return null;
  return {
    ...state,
    leader,
    isr: [...isr],
    leaderEpoch: leaderChanged ? state.leaderEpoch + 1 : state.leaderEpoch,
    partitionEpoch: state.partitionEpoch + 1,
  };
}
