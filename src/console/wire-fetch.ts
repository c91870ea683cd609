/**
 * Reads records from one partition's leader with a plain Fetch request, for the message browser.
 * kafkajs has no way to read a partition at an offset without joining a consumer group, which
 * would leave groups behind on the cluster and take seconds per page; one Fetch takes one round
 * trip and leaves nothing behind.
 */
import { decodeBatches } from '../records/record-batch.js';
import { errorByCode } from '../protocol/errors.js';
import { WireConnection } from './wire-connection.js';
import type { BrowsedMessage } from './cluster-client.js';

const FETCH = 1;
const API_VERSIONS = 18;
/** v12 still names topics (v13+ needs topic ids); every broker since Kafka 2.7 has it. */
const PREFERRED_FETCH_VERSION = 12;
const MIN_FETCH_VERSION = 4;
const MAX_FETCH_BYTES = 4 * 1024 * 1024;

export interface FetchTarget {
  host: string;
  port: number;
  topic: string;
  partition: number;
  offset: number;
  limit: number;
}

interface ApiVersionsBody {
  errorCode: number;
  apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[];
}

interface FetchBody {
  errorCode?: number;
  responses: { partitions: { partitionIndex: number; errorCode: number; highWatermark: number; records: Buffer | null }[] }[];
}

export async function fetchMessages(target: FetchTarget, options: { clientId: string; timeoutMs: number }): Promise<BrowsedMessage[]> {
  const connection = await WireConnection.connect(target.host, target.port, options);
  try {
    const versions = await connection.request<ApiVersionsBody>(API_VERSIONS, 0, {});
    const fetchRange = versions.apiKeys.find((k) => k.apiKey === FETCH);
    if (!fetchRange || fetchRange.maxVersion < MIN_FETCH_VERSION) throw new Error('the broker does not support Fetch v4 or later');
    const version = Math.min(PREFERRED_FETCH_VERSION, fetchRange.maxVersion);
    const response = await connection.request<FetchBody>(FETCH, version, {
      replicaId: -1,
      maxWaitMs: 0,
      minBytes: 0,
      maxBytes: MAX_FETCH_BYTES,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: -1,
      topics: [{ topic: target.topic, partitions: [{ partition: target.partition, currentLeaderEpoch: -1, fetchOffset: target.offset, lastFetchedEpoch: -1, logStartOffset: -1, partitionMaxBytes: MAX_FETCH_BYTES }] }],
      forgottenTopicsData: [],
      rackId: '',
    });
    if (response.errorCode) throw new Error(`Fetch failed: ${errorByCode(response.errorCode).name}`);
    const partition = response.responses[0]?.partitions[0];
    if (!partition) return [];
    if (partition.errorCode !== 0) throw new Error(`Fetch failed: ${errorByCode(partition.errorCode).name}`);
    return toMessages(partition.records, target);
  } finally {
    connection.close();
  }
}

function toMessages(records: Buffer | null, target: FetchTarget): BrowsedMessage[] {
  if (!records || records.length === 0) return [];
  const out: BrowsedMessage[] = [];
  for (const batch of decodeBatches(records)) {
    if (batch.isControl) continue;
    for (const r of batch.records) {
      // A fetch starts at the batch holding the offset: skip what comes before it.
      if (r.offset < target.offset) continue;
      out.push({
        partition: target.partition,
        offset: r.offset,
        timestampMs: r.timestampMs,
        key: r.key ? r.key.toString('utf8') : null,
        value: r.value ? r.value.toString('utf8') : null,
        headers: r.headers.map((h) => ({ key: h.key, value: h.value ? h.value.toString('utf8') : null })),
      });
      if (out.length >= target.limit) return out;
    }
  }
  return out;
}
