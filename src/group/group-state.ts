/** The classic group states and the transitions Kafka allows between them (ClassicGroupState). */

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

export const GROUP_STATES: readonly GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export function canTransition(from: GroupState, to: GroupState): boolean {
  return VALID_PREVIOUS[to].includes(from);
}

/** Kafka accepts state filters in any case (ListGroups v4+). */
export function parseGroupState(name: string): GroupState | null {
  const lower = name.toLowerCase();
  return GROUP_STATES.find((s) => s.toLowerCase() === lower) ?? null;
}
