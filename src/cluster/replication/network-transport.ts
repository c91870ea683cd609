/**
 * The real ReplicaTransport: Kafka's Fetch (v12: by topic name, replica id in ReplicaId) and
 * OffsetForLeaderEpoch (v4) to the leader's advertised listener, over Brook's client connection
 * with the generated codecs. One connection per leader broker, reopened on the next request after
 * a failure (the fetcher backs off meanwhile).
 */
import { Api, type ApiDef } from '../../client/apis.js';
import { BrokerConnections } from '../broker-connections.js';
import * as g from '../../protocol/generated/index.js';
import type { BrokerDirectory } from '../contract.js';
import type { EpochAnswer, EpochQuery, ReplicaFetchRequest, ReplicaFetchResult, ReplicaTransport } from './transport.js';

const offsetForLeaderEpoch: ApiDef<g.OffsetForLeaderEpochRequest, g.OffsetForLeaderEpochResponse> = {
  key: 23,
  name: 'OffsetForLeaderEpoch',
  minVersion: 3,
  maxVersion: 4,
  encode: g.encodeOffsetForLeaderEpochRequest,
  decode: g.decodeOffsetForLeaderEpochResponse,
};
const OFFSET_FOR_LEADER_EPOCH_VERSION = 4;
const FETCH_VERSION = 12;

export interface NetworkTransportOptions {
  directory: BrokerDirectory;
  clientId?: string;
  connectTimeoutMs?: number;
  /** Added to a fetch's max wait for its timeout (Kafka's replica.socket.timeout.ms is 30000). */
  requestTimeoutMs?: number;
}

export class NetworkReplicaTransport implements ReplicaTransport {
  private readonly connections: BrokerConnections;

  constructor(private readonly options: NetworkTransportOptions) {
    this.connections = new BrokerConnections(options.directory, {
      clientId: options.clientId ?? `brook-replica-fetcher-${options.directory.localNodeId}`,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      requestTimeoutMs: this.requestTimeoutMs,
    });
  }

  async fetch(leaderId: number, request: ReplicaFetchRequest): Promise<ReplicaFetchResult[]> {
    const conn = await this.connections.get(leaderId);
    const topics = new Map<string, ReplicaFetchRequest['partitions']>();
    for (const p of request.partitions) {
      const list = topics.get(p.topic) ?? [];
      list.push(p);
      topics.set(p.topic, list);
    }
    const response = await conn.sendVersion(Api.fetch, {
      replicaId: request.replicaId,
      maxWaitMs: request.maxWaitMs,
      minBytes: request.minBytes,
      maxBytes: request.maxBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [...topics].map(([topic, partitions]) => ({
        topic,
        partitions: partitions.map((p) => ({
          partition: p.partition,
          currentLeaderEpoch: p.currentLeaderEpoch,
          fetchOffset: p.fetchOffset,
          lastFetchedEpoch: -1,
          logStartOffset: p.logStartOffset,
          partitionMaxBytes: p.maxBytes,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    }, FETCH_VERSION, { timeoutMs: this.requestTimeoutMs + request.maxWaitMs });
    return response.responses.flatMap((t) => t.partitions.map((p) => ({
      topic: t.topic ?? '',
      partition: p.partitionIndex,
      errorCode: p.errorCode,
      highWatermark: p.highWatermark,
      logStartOffset: p.logStartOffset ?? -1,
      records: p.records && p.records.length > 0 ? [p.records] : [],
    })));
  }

  async offsetsForLeaderEpoch(leaderId: number, replicaId: number, queries: EpochQuery[]): Promise<EpochAnswer[]> {
    const conn = await this.connections.get(leaderId);
    const topics = new Map<string, EpochQuery[]>();
    for (const q of queries) topics.set(q.topic, [...(topics.get(q.topic) ?? []), q]);
    const response = await conn.sendVersion(offsetForLeaderEpoch, {
      replicaId,
      topics: [...topics].map(([topic, qs]) => ({
        topic,
        partitions: qs.map((q) => ({ partition: q.partition, currentLeaderEpoch: q.currentLeaderEpoch, leaderEpoch: q.leaderEpoch })),
      })),
    }, OFFSET_FOR_LEADER_EPOCH_VERSION);
    return response.topics.flatMap((t) => t.partitions.map((p) => ({
      topic: t.topic,
      partition: p.partition,
      errorCode: p.errorCode,
      leaderEpoch: p.leaderEpoch ?? -1,
      endOffset: p.endOffset ?? -1,
    })));
  }

  async close(): Promise<void> {
    await this.connections.close();
  }

  private get requestTimeoutMs(): number {
    return this.options.requestTimeoutMs ?? 30_000;
  }
}
