/**
 * What a log store has done that operators watch: fsync latency, retention deletions and log
 * cleaner passes. The store keeps one of these (`FileLogStore.activity`); the metrics endpoint
 * reads the counters at scrape time and sets `onFsyncMs` only when it is running, so a broker
 * without metrics pays one null check per fsync.
 */
export class StorageActivity {
  /** Told the duration of every fsync round of a partition (all its dirty files); null = nobody listens. */
  onFsyncMs: ((durationMs: number) => void) | null = null;
  /** Segments deleted by retention passes (time, size, log start), Kafka's DeletedSegments. */
  retentionSegmentsDeleted = 0;
  /** Log cleaner passes that cleaned a partition. */
  cleanerRuns = 0;
  /** Bytes the cleaner read from dirty segments (Kafka: cleaner bytes read). */
  cleanerBytesRead = 0;
  /** Bytes the cleaner wrote back (the cleaned segments). */
  cleanerBytesWritten = 0;
  /** Duration of the last cleaner pass that cleaned something; NaN before the first. */
  cleanerLastDurationMs = NaN;
}
