/**
 * What replication sends between brokers, kept small so tests plug an in-memory network
 * (test/sim) and the broker plugs Kafka's Fetch and OffsetForLeaderEpoch over a client connection
 * (network-transport.ts). Error codes are Kafka's (src/protocol/errors.ts).
 */
export interface ReplicaFetchPartition {
  topic: string;
  partition: number;
  fetchOffset: number;
  /** The leader epoch the follower believes is current (the leader fences older/newer ones). */
  currentLeaderEpoch: number;
  logStartOffset: number;
  maxBytes: number;
}

export interface ReplicaFetchRequest {
  /** The follower's broker id (Fetch's ReplicaState.ReplicaId from v15, ReplicaId before). */
  replicaId: number;
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  partitions: ReplicaFetchPartition[];
}

export interface ReplicaFetchResult {
  topic: string;
  partition: number;
  errorCode: number;
  highWatermark: number;
  logStartOffset: number;
  /** Whole batches carrying the leader's offsets, or empty. */
  records: Buffer[];
}

export interface EpochQuery {
  topic: string;
  partition: number;
  currentLeaderEpoch: number;
  leaderEpoch: number;
}

export interface EpochAnswer {
  topic: string;
  partition: number;
  errorCode: number;
  leaderEpoch: number;
  endOffset: number;
}

export interface ReplicaTransport {
  fetch(leaderId: number, request: ReplicaFetchRequest): Promise<ReplicaFetchResult[]>;
  offsetsForLeaderEpoch(leaderId: number, replicaId: number, queries: EpochQuery[]): Promise<EpochAnswer[]>;
  close(): Promise<void>;
}
