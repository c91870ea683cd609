/**
 * Partition reassignment as Kafka's KRaft controller does it (PartitionReassignmentReplicas /
 * PartitionReassignmentRevert), as pure functions of a partition state:
 *
 * - Start: `replicas` becomes the target followed by the current replicas not in it, with the
 *   difference recorded as addingReplicas / removingReplicas. New replicas start following; the
 *   leader adds them to the ISR once caught up, as any follower.
 * - Complete (the controller, once every adding replica is in the ISR): `replicas` becomes the
 *   target, the ISR loses the removed replicas, and a leader being removed hands over to the first
 *   target replica in the ISR (leader epoch bump). Removed replicas then stop and delete their data.
 * - Cancel (a null target): back to the original replicas; adding replicas leave the ISR.
 * - A new target during a reassignment first reverts the one in progress, then starts from there.
 */
import type { PartitionState } from './contract.js';

export function isReassigning(state: PartitionState): boolean {
  return (state.addingReplicas?.length ?? 0) > 0 || (state.removingReplicas?.length ?? 0) > 0;
}

/** The problem with a requested target, or null (Kafka's INVALID_REPLICA_ASSIGNMENT cases). */
export function targetProblem(target: number[], isRegistered: (nodeId: number) => boolean): string | null {
  if (target.length === 0) return 'The replica list is empty.';
  if (new Set(target).size !== target.length) return `Duplicate replicas in ${JSON.stringify(target)}.`;
  const unknown = target.find((id) => !Number.isInteger(id) || id < 0 || !isRegistered(id));
  if (unknown !== undefined) return `Broker ${unknown} is not registered.`;
  return null;
}

/** The state with the reassignment in progress undone (none in progress: the state itself). */
export function revertReassignment(state: PartitionState): PartitionState {
  if (!isReassigning(state)) return state;
  const adding = new Set(state.addingReplicas ?? []);
  const replicas = state.replicas.filter((id) => !adding.has(id));
  const isrLeft = state.isr.filter((id) => !adding.has(id));
  // An ISR of only adding replicas keeps them (Kafka's unclean-free revert keeps the ISR non-empty).
  const isr = isrLeft.length > 0 ? isrLeft : state.isr;
  let leader = state.leader;
  if (adding.has(leader)) leader = firstInIsr(replicas, isr);
  return settled(state, replicas, isr, leader);
}

/** Starts moving to `target` (an ongoing reassignment is reverted first); completes at once if it can. */
export function startReassignment(state: PartitionState, target: number[]): PartitionState {
  const base = revertReassignment(state);
  const removing = base.replicas.filter((id) => !target.includes(id));
  const adding = target.filter((id) => !base.replicas.includes(id));
  const next: PartitionState = {
    ...base,
    replicas: [...target, ...removing],
    partitionEpoch: state.partitionEpoch + 1,
    addingReplicas: adding,
    removingReplicas: removing,
  };
  return completeReassignment(next) ?? next;
}

/**
 * The finished reassignment when every adding replica is in the ISR and a target replica in the
 * ISR can lead; null when it cannot finish yet (or there is none).
 */
export function completeReassignment(state: PartitionState): PartitionState | null {
  if (!isReassigning(state)) return null;
  const adding = state.addingReplicas ?? [];
  if (!adding.every((id) => state.isr.includes(id))) return null;
  const removing = new Set(state.removingReplicas ?? []);
  const replicas = state.replicas.filter((id) => !removing.has(id));
  const isr = state.isr.filter((id) => !removing.has(id));
  let leader = state.leader;
  if (leader === -1 || removing.has(leader)) leader = firstInIsr(replicas, isr);
  if (leader === -1 || isr.length === 0) return null;
  return settled(state, replicas, isr, leader);
}

/** The first replica in the ISR (the leader a change of replicas elects), or -1. */
function firstInIsr(replicas: number[], isr: number[]): number {
  return replicas.find((id) => isr.includes(id)) ?? -1;
}

/** `state` with its reassignment ended on these replicas: a new partition epoch, a new leader epoch if the leader changed. */
function settled(state: PartitionState, replicas: number[], isr: number[], leader: number): PartitionState {
  return {
    ...state,
    replicas,
    isr,
    leader,
    leaderEpoch: leader !== state.leader ? state.leaderEpoch + 1 : state.leaderEpoch,
    partitionEpoch: state.partitionEpoch + 1,
    addingReplicas: [],
    removingReplicas: [],
  };
}
