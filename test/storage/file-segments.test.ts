/** FileLogStore segments: rolling by size, time and full index; restart; the tail cache. */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import type { FilePartitionLog } from '../../src/storage/file/partition-log.js';
import { defaultLogConfig, type LogConfig } from '../../src/storage/types.js';
import { infosOf, makeBatch, makeSeededBatch, withBaseOffset } from './batches.js';
import { appendBatches, readAll } from './conformance.js';
import { countingOps, removeTempDirs, tempDir } from './file-helpers.js';

after(removeTempDirs);

async function segmentFiles(dir: string): Promise<string[]> {
  return (await readdir(dir)).filter((n) => /^\d{20}\./.test(n)).sort();
}

/** A batch of exactly `bytes` bytes holding one record. */
function batchOfSize(bytes: number, timestampMs = 1_700_000_000_000): Buffer {
  // Record framing is 7 to 9 bytes depending on varint sizes: try the few candidates.
  for (let framing = 7; framing <= 9; framing++) {
    const b = makeBatch({ values: [Buffer.alloc(bytes - 61 - framing, 0x62)], baseTimestampMs: timestampMs });
    if (b.length === bytes) return b;
  }
  throw new Error(`no batch of exactly ${bytes} bytes`);
}

describe('FileLogStore segments', () => {
  it('rolls when the active segment would exceed segmentBytes', async () => {
    const dataDir = await tempDir();
    const store = await FileLogStore.open({ dataDir });
    const config: LogConfig = { ...defaultLogConfig, segmentBytes: 1000 };
    const log = await store.openPartition('roll', 0, config);
    const expected: Buffer[] = [];
    for (let i = 0; i < 10; i++) {
      const b = batchOfSize(300);
      expected.push(withBaseOffset(b, i));
      await log.append(b, infosOf(b));
    }
    assert.deepEqual(log.segmentBaseOffsets, [0, 3, 6, 9]);
    const files = await segmentFiles(path.join(dataDir, 'roll-0'));
    assert.deepEqual(files, [0, 3, 6, 9].flatMap((o) => {
      const name = String(o).padStart(20, '0');
      return [`${name}.index`, `${name}.log`, `${name}.timeindex`, `${name}.txnindex`];
    }));
    assert.equal((await readFile(path.join(dataDir, 'roll-0', '00000000000000000003.log'))).length, 900);
    assert.deepEqual(await readAll(log), expected);
    await store.close();
  });

  it('rolls when segmentMs has passed since the first batch (injected clock)', async () => {
    let nowMs = 50_000;
    const store = await FileLogStore.open({ dataDir: await tempDir(), clock: () => nowMs });
    const log = await store.openPartition('timed', 0, { ...defaultLogConfig, segmentMs: 100 });
    await appendBatches(log, [makeSeededBatch(0, 1, 10)]);
    nowMs += 100;
    await appendBatches(log, [makeSeededBatch(1, 1, 10)]);
    assert.deepEqual(log.segmentBaseOffsets, [0], 'not yet: exactly segmentMs old');
    nowMs += 1;
    await appendBatches(log, [makeSeededBatch(2, 1, 10)]);
    assert.deepEqual(log.segmentBaseOffsets, [0, 2]);
    nowMs += 99;
    await appendBatches(log, [makeSeededBatch(3, 1, 10)]);
    assert.deepEqual(log.segmentBaseOffsets, [0, 2], 'the new segment is aged from its own first batch');
    nowMs += 2;
    await appendBatches(log, [makeSeededBatch(4, 1, 10)]);
    assert.deepEqual(log.segmentBaseOffsets, [0, 2, 4]);
    assert.equal((await readAll(log)).length, 5);
    await store.close();
  });

  it('rolls when an index is full', async () => {
    const store = await FileLogStore.open({ dataDir: await tempDir() });
    // Room for 3 offset entries and 2 time entries; an entry for every batch after the first.
    const config: LogConfig = { ...defaultLogConfig, segmentIndexBytes: 24, indexIntervalBytes: 0 };
    const log = (await store.openPartition('full', 0, config)) as FilePartitionLog;
    for (let i = 0; i < 9; i++) await appendBatches(log, [makeSeededBatch(i, 1, 10, 1000 + i)]);
    // Time index: entries at batches 1 and 2 fill it, so batch 3 starts a segment, and so on.
    assert.deepEqual(log.segmentBaseOffsets, [0, 3, 6]);
    assert.equal((await readAll(log)).length, 9);
    await store.close();
  });

  it('reads everything back after a restart and continues the offsets', async () => {
    const dataDir = await tempDir();
    const config: LogConfig = { ...defaultLogConfig, segmentBytes: 8 * 1024, indexIntervalBytes: 256 };
    const expected: Buffer[] = [];
    let store = await FileLogStore.open({ dataDir });
    let log = (await store.openPartition('restart', 0, config)) as FilePartitionLog;
    const t = 1_700_000_000_000;
    for (let i = 0; i < 120; i++) {
      const b = makeSeededBatch(i, 1 + (i % 3), 80, t + i);
      const r = await log.append(b, infosOf(b));
      expected.push(withBaseOffset(b, r.baseOffset));
    }
    const endOffset = log.logEndOffset;
    const segments = log.segmentBaseOffsets;
    assert.ok(segments.length > 3);
    await store.close();

    store = await FileLogStore.open({ dataDir, tailCacheBytes: 0 });
    assert.equal(store.cleanShutdown, true);
    log = (await store.openPartition('restart', 0, config)) as FilePartitionLog;
    assert.equal(log.logEndOffset, endOffset);
    assert.deepEqual(log.segmentBaseOffsets, segments);
    assert.deepEqual(await readAll(log), expected);
    assert.deepEqual(log.maxTimestamp(), { offset: endOffset - 1, timestampMs: t + 119 });
    const hit = await log.offsetForTimestamp(t + 10);
    assert.equal(hit?.timestampMs, t + 10);
    const next = makeSeededBatch(999, 2, 10);
    const r = await log.append(next, infosOf(next));
    assert.equal(r.baseOffset, endOffset);
    assert.deepEqual((await readAll(log, endOffset))[0], withBaseOffset(next, endOffset));
    await store.close();
  });

  it('serves tail reads from memory and older reads from disk', async () => {
    const { ops, counts } = countingOps();
    const store = await FileLogStore.open({ dataDir: await tempDir(), fileOps: ops, tailCacheBytes: 4096 });
    const log = await store.openPartition('tail', 0, { ...defaultLogConfig, segmentBytes: 4096 });
    for (let i = 0; i < 100; i++) await appendBatches(log, [makeSeededBatch(i, 1, 200)]);
    const before = counts.read;
    const tail = await log.read(99, { maxBytes: 1 << 20, minOneBatch: true });
    assert.equal(tail.bytes > 0, true);
    assert.equal(counts.read, before, 'the newest batch came from the tail cache');
    const old = await log.read(3, { maxBytes: 1000, minOneBatch: true });
    assert.equal(old.bytes > 0, true);
    assert.ok(counts.read > before, 'an old batch came from disk');
    await store.close();
  });

  it('writes partition.metadata and meta.properties like Kafka', async () => {
    const dataDir = await tempDir();
    const store = await FileLogStore.open({ dataDir, nodeId: 7 });
    await store.saveTopics([{ name: 'known', topicId: 'q1Bz3Hc6TVG1JZW5n9Cx7g', partitionCount: 1, configs: {} }]);
    await store.openPartition('known', 0, defaultLogConfig);
    assert.equal(await readFile(path.join(dataDir, 'known-0', 'partition.metadata'), 'utf8'), 'version: 0\ntopic_id: q1Bz3Hc6TVG1JZW5n9Cx7g\n');
    assert.equal(await store.clusterId(() => 'MkU3OEVBNTcwNTJENDM2Qg'), 'MkU3OEVBNTcwNTJENDM2Qg');
    const props = await readFile(path.join(dataDir, 'meta.properties'), 'utf8');
    assert.match(props, /^cluster\.id=MkU3OEVBNTcwNTJENDM2Qg$/m);
    assert.match(props, /^node\.id=7$/m);
    assert.match(props, /^version=1$/m);
    assert.match(props, /^directory\.id=[A-Za-z0-9_-]{22}$/m);
    await store.close();
    const again = await FileLogStore.open({ dataDir });
    assert.equal(await again.clusterId(() => 'other'), 'MkU3OEVBNTcwNTJENDM2Qg');
    await again.close();
  });

  it('fails appends after a write error and recovers on reopen', async () => {
    const dataDir = await tempDir();
    const { ops, failWrites } = countingOps();
    const store = await FileLogStore.open({ dataDir, fileOps: ops });
    const log = await store.openPartition('eio', 0, defaultLogConfig);
    await appendBatches(log, [makeSeededBatch(0, 2, 10)]);
    failWrites(true);
    await assert.rejects(appendBatches(log, [makeSeededBatch(1, 2, 10)]), { name: 'StorageFailedError' });
    failWrites(false);
    await assert.rejects(appendBatches(log, [makeSeededBatch(2, 2, 10)]), { name: 'StorageFailedError' });
    await store.close();
    const reopened = await FileLogStore.open({ dataDir });
    const again = await reopened.openPartition('eio', 0, defaultLogConfig);
    assert.equal(again.logEndOffset, 2, 'only the acknowledged batch survives');
    await reopened.close();
  });
});
