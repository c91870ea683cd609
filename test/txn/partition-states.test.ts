/** Producer state snapshots are written as appends go by and used on the next load. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Partition } from '../../src/broker/partition.js';
import { MemoryPartitionLog, MemoryPartitionData } from '../../src/storage/memory/memory-partition-log.js';
import { createLogger } from '../../src/log/logger.js';
import { validateBatches } from '../../src/records/validate.js';
import { PartitionStates } from '../../src/txn/partition-states.js';
import { appendWithProducerState } from '../../src/txn/idempotent-append.js';
import { loadProducerState } from '../../src/txn/producer-state-loader.js';
import { decodeSnapshot, SNAPSHOT_FILE } from '../../src/txn/producer-snapshot.js';
import { producerBatch } from './wire.js';

function states(): PartitionStates {
  return new PartitionStates({ snapshotEveryChanges: 3, producerIdExpirationMs: 86_400_000, clock: () => 1000, logger: createLogger({ level: 'silent' }) });
}

async function send(s: PartitionStates, partition: Partition, seq: number) {
  const bytes = producerBatch([`v${seq}`], { producerId: 5, producerEpoch: 0, baseSequence: seq }, 1000);
  const v = validateBatches(bytes, { nowMs: 1000, maxBatchBytes: 1 << 20 });
  assert.ok(v.ok);
  return appendWithProducerState(s, partition, bytes, v.infos);
}

test('every snapshotEveryChanges appends a snapshot is written; a reload replays only what follows it', async () => {
  const data = new MemoryPartitionData();
  const log = new MemoryPartitionLog('t', 0, data);
  const partition = new Partition('t', 0, log);
  const s = states();
  for (let seq = 0; seq < 4; seq++) assert.equal((await send(s, partition, seq)).kind, 'appended');
  await s.for(partition).snapshot(); // waits for the one in flight, if any
  const snap = decodeSnapshot((await log.readStateFile(SNAPSHOT_FILE))!)!;
  assert.ok(snap.offset >= 3, `snapshot at ${snap.offset}`);

  const reloaded = await loadProducerState(new MemoryPartitionLog('t', 0, data), () => log.logEndOffset);
  assert.equal(reloaded.replayedFromOffset, snap.offset);
  // A fresh PartitionStates on the same data still deduplicates.
  const again = states();
  const dup = await send(again, new Partition('t', 0, new MemoryPartitionLog('t', 0, data)), 3);
  assert.deepEqual(dup, { kind: 'duplicate', baseOffset: 3 });
});

test('snapshotAll writes the state of loaded partitions only', async () => {
  const loaded = new Partition('a', 0, new MemoryPartitionLog('a', 0));
  const untouched = new Partition('b', 0, new MemoryPartitionLog('b', 0));
  const s = states();
  await send(s, loaded, 0);
  await s.snapshotAll([loaded, untouched]);
  assert.equal(decodeSnapshot((await loaded.log.readStateFile!(SNAPSHOT_FILE))!)!.offset, 1);
  assert.equal(await untouched.log.readStateFile!(SNAPSHOT_FILE), null);
});
