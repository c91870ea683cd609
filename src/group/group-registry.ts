/**
 * The coordinator's groups by id: the one place groups are created and removed, with the
 * limits on how many there may be and the memory each id costs.
 */
import { ErrorCode } from '../protocol/errors.js';
import { ClassicGroup } from './classic-group.js';
import type { GroupState } from './group-state.js';
import { ENTRY_OVERHEAD_BYTES, stringBytes, type MemoryBudget } from './memory-budget.js';
import type { GroupLimits } from './settings.js';

export class GroupRegistry {
  private readonly groups = new Map<string, ClassicGroup>();

  constructor(
    private readonly limits: GroupLimits,
    private readonly budget: MemoryBudget,
    private readonly clock: () => number,
  ) {}

  get(groupId: string): ClassicGroup | undefined {
    return this.groups.get(groupId);
  }

  get size(): number {
    return this.groups.size;
  }

  all(): IterableIterator<ClassicGroup> {
    return this.groups.values();
  }

  /** Whether `group` is still the registered group of its id (timers outlive replaced groups). */
  isCurrent(group: ClassicGroup): boolean {
    return this.groups.get(group.groupId) === group;
  }

  /** Bytes creating this group would charge (0 if it exists). */
  creationBytes(groupId: string): number {
    return this.groups.has(groupId) ? 0 : groupBytes(groupId);
  }

  /** Creates an Empty group, or returns null when the coordinator holds all the groups it may. */
  create(groupId: string): ClassicGroup | null {
    const bytes = groupBytes(groupId);
    if (this.groups.size >= this.limits.maxGroups || !this.budget.fits(bytes)) return null;
    return this.put(new ClassicGroup(groupId, 'Empty', this.clock, this.budget));
  }

  /** Installs a group rebuilt from the log, replacing any group of the same id. */
  install(groupId: string, initialState: GroupState): ClassicGroup {
    const existing = this.groups.get(groupId);
    if (existing) this.remove(existing);
    return this.put(new ClassicGroup(groupId, initialState, this.clock, this.budget));
  }

  /** Marks the group Dead, stops its timers, frees what it held and forgets it. */
  remove(group: ClassicGroup): void {
    if (!this.isCurrent(group)) return;
    group.cancelTimers();
    if (!group.is('Dead')) group.transitionTo('Dead');
    group.releaseAll();
    this.budget.release(groupBytes(group.groupId));
    this.groups.delete(group.groupId);
  }

  private put(group: ClassicGroup): ClassicGroup {
    this.budget.reserve(groupBytes(group.groupId));
    this.groups.set(group.groupId, group);
    return group;
  }
}

function groupBytes(groupId: string): number {
  return ENTRY_OVERHEAD_BYTES * 4 + stringBytes(groupId);
}

/** INVALID_GROUP_ID for an empty or over-long id, else NONE. */
export function groupIdError(groupId: string | null | undefined, limits: GroupLimits): number {
  if (!groupId) return ErrorCode.INVALID_GROUP_ID;
  if (groupId.length > limits.maxGroupIdBytes || Buffer.byteLength(groupId, 'utf8') > limits.maxGroupIdBytes) return ErrorCode.INVALID_GROUP_ID;
  if (limits.ownsGroup && !limits.ownsGroup(groupId)) return ErrorCode.NOT_COORDINATOR;
  return ErrorCode.NONE;
}
