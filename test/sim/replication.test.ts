/**
 * Deterministic simulation of replication (replication-sim.ts): for several seeds, three replicas
 * under acks=all with min.insync.replicas=2 while brokers are partitioned away and healed and
 * leaders change. Invariants: no acknowledged record is lost, everything below any replica's
 * high watermark never changes, high watermarks never go back, and after healing every replica is
 * back in the ISR with a log identical to the leader's up to the high watermark.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SimCluster, valuesBelow } from './replication-sim.js';

const SEEDS = [1, 2, 3, 4];

async function runSeed(seed: number): Promise<SimCluster> {
  const sim = new SimCluster(seed);
  await sim.start();
  for (let step = 0; step < 12; step++) {
    await sim.runFor(150 + Math.floor(sim.rng() * 150));
    const roll = sim.rng();
    const isolated = [...sim.isolated][0];
    if (isolated !== undefined && roll < 0.6) sim.heal(isolated);
    else if (isolated === undefined && roll < 0.5) sim.isolate(1 + Math.floor(sim.rng() * 3));
    else if (roll < 0.8) sim.electLeader(sim.state.leader);
  }
  for (const id of [...sim.isolated]) sim.heal(id);
  await sim.runFor(500);
  sim.stopProducing();
  await sim.runFor(1500);
  return sim;
}

describe('replication simulation', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: no acknowledged record lost, ISR logs identical up to the HW`, async () => {
      const sim = await runSeed(seed);
      try {
        await sim.sample();
        assert.deepEqual(sim.violations, []);
        assert.ok(sim.stats.acked > 50, `enough acknowledged writes to mean something (${JSON.stringify(sim.stats)})`);
        const leader = sim.nodes.get(sim.state.leader)!;
        const hw = leader.partition.highWatermark;
        assert.equal(hw, leader.partition.logEndOffset, 'quiet: the HW reached the leader log end');
        const leaderValues = await valuesBelow(leader.partition, hw);
        assert.equal(new Set(leaderValues).size, leaderValues.length, 'no record twice');
        const present = new Set(leaderValues);
        const lost = [...sim.acked].filter((v) => !present.has(v));
        assert.deepEqual(lost, [], 'every acknowledged record is in the leader log');
        assert.deepEqual(leaderValues.slice(0, sim.committed.length), sim.committed);
        assert.deepEqual([...sim.state.isr].sort(), [1, 2, 3], 'healed followers rejoined the ISR');
        for (const id of sim.state.isr) {
          const node = sim.nodes.get(id)!;
          assert.equal(node.partition.highWatermark, hw, `node ${id} HW`);
          const read = async (n: typeof node) => (await n.partition.log.read(0, { maxBytes: 1 << 30, minOneBatch: true, maxOffset: hw })).chunks;
          assert.deepEqual(Buffer.concat(await read(node)), Buffer.concat(await read(leader)), `node ${id} log bytes equal the leader's`);
        }
      } finally {
        await sim.close();
      }
    });
  }
});
