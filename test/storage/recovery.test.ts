/**
 * FileLogStore recovery: torn or corrupt tails are cut at the last valid batch and reported,
 * everything before them kept; only the data after the recovery point is validated.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, readFile, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CLEAN_SHUTDOWN_FILE, FileLogStore } from '../../src/storage/file/file-store.js';
import { RECOVERY_POINT_CHECKPOINT_FILE } from '../../src/storage/file/checkpoint.js';
import type { FilePartitionLog } from '../../src/storage/file/partition-log.js';
import { defaultLogConfig, type LogConfig } from '../../src/storage/types.js';
import { infosOf, makeSeededBatch, withBaseOffset } from './batches.js';
import { readAll } from './conformance.js';
import { removeTempDirs, tempDir } from './file-helpers.js';

after(removeTempDirs);

const config: LogConfig = { ...defaultLogConfig, segmentBytes: 4096, indexIntervalBytes: 256 };
const TOPIC = 'rec';

interface Written {
  dataDir: string;
  dir: string;
  batches: Buffer[];
  endOffset: number;
  segments: number[];
}

/** Writes `count` batches (3 records each) and closes cleanly. */
async function writeLog(count: number): Promise<Written> {
  const dataDir = await tempDir();
  const store = await FileLogStore.open({ dataDir });
  const log = (await store.openPartition(TOPIC, 0, config)) as FilePartitionLog;
  const batches: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const b = makeSeededBatch(i, 3, 60);
    const r = await log.append(b, infosOf(b));
    batches.push(withBaseOffset(b, r.baseOffset));
  }
  const written = { dataDir, dir: path.join(dataDir, `${TOPIC}-0`), batches, endOffset: log.logEndOffset, segments: log.segmentBaseOffsets };
  await store.close();
  return written;
}

function segmentLog(w: Written, base: number): string {
  return path.join(w.dir, `${String(base).padStart(20, '0')}.log`);
}

/** Makes the next open treat the log as after a crash with no recovery point. */
async function forgetCleanShutdown(w: Written): Promise<void> {
  await unlink(path.join(w.dataDir, CLEAN_SHUTDOWN_FILE));
  await unlink(path.join(w.dataDir, RECOVERY_POINT_CHECKPOINT_FILE));
}

async function reopen(w: Written) {
  const store = await FileLogStore.open({ dataDir: w.dataDir, tailCacheBytes: 0 });
  const log = (await store.openPartition(TOPIC, 0, config)) as FilePartitionLog;
  return { store, log, report: store.recoveryReports[0]! };
}

describe('FileLogStore recovery', () => {
  it('cuts garbage appended after the last batch, even after a clean shutdown', async () => {
    const w = await writeLog(60);
    const last = segmentLog(w, w.segments.at(-1)!);
    const size = (await stat(last)).size;
    await appendFile(last, Buffer.from('this is not a record batch at all, just junk bytes'));
    const { store, log, report } = await reopen(w);
    assert.equal(report.truncations.length, 1);
    assert.equal(report.truncations[0]!.validBytes, size);
    assert.equal(report.truncations[0]!.truncatedBytes, 50);
    assert.equal((await stat(last)).size, size);
    assert.equal(log.logEndOffset, w.endOffset);
    assert.deepEqual(await readAll(log), w.batches);
    await store.close();
  });

  it('cuts a batch torn in the middle and keeps everything before it', async () => {
    const w = await writeLog(60);
    const last = segmentLog(w, w.segments.at(-1)!);
    const size = (await stat(last)).size;
    const lastBatch = w.batches.at(-1)!;
    await truncate(last, size - 10);
    await forgetCleanShutdown(w);
    const { store, log, report } = await reopen(w);
    assert.deepEqual(report.truncations.map((t) => [t.segmentBaseOffset, t.validBytes, t.truncatedBytes]), [
      [w.segments.at(-1)!, size - lastBatch.length, lastBatch.length - 10],
    ]);
    assert.match(report.truncations[0]!.reason, /cut off by end of file/);
    assert.equal(log.logEndOffset, w.endOffset - 3);
    assert.deepEqual(await readAll(log), w.batches.slice(0, -1));
    const b = makeSeededBatch(1000, 2, 10);
    assert.equal((await log.append(b, infosOf(b))).baseOffset, w.endOffset - 3, 'appends continue at the cut');
    await store.close();
  });

  it('cuts at a batch whose CRC does not match', async () => {
    const w = await writeLog(60);
    const lastBase = w.segments.at(-1)!;
    const last = segmentLog(w, lastBase);
    const bytes = await readFile(last);
    // Flip one byte in the records of the second batch of the last segment.
    const inSegment = w.batches.filter((b) => b.readUInt32BE(4) >= lastBase);
    const firstSize = inSegment[0]!.length;
    bytes[firstSize + 70] ^= 0xff;
    await writeFile(last, bytes);
    await forgetCleanShutdown(w);
    const { store, log, report } = await reopen(w);
    assert.equal(report.truncations.length, 1);
    assert.match(report.truncations[0]!.reason, /CRC mismatch/);
    assert.equal(report.truncations[0]!.validBytes, firstSize);
    assert.equal(log.logEndOffset, lastBase + 3);
    const kept = w.batches.filter((b) => b.readUInt32BE(4) < lastBase + 3);
    assert.deepEqual(await readAll(log), kept);
    await store.close();
  });

  it('deletes the segments after one that was cut short', async () => {
    const w = await writeLog(60);
    assert.ok(w.segments.length >= 3);
    const second = w.segments[1]!;
    const file = segmentLog(w, second);
    await truncate(file, (await stat(file)).size - 1);
    await forgetCleanShutdown(w);
    const { store, log, report } = await reopen(w);
    assert.equal(report.truncations[0]!.segmentBaseOffset, second);
    assert.deepEqual(report.deletedSegments, w.segments.slice(2));
    assert.deepEqual(log.segmentBaseOffsets, w.segments.slice(0, 2));
    assert.equal(log.logEndOffset, w.segments[2]! - 3);
    assert.deepEqual(await readAll(log), w.batches.filter((b) => b.readUInt32BE(4) < w.segments[2]! - 3));
    await store.close();
  });

  it('validates only what follows the recovery point', async () => {
    const w = await writeLog(200);
    // Pretend only the first 150 batches were fsynced.
    const recoveryPoint = 150 * 3;
    await unlink(path.join(w.dataDir, CLEAN_SHUTDOWN_FILE));
    await writeFile(path.join(w.dataDir, RECOVERY_POINT_CHECKPOINT_FILE), `0\n1\n${TOPIC} 0 ${recoveryPoint}\n`);
    const { store, log, report } = await reopen(w);
    const unflushedBytes = w.batches.slice(150).reduce((n, b) => n + b.length, 0);
    assert.equal(report.recoveryPointOffset, recoveryPoint);
    assert.equal(report.bytesValidated, unflushedBytes);
    assert.ok(report.segmentsRecovered < report.segmentCount / 2, `${report.segmentsRecovered} of ${report.segmentCount} segments recovered`);
    assert.ok(report.bytesWalked <= config.indexIntervalBytes + 2 * w.batches[0]!.length, `walked ${report.bytesWalked}`);
    assert.deepEqual(report.truncations, []);
    assert.equal(log.logEndOffset, w.endOffset);
    assert.deepEqual(await readAll(log), w.batches);
    await store.close();
  });

  it('scans nothing but the active segment tail after a clean shutdown', async () => {
    const w = await writeLog(200);
    const { store, log, report } = await reopen(w);
    assert.equal(report.cleanShutdown, true);
    assert.equal(report.bytesValidated, 0);
    assert.equal(report.segmentsRecovered, 1);
    assert.ok(report.bytesWalked <= config.indexIntervalBytes + 2 * w.batches[0]!.length, `walked ${report.bytesWalked}`);
    assert.equal(log.logEndOffset, w.endOffset);
    await store.close();
  });

  it('drops index entries that point past the end of the log', async () => {
    const w = await writeLog(60);
    const base = String(w.segments.at(-1)!).padStart(20, '0');
    const index = path.join(w.dir, `${base}.index`);
    const timeIndex = path.join(w.dir, `${base}.timeindex`);
    const [indexBytes, timeBytes] = [await readFile(index), await readFile(timeIndex)];
    // What an OS crash can leave: entries whose log bytes never reached the disk.
    await appendFile(index, Buffer.from('00000fff00ffffff', 'hex'));
    await appendFile(timeIndex, Buffer.from('7fffffffffffffff00000fff', 'hex'));
    // Also without a recovery point entry: a clean shutdown marker alone trusts all the data.
    await writeFile(path.join(w.dataDir, RECOVERY_POINT_CHECKPOINT_FILE), '0\n0\n');
    const { store, log, report } = await reopen(w);
    assert.deepEqual(report.truncations, []);
    assert.deepEqual(await readFile(index), indexBytes);
    assert.deepEqual(await readFile(timeIndex), timeBytes);
    assert.deepEqual(await readAll(log), w.batches);
    assert.equal(log.maxTimestamp()!.timestampMs, 1_700_000_000_000 + 59);
    await store.close();
  });

  it('validates every segment when there is no recovery point', async () => {
    const w = await writeLog(100);
    await forgetCleanShutdown(w);
    const { store, report } = await reopen(w);
    const total = w.batches.reduce((n, b) => n + b.length, 0);
    assert.equal(report.bytesValidated, total);
    assert.equal(report.segmentsRecovered, w.segments.length);
    assert.deepEqual(report.truncations, []);
    assert.deepEqual(report.rebuiltIndexes, [], 'validating is not rebuilding a missing index');
    assert.equal(store.stats.bytesValidated, total);
    await store.close();
  });
});
