import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assignIncrementally, connectorUnit, newAssignorState, parseUnit, taskUnit, type WorkerAssignment, type WorkerClaim } from '../../src/connect/runtime/incremental-assignor.js';

const units = (name: string, tasks: number) => [connectorUnit(name), ...Array.from({ length: tasks }, (_, i) => taskUnit(name, i))];
const configured = [...units('a', 3), ...units('b', 3)];

/** Applies a round the way workers do: stop what is revoked, run what is assigned. */
function apply(claims: WorkerClaim[], result: Map<string, WorkerAssignment>): WorkerClaim[] {
  return claims.map((c) => ({ memberId: c.memberId, running: [...result.get(c.memberId)!.assigned] }));
}

function everyUnitOnce(claims: WorkerClaim[]): void {
  const all = claims.flatMap((c) => c.running).sort();
  assert.deepEqual(all, [...configured].sort());
}

test('units are spread evenly and nothing moves when nothing changed', () => {
  const state = newAssignorState();
  let claims: WorkerClaim[] = [{ memberId: 'w1', running: [] }, { memberId: 'w2', running: [] }];
  const first = assignIncrementally(claims, configured, state, 0, 1000);
  claims = apply(claims, first);
  everyUnitOnce(claims);
  for (const c of claims) assert.equal(c.running.length, 4);
  const second = assignIncrementally(claims, configured, state, 10, 1000);
  for (const c of claims) {
    assert.deepEqual(second.get(c.memberId)!.assigned, c.running);
    assert.deepEqual(second.get(c.memberId)!.revoked, []);
  }
});

test('a joining worker gets a share in two rounds: revoke first, then assign; a unit never runs twice', () => {
  const state = newAssignorState();
  let claims: WorkerClaim[] = [{ memberId: 'w1', running: [] }];
  claims = apply(claims, assignIncrementally(claims, configured, state, 0, 1000));
  assert.equal(claims[0]!.running.length, 8);
  claims.push({ memberId: 'w2', running: [] });
  const revoking = assignIncrementally(claims, configured, state, 1, 1000);
  assert.equal(revoking.get('w1')!.revoked.length, 4, 'w1 gives up half');
  assert.deepEqual(revoking.get('w2')!.assigned, [], 'nothing handed over while w1 may still run it');
  claims = apply(claims, revoking);
  const handing = assignIncrementally(claims, configured, state, 2, 1000);
  claims = apply(claims, handing);
  everyUnitOnce(claims);
  assert.equal(claims[1]!.running.length, 4);
  assert.equal(claims[1]!.running.filter((u) => u.startsWith('c:')).length, 1, 'connectors are balanced separately from tasks');
});

test('units of a departed worker are held for the delay, then reassigned', () => {
  const state = newAssignorState();
  let claims: WorkerClaim[] = [{ memberId: 'w1', running: [] }, { memberId: 'w2', running: [] }];
  claims = apply(claims, assignIncrementally(claims, configured, state, 0, 1000));
  const w2Units = claims[1]!.running;
  claims = [claims[0]!];
  const held = assignIncrementally(claims, configured, state, 100, 1000);
  assert.equal(held.get('w1')!.delayMs, 1000);
  assert.deepEqual(held.get('w1')!.revoked, []);
  assert.equal(held.get('w1')!.assigned.length, 4, 'the survivor keeps its own units only');
  claims = apply(claims, held);
  const stillHeld = assignIncrementally(claims, configured, state, 700, 1000);
  assert.equal(stillHeld.get('w1')!.delayMs, 400, 'the deadline does not move with each round');
  const released = assignIncrementally(claims, configured, state, 1100, 1000);
  assert.equal(released.get('w1')!.delayMs, 0);
  claims = apply(claims, released);
  everyUnitOnce(claims);
  for (const u of w2Units) assert.ok(claims[0]!.running.includes(u));
});

test('a worker that joins while units are held gets them when the delay ends', () => {
  const state = newAssignorState();
  let claims: WorkerClaim[] = [{ memberId: 'w1', running: [] }, { memberId: 'w2', running: [] }];
  claims = apply(claims, assignIncrementally(claims, configured, state, 0, 1000));
  claims = [claims[0]!, { memberId: 'w3', running: [] }];
  const held = assignIncrementally(claims, configured, state, 10, 1000);
  assert.deepEqual(held.get('w3')!.assigned, []);
  claims = apply(claims, held);
  claims = apply(claims, assignIncrementally(claims, configured, state, 2000, 1000));
  everyUnitOnce(claims);
  assert.equal(claims[1]!.running.length, 4, 'the newcomer took over the lost share');
  assert.equal(claims[0]!.running.length, 4, 'the survivor kept its units');
});

test('deleted connectors and double claims are revoked; zero delay reassigns at once', () => {
  const state = newAssignorState();
  const claims: WorkerClaim[] = [
    { memberId: 'w1', running: [connectorUnit('gone'), taskUnit('a', 0)] },
    { memberId: 'w2', running: [taskUnit('a', 0)] },
  ];
  const result = assignIncrementally(claims, configured, state, 0, 0);
  assert.deepEqual(result.get('w1')!.revoked, [connectorUnit('gone')]);
  assert.deepEqual(result.get('w2')!.revoked, [taskUnit('a', 0)]);
  const after = apply(claims, result);
  const all = after.flatMap((c) => c.running);
  assert.equal(new Set(all).size, all.length);
});

test('unit keys round-trip connector names with colons', () => {
  assert.deepEqual(parseUnit(taskUnit('x:y', 12)), { connector: 'x:y', task: 12 });
  assert.deepEqual(parseUnit(connectorUnit('x:y')), { connector: 'x:y', task: null });
});
