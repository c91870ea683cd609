/** Kafka's replication configs, camelCase with units last, and their defaults. */
export interface ReplicationSettings {
  /** `replica.lag.time.max.ms`: a follower not caught up for this long leaves the ISR. */
  replicaLagTimeMaxMs: number;
  /** `replica.fetch.wait.max.ms`: how long a follower's fetch waits on the leader for data. */
  replicaFetchWaitMaxMs: number;
  /** `replica.fetch.min.bytes`. */
  replicaFetchMinBytes: number;
  /** `replica.fetch.max.bytes`: per partition. */
  replicaFetchMaxBytes: number;
  /** `replica.fetch.response.max.bytes`: per request. */
  replicaFetchResponseMaxBytes: number;
  /** `replica.fetch.backoff.ms`: pause after a failed fetch. */
  replicaFetchBackoffMs: number;
  /** `leader.replication.throttled.rate`: bytes/s a leader sends to replicas being added by a reassignment (0: unlimited). */
  leaderThrottledRateBytesPerSec: number;
  /** `follower.replication.throttled.rate`: bytes/s a broker fetches for its replicas being added (0: unlimited). */
  followerThrottledRateBytesPerSec: number;
}

export const defaultReplicationSettings: ReplicationSettings = {
  replicaLagTimeMaxMs: 30_000,
  replicaFetchWaitMaxMs: 500,
  replicaFetchMinBytes: 1,
  replicaFetchMaxBytes: 1024 * 1024,
  replicaFetchResponseMaxBytes: 10 * 1024 * 1024,
  replicaFetchBackoffMs: 1000,
  leaderThrottledRateBytesPerSec: 0,
  followerThrottledRateBytesPerSec: 0,
};
