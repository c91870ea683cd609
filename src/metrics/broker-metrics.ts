/**
 * What the broker records while it serves requests: request counts, errors and latency per API
 * key, and messages/bytes per topic from Produce and Fetch. The connection calls
 * requestCompleted()/requestFailed() once per request; both only touch preallocated counters.
 *
 * Everything that can be read from state instead (connections, log sizes, segments, groups) is
 * read at scrape time by registry.ts, never counted on the request path.
 */
import { RequestStats, HANDLER_EXCEPTION } from './request-stats.js';
import { ApiHistogram } from './api-histogram.js';
import { TopicTraffic } from './topic-traffic.js';
import { ReplicationStats } from './replication-stats.js';
import { countRecordsIn } from './record-count.js';
import { byteLengthOf } from '../records/byte-length.js';
import type { GroupMetricsSource } from './broker-view.js';

const PRODUCE = 0;
const FETCH = 1;

type Records = Buffer | Buffer[] | null | undefined;

interface ProduceBody {
  topicData: { name: string; partitionData: { index: number; records: Records }[] }[];
}
interface ProduceAnswer {
  responses: { name: string; partitionResponses: { index: number; errorCode: number }[] }[];
}
interface FetchAnswer {
  errorCode?: number;
  responses: { topic?: string; topicId?: string; partitions: { errorCode: number; records: Records }[] }[];
}

export interface BrokerMetricsOptions {
  /** Topic name for a topic id (Fetch v13+ answers by id). */
  topicNameById?: (topicId: string) => string | undefined;
}

export class BrokerMetrics {
  readonly requests = new RequestStats();
  readonly traffic = new TopicTraffic();
  /** Hook for cluster code: ISR changes and under-replicated/offline partitions (0 on one node). */
  readonly replication = new ReplicationStats();
  /** fsync rounds of the log store, fed by the store's hook while the endpoint runs (one series). */
  readonly logFlush = new ApiHistogram(1);
  /** Set by the group coordinator when it starts; read at scrape time for lag and members. */
  groupSource: GroupMetricsSource | null = null;
  private readonly topicNameById: (topicId: string) => string | undefined;

  constructor(options: BrokerMetricsOptions = {}) {
    this.topicNameById = options.topicNameById ?? (() => undefined);
  }

  /**
   * A handler answered after `handlerMs`, of which `remoteMs` waiting on others; the request had
   * waited `queueMs` since its frame was read. `response` is undefined for requests that get no
   * answer (acks=0): they count as accepted, and their total time ends here.
   */
  requestCompleted(apiKey: number, request: unknown, response: unknown, handlerMs: number, queueMs = 0, remoteMs = 0): void {
    const stats = this.requests;
    stats.count(apiKey);
    stats.requestQueue.observe(apiKey, queueMs);
    stats.local.observe(apiKey, handlerMs - remoteMs);
    stats.remote.observe(apiKey, remoteMs);
    if (response === undefined) stats.total.observe(apiKey, queueMs + handlerMs);
    else stats.throttle.observe(apiKey, throttleMsOf(response));
    if (apiKey === PRODUCE) this.countProduce(request as ProduceBody, response as ProduceAnswer | undefined);
    else if (apiKey === FETCH) this.countFetch(response as FetchAnswer);
    else this.countTopLevelError(apiKey, response);
  }

  /** The response left: `sendMs` from ready to written, `totalMs` from frame read to written. */
  responseSent(apiKey: number, sendMs: number, totalMs: number): void {
    this.requests.responseSend.observe(apiKey, sendMs);
    this.requests.total.observe(apiKey, totalMs);
  }

  /** A handler threw; the connection closes without an answer. */
  requestFailed(apiKey: number, totalMs: number): void {
    this.requests.count(apiKey);
    this.requests.total.observe(apiKey, totalMs);
    this.requests.error(apiKey, HANDLER_EXCEPTION);
  }

  private countProduce(request: ProduceBody, response: ProduceAnswer | undefined): void {
    const topics = request.topicData;
    for (let t = 0; t < topics.length; t++) {
      const topic = topics[t]!;
      // Responses list topics and partitions in request order; fall back to a search otherwise.
      let answered = response?.responses[t];
      if (answered !== undefined && answered.name !== topic.name) answered = response!.responses.find((r) => r.name === topic.name);
      const counters = this.traffic.counters(topic.name);
      for (let p = 0; p < topic.partitionData.length; p++) {
        const partition = topic.partitionData[p]!;
        const errorCode = answered ? errorCodeOf(answered.partitionResponses, p, partition.index) : 0;
        if (errorCode !== 0) {
          this.requests.error(PRODUCE, errorCode);
          continue;
        }
        counters.messagesIn += countRecordsIn(partition.records);
        counters.bytesIn += byteLengthOf(partition.records);
      }
    }
  }

  private countFetch(response: FetchAnswer): void {
    if (response.errorCode) this.requests.error(FETCH, response.errorCode);
    for (const topic of response.responses) {
      const name = topic.topic || (topic.topicId !== undefined ? this.topicNameById(topic.topicId) : undefined);
      for (const partition of topic.partitions) {
        if (partition.errorCode !== 0) this.requests.error(FETCH, partition.errorCode);
        if (name === undefined || !partition.records) continue;
        const bytes = byteLengthOf(partition.records);
        if (bytes === 0) continue;
        const counters = this.traffic.counters(name);
        counters.bytesOut += bytes;
        counters.messagesOut += countRecordsIn(partition.records);
      }
    }
  }

  private countTopLevelError(apiKey: number, response: unknown): void {
    const code = (response as { errorCode?: unknown } | undefined)?.errorCode;
    if (typeof code === 'number' && code !== 0) this.requests.error(apiKey, code);
  }
}

function errorCodeOf(responses: { index: number; errorCode: number }[], position: number, index: number): number {
  const atPosition = responses[position];
  if (atPosition !== undefined && atPosition.index === index) return atPosition.errorCode;
  return responses.find((r) => r.index === index)?.errorCode ?? 0;
}

function throttleMsOf(response: unknown): number {
  const ms = (response as { throttleTimeMs?: unknown }).throttleTimeMs;
  return typeof ms === 'number' ? ms : 0;
}
