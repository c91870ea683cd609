/**
 * Kafka's LogCleaner.groupSegmentsBySize: adjacent segments a pass cleans are rewritten together
 * into one segment when their sizes before cleaning add up to at most segment.bytes, their index
 * entries fit one index of segment.index.bytes, and their offsets fit int32 relative offsets.
 * Segments a previous pass already shrank are merged this way, so a compacted log does not keep
 * one tiny segment (three files, fds) per original segment. Pure.
 */
import { OFFSET_INDEX_ENTRY_BYTES } from '../file/offset-index.js';
import { TIME_INDEX_ENTRY_BYTES } from '../file/time-index.js';
import { MAX_RELATIVE_OFFSET } from '../file/segment.js';

export interface SegmentSpan {
  baseOffset: number;
  nextOffset: number;
  sizeBytes: number;
}

export interface GroupLimits {
  /** segment.bytes */
  segmentBytes: number;
  /** segment.index.bytes */
  segmentIndexBytes: number;
  /** index.interval.bytes: an index holds at most one entry per this many log bytes (plus one). */
  indexIntervalBytes: number;
}

/** Groups `segments` (adjacent, oldest first) in order; every segment is in exactly one group. */
export function groupSegmentsBySize<T extends SegmentSpan>(segments: readonly T[], limits: GroupLimits): T[][] {
  const groups: T[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]!];
    let bytes = segments[i]!.sizeBytes;
    for (i++; i < segments.length; i++) {
      const next = segments[i]!;
      if (bytes + next.sizeBytes > limits.segmentBytes) break;
      if (!indexFits(bytes + next.sizeBytes, limits)) break;
      if (next.nextOffset - 1 - group[0]!.baseOffset > MAX_RELATIVE_OFFSET) break;
      group.push(next);
      bytes += next.sizeBytes;
    }
    groups.push(group);
  }
  return groups;
}

/** Whether the indexes of a segment of `logBytes` fit segment.index.bytes (worst case). */
function indexFits(logBytes: number, limits: GroupLimits): boolean {
  const entries = Math.floor(logBytes / Math.max(1, limits.indexIntervalBytes)) + 1;
  return entries * Math.max(OFFSET_INDEX_ENTRY_BYTES, TIME_INDEX_ENTRY_BYTES) <= limits.segmentIndexBytes;
}
