/**
 * Which segments a retention pass deletes (Kafka's UnifiedLog.deleteOldSegments), as pure
 * functions over a summary of the segments so both stores and the tests share one rule. Each
 * rule returns how many segments, from the oldest, it would delete:
 *
 *  - retention.ms: segments whose newest record is older than retentionMs (cleanup.policy delete);
 *  - retention.bytes: oldest segments while the log stays at least retentionBytes without them
 *    (cleanup.policy delete);
 *  - log start offset: segments wholly below the log start offset (any policy; DeleteRecords).
 *
 * Like Kafka, a segment is only deletable once it lies wholly below `upperBoundOffset` (the high
 * watermark: what was written), and the last segment only when it is not empty; deleting every
 * segment is the caller's cue to roll a new empty one first.
 */

export interface SegmentSummary {
  baseOffset: number;
  /** Offset after its last record. */
  nextOffset: number;
  sizeBytes: number;
  /** Newest record timestamp (or file time when the segment has none), Kafka's largestTimestamp. */
  largestTimestampMs: number;
}

type Predicate = (seg: SegmentSummary, next: SegmentSummary | undefined) => boolean;

function deletablePrefix(segments: readonly SegmentSummary[], upperBoundOffset: number, predicate: Predicate): number {
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i]!;
    const next = segments[i + 1];
    const lastAndEmpty = next === undefined && seg.sizeBytes === 0;
    const endOffset = next ? next.baseOffset : seg.nextOffset;
    if (lastAndEmpty || endOffset > upperBoundOffset || !predicate(seg, next)) break;
    count++;
  }
  return count;
}

export function retentionMsBreaches(segments: readonly SegmentSummary[], retentionMs: number, nowMs: number, upperBoundOffset: number): number {
  if (retentionMs < 0) return 0;
  return deletablePrefix(segments, upperBoundOffset, (seg) => nowMs - seg.largestTimestampMs > retentionMs);
}

export function retentionBytesBreaches(segments: readonly SegmentSummary[], retentionBytes: number, upperBoundOffset: number): number {
  if (retentionBytes < 0) return 0;
  let diff = -retentionBytes;
  for (const seg of segments) diff += seg.sizeBytes;
  if (diff <= 0) return 0;
  return deletablePrefix(segments, upperBoundOffset, (seg) => {
    if (diff - seg.sizeBytes < 0) return false;
    diff -= seg.sizeBytes;
    return true;
  });
}

export function logStartBreaches(segments: readonly SegmentSummary[], logStartOffset: number, upperBoundOffset: number): number {
  return deletablePrefix(segments, upperBoundOffset, (_seg, next) => next !== undefined && next.baseOffset <= logStartOffset);
}
