/**
 * Names of a partition's files, as Kafka lays them out:
 *
 *   <dataDir>/<topic>-<partition>/
 *     00000000000000000000.log        record batches (see segment.ts)
 *     00000000000000000000.index      offset index    (see offset-index.ts)
 *     00000000000000000000.timeindex  time index      (see time-index.ts)
 *     00000000000000000000.txnindex   aborted transactions (see ../txn-index.ts)
 *     partition.metadata              topic id        (see meta-files.ts)
 *
 * A segment is named by its base offset, zero-padded to 20 digits so names sort like offsets.
 */
import * as path from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const TXN_INDEX_SUFFIX = '.txnindex';

const BASE_OFFSET_DIGITS = 20;
const SEGMENT_NAME = /^(\d{20})\.(log|index|timeindex|txnindex)$/;

export function segmentFileName(baseOffset: number, suffix: string): string {
  return String(baseOffset).padStart(BASE_OFFSET_DIGITS, '0') + suffix;
}

export interface SegmentPaths {
  log: string;
  index: string;
  timeIndex: string;
  txnIndex: string;
}

export function segmentPaths(dir: string, baseOffset: number): SegmentPaths {
  return {
    log: path.join(dir, segmentFileName(baseOffset, LOG_SUFFIX)),
    index: path.join(dir, segmentFileName(baseOffset, INDEX_SUFFIX)),
    timeIndex: path.join(dir, segmentFileName(baseOffset, TIME_INDEX_SUFFIX)),
    txnIndex: path.join(dir, segmentFileName(baseOffset, TXN_INDEX_SUFFIX)),
  };
}

/** Parses `00000000000000000042.log` into { baseOffset: 42, kind: 'log' }, or null. */
export function parseSegmentFileName(name: string): { baseOffset: number; kind: string } | null {
  const m = SEGMENT_NAME.exec(name);
  if (!m) return null;
  return { baseOffset: Number(m[1]), kind: m[2]! };
}

export function partitionDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** Splits `<topic>-<partition>` at the last dash; topic names may themselves contain dashes. */
export function parsePartitionDirName(name: string): { topic: string; partition: number } | null {
  const dash = name.lastIndexOf('-');
  if (dash <= 0) return null;
  const digits = name.slice(dash + 1);
  if (!/^\d+$/.test(digits)) return null;
  return { topic: name.slice(0, dash), partition: Number(digits) };
}
