/** flush.messages, flush.ms and flush(): fsync exactly when asked, never otherwise. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import { RECOVERY_POINT_CHECKPOINT_FILE } from '../../src/storage/file/checkpoint.js';
import type { FilePartitionLog } from '../../src/storage/file/partition-log.js';
import { defaultLogConfig } from '../../src/storage/types.js';
import { infosOf, makeSeededBatch } from './batches.js';
import { countingOps, removeTempDirs, tempDir } from './file-helpers.js';

after(removeTempDirs);

async function open(config = defaultLogConfig, clock?: () => number) {
  const { ops, counts } = countingOps();
  const dataDir = await tempDir();
  const store = await FileLogStore.open({ dataDir, fileOps: ops, recoveryCheckpointIntervalMs: 60_000, ...(clock ? { clock } : {}) });
  const log = (await store.openPartition('f', 0, config)) as FilePartitionLog;
  return { store, log, counts, dataDir };
}

function append(log: FilePartitionLog, seed: number, records = 1) {
  const b = makeSeededBatch(seed, records, 20);
  return log.append(b, infosOf(b));
}

describe('flush policy', () => {
  it('never fsyncs appends by default', async () => {
    const { store, log, counts } = await open();
    const before = counts.fsync;
    await Promise.all(Array.from({ length: 200 }, (_, i) => append(log, i, 3)));
    assert.equal(counts.fsync, before);
    assert.ok(counts.writev < 200, `concurrent appends are coalesced (${counts.writev} writes)`);
    await store.close();
  });

  it('fsyncs once flush.messages records are unflushed, before resolving', async () => {
    const { store, log, counts } = await open({ ...defaultLogConfig, flushMessages: 5 });
    const before = counts.fsync;
    for (let i = 0; i < 4; i++) await append(log, i);
    assert.equal(counts.fsync, before);
    await append(log, 4);
    assert.ok(counts.fsync > before, 'the fifth record triggered an fsync before its append resolved');
    assert.equal(log.recoveryPointOffset, 5);
    const after5 = counts.fsync;
    await append(log, 5, 3);
    assert.equal(counts.fsync, after5, 'the count starts again after an fsync');
    await append(log, 6, 2);
    assert.ok(counts.fsync > after5);
    await store.close();
  });

  it('fsyncs when flush.ms has passed (injected clock)', async () => {
    let nowMs = 1_000;
    const { store, log, counts } = await open({ ...defaultLogConfig, flushMs: 500 }, () => nowMs);
    const before = counts.fsync;
    await append(log, 0);
    nowMs += 499;
    await store.runFlushChecks();
    assert.equal(counts.fsync, before);
    nowMs += 1;
    await store.runFlushChecks();
    assert.ok(counts.fsync > before, 'flush.ms elapsed: the periodic check fsynced');
    assert.equal(log.recoveryPointOffset, 1);
    const checked = counts.fsync;
    await store.runFlushChecks();
    assert.equal(counts.fsync, checked, 'nothing unflushed, nothing to do');
    await append(log, 1);
    nowMs += 600;
    await append(log, 2);
    assert.ok(counts.fsync > checked, 'an append finding old unflushed data fsyncs too');
    await store.close();
  });

  it('flush() fsyncs and records the recovery point', async () => {
    const { store, log, counts, dataDir } = await open();
    await append(log, 0, 4);
    const before = counts.fsync;
    await log.flush();
    assert.ok(counts.fsync > before);
    assert.equal(log.recoveryPointOffset, 4);
    assert.equal(await readFile(path.join(dataDir, RECOVERY_POINT_CHECKPOINT_FILE), 'utf8'), '0\n1\nf 0 4\n');
    await store.close();
  });
});
