/**
 * Incremental cooperative assignment of connectors and tasks to distributed workers (KIP-415).
 *
 * Eager rebalancing stops every connector and task in the group whenever anything changes. Here
 * a worker keeps what it runs across rebalances; the leader only moves what must move:
 * - units (connectors and tasks) nobody runs are assigned to the least-loaded workers;
 * - a worker that runs more than its share gives the excess up ("revoked") and rejoins at once,
 *   so the next round can hand the freed units to others: a unit never runs on two workers;
 * - units whose worker left the group are "lost": they are held for up to
 *   `scheduled.rebalance.max.delay.ms`, so a worker that is only restarting finds its share waiting
 *   rather than the whole group reshuffling twice, then assigned to whoever is there.
 *
 * Pure: the leader keeps an AssignorState between rounds and passes the time in.
 */

/** `c:<connector>` or `t:<connector>:<task id>`. */
export type UnitKey = string;

export interface WorkerClaim {
  memberId: string;
  /** Units the worker runs now (from its join metadata). */
  running: UnitKey[];
}

export interface WorkerAssignment {
  /** Everything the worker should run after this round (what it keeps plus what is new). */
  assigned: UnitKey[];
  /** Units it must stop now; a non-empty list means it rejoins at once. */
  revoked: UnitKey[];
  /** > 0: lost units are being held; the group rebalances again after this long. */
  delayMs: number;
}

export interface AssignorState {
  /** Who was given each unit in the previous round (a lost unit keeps its departed owner). */
  owners: Map<UnitKey, string>;
  /** When held lost units are released, or null when none are held. */
  lostDeadlineMs: number | null;
}

export const newAssignorState = (): AssignorState => ({ owners: new Map(), lostDeadlineMs: null });

export const connectorUnit = (name: string): UnitKey => `c:${name}`;
export const taskUnit = (name: string, id: number): UnitKey => `t:${name}:${id}`;

/** [connector name, task id] for a task unit, or the connector name for a connector unit. */
export function parseUnit(unit: UnitKey): { connector: string; task: number | null } {
  if (unit.startsWith('c:')) return { connector: unit.slice(2), task: null };
  const lastColon = unit.lastIndexOf(':');
  return { connector: unit.slice(2, lastColon), task: Number(unit.slice(lastColon + 1)) };
}

export function assignIncrementally(
  workers: WorkerClaim[],
  configured: UnitKey[],
  state: AssignorState,
  nowMs: number,
  maxDelayMs: number,
): Map<string, WorkerAssignment> {
  const wanted = new Set(configured);
  const present = new Set(workers.map((w) => w.memberId));
  const kept = new Map<string, UnitKey[]>(workers.map((w) => [w.memberId, []]));
  const revoked = new Map<string, UnitKey[]>(workers.map((w) => [w.memberId, []]));
  const runningSomewhere = new Set<UnitKey>();
  for (const w of [...workers].sort((a, b) => a.memberId.localeCompare(b.memberId))) {
    for (const unit of w.running) {
      // Deleted or stopped connectors, and a second claim on one unit, are stopped.
      if (!wanted.has(unit) || runningSomewhere.has(unit)) revoked.get(w.memberId)!.push(unit);
      else {
        kept.get(w.memberId)!.push(unit);
        runningSomewhere.add(unit);
      }
    }
  }
  const unowned = configured.filter((u) => !runningSomewhere.has(u));
  const lost = unowned.filter((u) => state.owners.has(u) && !present.has(state.owners.get(u)!));
  let held: UnitKey[] = [];
  let delayMs = 0;
  if (lost.length > 0 && maxDelayMs > 0) {
    state.lostDeadlineMs ??= nowMs + maxDelayMs;
    if (nowMs < state.lostDeadlineMs) {
      held = lost;
      delayMs = state.lostDeadlineMs - nowMs;
    }
  }
  if (held.length === 0) state.lostDeadlineMs = null;
  const heldSet = new Set(held);
  const toAssign = unowned.filter((u) => !heldSet.has(u));

  const assigned = new Map<string, UnitKey[]>([...kept].map(([id, units]) => [id, [...units]]));
  for (const kind of ['c:', 't:']) {
    placeOnLeastLoaded(assigned, toAssign.filter((u) => u.startsWith(kind)), kind);
    // Only units that were already running can be revoked for balance: new ones were placed evenly.
    if (held.length === 0) revokeExcess(assigned, revoked, kept, kind);
  }

  const previousOwners = state.owners;
  state.owners = new Map();
  for (const [id, units] of assigned) for (const u of units) state.owners.set(u, id);
  // A held unit keeps pointing at its departed owner so it stays "lost" in later rounds.
  for (const u of held) state.owners.set(u, previousOwners.get(u)!);
  return new Map(workers.map((w) => [w.memberId, { assigned: assigned.get(w.memberId)!, revoked: revoked.get(w.memberId)!, delayMs }]));
}

function countOf(units: UnitKey[], kind: string): number {
  let n = 0;
  for (const u of units) if (u.startsWith(kind)) n++;
  return n;
}

function placeOnLeastLoaded(assigned: Map<string, UnitKey[]>, units: UnitKey[], kind: string): void {
  const ids = [...assigned.keys()].sort();
  if (ids.length === 0) return;
  for (const unit of units) {
    let best = ids[0]!;
    for (const id of ids) if (countOf(assigned.get(id)!, kind) < countOf(assigned.get(best)!, kind)) best = id;
    assigned.get(best)!.push(unit);
  }
}

/** Workers above ceil(total / workers) give up their most recently listed units of this kind. */
function revokeExcess(assigned: Map<string, UnitKey[]>, revoked: Map<string, UnitKey[]>, kept: Map<string, UnitKey[]>, kind: string): void {
  const ids = [...assigned.keys()];
  const total = ids.reduce((n, id) => n + countOf(assigned.get(id)!, kind), 0);
  const floor = Math.floor(total / ids.length);
  let allowedAboveFloor = total - floor * ids.length;
  for (const id of ids.sort()) {
    const units = assigned.get(id)!;
    let max = floor;
    if (allowedAboveFloor > 0 && countOf(units, kind) > floor) {
      max = floor + 1;
      allowedAboveFloor--;
    }
    let excess = countOf(units, kind) - max;
    const keptSet = new Set(kept.get(id));
    for (let i = units.length - 1; i >= 0 && excess > 0; i--) {
      const unit = units[i]!;
      if (!unit.startsWith(kind) || !keptSet.has(unit)) continue;
      units.splice(i, 1);
      revoked.get(id)!.push(unit);
      excess--;
    }
  }
}
