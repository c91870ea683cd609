/**
 * The .log, .index and .timeindex files, byte for byte, for a known sequence, worked out by hand
 * from Kafka's rules (LogSegment.append / OffsetIndex / TimeIndex):
 *
 *   indexIntervalBytes 100, segmentBytes 704, every batch 88 bytes and 1 record, batch i at
 *   offset i. An offset index entry (batch last offset, batch position) is added for a batch when
 *   more than 100 bytes were written since the last entry's position: batches 2, 4, 6. A time
 *   index entry (max timestamp so far, last offset of the batch that first reached it) is added
 *   with each offset index entry when the max grew, plus one when the segment is sealed.
 *
 *   segment 0, timestamps 1000 3000 2000 2500 5000 4000 4500 6000 (offsets 0..7):
 *     .index      (2,176) (4,352) (6,528)
 *     .timeindex  (3000,1) (5000,4) and on roll (6000,7)
 *   batch 8 would make 792 > 704 bytes: segment 8, timestamps 7000 6500 8000 (offsets 8..10):
 *     .index      (rel 2, 176)
 *     .timeindex  (8000, rel 2); on close the max is still 8000@10, so nothing more
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { FileLogStore, CLEAN_SHUTDOWN_FILE } from '../../src/storage/file/file-store.js';
import { defaultLogConfig, type LogConfig } from '../../src/storage/types.js';
import { infosOf, makeBatch, withBaseOffset } from './batches.js';
import { readAll } from './conformance.js';
import { removeTempDirs, tempDir } from './file-helpers.js';

after(removeTempDirs);

const config: LogConfig = { ...defaultLogConfig, segmentBytes: 704, indexIntervalBytes: 100 };
const timestamps = [1000, 3000, 2000, 2500, 5000, 4000, 4500, 6000, 7000, 6500, 8000];

function hex(...words: string[]): Buffer {
  return Buffer.from(words.join(''), 'hex');
}

const SEG0_INDEX = hex('00000002', '000000b0', '00000004', '00000160', '00000006', '00000210');
const SEG0_TIMEINDEX = hex(
  '0000000000000bb8', '00000001',
  '0000000000001388', '00000004',
  '0000000000001770', '00000007',
);
const SEG1_INDEX = hex('00000002', '000000b0');
const SEG1_TIMEINDEX = hex('0000000000001f40', '00000002');

describe('segment file formats', () => {
  it('match Kafka byte for byte for a known sequence', async () => {
    const dataDir = await tempDir();
    const dir = path.join(dataDir, 'fmt-0');
    const store = await FileLogStore.open({ dataDir });
    const log = await store.openPartition('fmt', 0, config);
    const expectedLog: Buffer[] = [];
    for (const [i, ts] of timestamps.entries()) {
      const b = makeBatch({ values: [Buffer.alloc(20, 0x41 + i)], baseTimestampMs: ts });
      assert.equal(b.length, 88);
      expectedLog.push(withBaseOffset(b, i));
      await log.append(b, infosOf(b));
    }
    await store.close();

    const seg0 = '00000000000000000000';
    const seg1 = '00000000000000000008';
    assert.deepEqual(await readFile(path.join(dir, `${seg0}.log`)), Buffer.concat(expectedLog.slice(0, 8)));
    assert.deepEqual(await readFile(path.join(dir, `${seg1}.log`)), Buffer.concat(expectedLog.slice(8)));
    assert.deepEqual(await readFile(path.join(dir, `${seg0}.index`)), SEG0_INDEX);
    assert.deepEqual(await readFile(path.join(dir, `${seg0}.timeindex`)), SEG0_TIMEINDEX);
    assert.deepEqual(await readFile(path.join(dir, `${seg1}.index`)), SEG1_INDEX);
    assert.deepEqual(await readFile(path.join(dir, `${seg1}.timeindex`)), SEG1_TIMEINDEX);
  });

  it('rebuilds deleted indexes identically', async () => {
    const dataDir = await tempDir();
    const dir = path.join(dataDir, 'fmt-0');
    let store = await FileLogStore.open({ dataDir });
    let log = await store.openPartition('fmt', 0, config);
    const expected: Buffer[] = [];
    for (const [i, ts] of timestamps.entries()) {
      const b = makeBatch({ values: [Buffer.alloc(20, 0x41 + i)], baseTimestampMs: ts });
      expected.push(withBaseOffset(b, i));
      await log.append(b, infosOf(b));
    }
    await store.close();
    const seg0 = path.join(dir, '00000000000000000000');
    const seg1 = path.join(dir, '00000000000000000008');
    await unlink(`${seg0}.index`);
    await unlink(`${seg0}.timeindex`);
    await unlink(`${seg1}.index`);

    store = await FileLogStore.open({ dataDir, tailCacheBytes: 0 });
    log = await store.openPartition('fmt', 0, config);
    const report = store.recoveryReports[0]!;
    assert.deepEqual(report.rebuiltIndexes, [0, 8]);
    assert.deepEqual(report.truncations, []);
    assert.deepEqual(await readFile(`${seg0}.index`), SEG0_INDEX);
    assert.deepEqual(await readFile(`${seg0}.timeindex`), SEG0_TIMEINDEX);
    assert.deepEqual(await readFile(`${seg1}.index`), SEG1_INDEX);
    assert.deepEqual(await readFile(`${seg1}.timeindex`), SEG1_TIMEINDEX);
    assert.deepEqual(await readAll(log), expected);
    assert.deepEqual(await log.offsetForTimestamp(4000), { offset: 4, timestampMs: 5000 });
    await store.close();
  });

  it('treats a truncated (partial entry) index as missing', async () => {
    const dataDir = await tempDir();
    let store = await FileLogStore.open({ dataDir });
    let log = await store.openPartition('fmt', 0, config);
    for (const [i, ts] of timestamps.entries()) {
      const b = makeBatch({ values: [Buffer.alloc(20, 0x41 + i)], baseTimestampMs: ts });
      await log.append(b, infosOf(b));
    }
    await store.close();
    const index = path.join(dataDir, 'fmt-0', '00000000000000000000.index');
    const { truncate } = await import('node:fs/promises');
    await truncate(index, 13);
    await unlink(path.join(dataDir, CLEAN_SHUTDOWN_FILE));
    store = await FileLogStore.open({ dataDir });
    log = await store.openPartition('fmt', 0, config);
    assert.deepEqual(store.recoveryReports[0]!.rebuiltIndexes, [0]);
    assert.deepEqual(await readFile(index), SEG0_INDEX);
    assert.equal(log.logEndOffset, 11);
    await store.close();
  });
});
