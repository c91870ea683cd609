/**
 * How appends reach the file: small rounds written on the event loop thread, large ones on the
 * thread pool, short writes continued either way.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import type { FilePartitionLog } from '../../src/storage/file/partition-log.js';
import { nodeFileOps, writevFully, writevFullySync, type FileOps } from '../../src/storage/file/fs-ops.js';
import { defaultLogConfig } from '../../src/storage/types.js';
import { infosOf, makeSeededBatch } from './batches.js';
import { countingOps, removeTempDirs, tempDir } from './file-helpers.js';

after(removeTempDirs);

/** A "file" in memory whose writes take at most `maxBytesPerCall` bytes each. */
function shortWritingOps(file: Buffer, maxBytesPerCall: number): { ops: FileOps; calls: () => number } {
  let calls = 0;
  const write = (buffers: Buffer[], position: number): number => {
    calls++;
    let n = 0;
    for (const b of buffers) {
      const take = Math.min(b.length, maxBytesPerCall - n);
      b.copy(file, position + n, 0, take);
      n += take;
      if (n === maxBytesPerCall) break;
    }
    return n;
  };
  const ops: FileOps = {
    ...nodeFileOps,
    writev: async (_fd, buffers, position) => write(buffers, position),
    writevSync: (_fd, buffers, position) => write(buffers, position),
  };
  return { ops, calls: () => calls };
}

describe('file write path', () => {
  const parts = [Buffer.from('abcde'), Buffer.from('fg'), Buffer.from('hijklmnop')];
  const expected = Buffer.concat([Buffer.alloc(2), ...parts]).toString('latin1');

  it('continues short writes until every byte is written (thread pool)', async () => {
    const file = Buffer.alloc(18);
    const { ops, calls } = shortWritingOps(file, 3);
    await writevFully(ops, 3, parts, 2);
    assert.equal(file.toString('latin1'), expected);
    assert.equal(calls(), 6);
  });

  it('continues short writes until every byte is written (calling thread)', () => {
    const file = Buffer.alloc(18);
    const { ops, calls } = shortWritingOps(file, 4);
    writevFullySync(ops, 3, parts, 2);
    assert.equal(file.toString('latin1'), expected);
    assert.equal(calls(), 4);
  });

  it('fails instead of looping when a write makes no progress', () => {
    const { ops } = shortWritingOps(Buffer.alloc(18), 0);
    assert.throws(() => writevFullySync(ops, 3, parts, 0), /short write: wrote 0 of 16 bytes/);
  });

  it('writes small rounds on the event loop thread and large ones on the thread pool', async () => {
    const { ops, counts } = countingOps();
    const dataDir = await tempDir();
    const store = await FileLogStore.open({ dataDir, fileOps: ops, recoveryCheckpointIntervalMs: 60_000 });
    const log = (await store.openPartition('w', 0, defaultLogConfig)) as FilePartitionLog;
    const small = makeSeededBatch(1, 10, 100);
    const large = makeSeededBatch(2, 100, 1000);
    assert.ok(small.length < 64 * 1024 && large.length > 64 * 1024);

    const before = { ...counts };
    await log.append(small, infosOf(small));
    assert.equal(counts.writevSync - before.writevSync, 1, 'one synchronous write for a small append');
    assert.equal(counts.writev - before.writev, 1);

    const mid = { ...counts };
    await log.append(large, infosOf(large));
    assert.equal(counts.writevSync - mid.writevSync, 0, 'no synchronous write for a round over 64 KiB');
    assert.ok(counts.writev - mid.writev >= 1);

    const onDisk = await readFile(path.join(dataDir, 'w-0', '00000000000000000000.log'));
    assert.equal(onDisk.length, small.length + large.length);
    assert.ok(onDisk.subarray(small.length + 8).equals(large.subarray(8)), 'the large batch follows the small one (base offsets differ)');
    await store.close();
  });

  it('fails the append and the log when a synchronous write fails', async () => {
    const { ops, failWrites } = countingOps();
    const store = await FileLogStore.open({ dataDir: await tempDir(), fileOps: ops, recoveryCheckpointIntervalMs: 60_000 });
    const log = (await store.openPartition('w', 0, defaultLogConfig)) as FilePartitionLog;
    const batch = makeSeededBatch(3, 1, 20);
    failWrites(true);
    await assert.rejects(log.append(batch, infosOf(batch)), /injected write failure/);
    failWrites(false);
    assert.equal(log.failed, true);
    await assert.rejects(log.append(batch, infosOf(batch)), /log failed/);
    await store.close().catch(() => undefined);
  });
});
