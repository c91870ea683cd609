/**
 * Producer: records are appended to one open batch per partition; a batch is sent when it reaches
 * batchSizeBytes or lingerMs after its first record. Each send drains into one Produce request per
 * leader (one batch per partition per request), with at most maxInFlightRequests per broker.
 * Retriable failures refresh metadata and resend the same batch after a backoff.
 *
 * Backpressure: bytes buffered but not yet acknowledged are bounded by bufferMemoryBytes; send()
 * waits for room. Idempotence and transactions are not implemented yet: `idempotent: true` is
 * refused rather than faked (the producer id/epoch/sequence fields are where they will go).
 */
import { compressionNames, CompressionType } from '../records/compression.js';
import { encodeBatch, type RecordInput } from '../records/record-batch.js';
import { Api } from './apis.js';
import { Cluster } from './cluster.js';
import { ClientClosedError, ErrorCode, isRetriable, KafkaError, throwIfError } from './errors.js';
import { recordSizeBytes, toRecordHeaders, type ProducerMessage } from './messages.js';
import { resolveClientOptions, toBuffer, type ClientOptions } from './options.js';
import { DefaultPartitioner, type Partitioner } from './partitioner.js';
import { backoffMs, sleep } from './retry.js';

export type Acks = 0 | 1 | -1 | 'all';
export type CompressionName = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerOptions extends ClientOptions {
  /** Default -1 (all). */
  acks?: Acks;
  /** Default 5. */
  lingerMs?: number;
  /** Default 16384. */
  batchSizeBytes?: number;
  /** Default 32 MiB. */
  bufferMemoryBytes?: number;
  /** Default 'none'. */
  compression?: CompressionName;
  /** Default 5. */
  maxInFlightRequests?: number;
  /** Default 1 MiB: a Produce request holds batches up to about this size. */
  maxRequestSizeBytes?: number;
  /** Overrides the default murmur2/sticky partitioner. */
  partitioner?: Partitioner;
  /** Not supported yet (a later issue): true is refused. */
  idempotent?: boolean;
  /** Not supported yet (a later issue). */
  transactionalId?: string;
  random?: () => number;
}

export interface SendRequest {
  topic: string;
  messages: ProducerMessage[];
}

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 under acks=0. */
  offset: number;
  timestamp: number;
}

/** One send() call: completes when every one of its records is acknowledged. */
class SendCall {
  readonly results: RecordMetadata[];
  private remaining: number;
  private done = false;
  constructor(
    count: number,
    private readonly resolve: (r: RecordMetadata[]) => void,
    private readonly reject: (e: Error) => void,
  ) {
    this.results = new Array(count);
    this.remaining = count;
    if (count === 0) this.finish();
  }
  ack(index: number, meta: RecordMetadata): void {
    this.results[index] = meta;
    if (--this.remaining === 0) this.finish();
  }
  fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    this.reject(err);
  }
  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.resolve(this.results);
  }
}

class Batch {
  readonly records: RecordInput[] = [];
  readonly calls: SendCall[] = [];
  readonly callIndexes: number[] = [];
  sizeBytes = 0;
  attempts = 0;
  encoded: Buffer | null = null;
  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}
}

export class Producer {
  private readonly cluster: Cluster;
  private readonly acks: number;
  private readonly lingerMs: number;
  private readonly batchSizeBytes: number;
  private readonly bufferMemoryBytes: number;
  private readonly compression: number;
  private readonly maxInFlight: number;
  private readonly maxRequestSizeBytes: number;
  private readonly partitioner: Partitioner;
  private readonly defaultPartitioner: DefaultPartitioner;
  private readonly open = new Map<string, Batch>();
  private readonly ready: Batch[] = [];
  private readonly queues = new Map<number, Batch[]>();
  private readonly inFlight = new Map<number, number>();
  private lingerTimer: NodeJS.Timeout | null = null;
  private drainScheduled = false;
  private bufferedBytes = 0;
  private roomWaiters: Array<() => void> = [];
  private unfinished = 0;
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(options: ProducerOptions) {
    if (options.idempotent || options.transactionalId) {
      throw new Error('idempotent and transactional producers are not supported yet');
    }
    this.cluster = new Cluster(resolveClientOptions(options, 'brook-producer'), { allowAutoTopicCreation: true });
    this.acks = options.acks === 'all' || options.acks === undefined ? -1 : options.acks;
    this.lingerMs = options.lingerMs ?? 5;
    this.batchSizeBytes = options.batchSizeBytes ?? 16384;
    this.bufferMemoryBytes = options.bufferMemoryBytes ?? 32 * 1024 * 1024;
    this.compression = compressionId(options.compression ?? 'none');
    this.maxInFlight = options.maxInFlightRequests ?? 5;
    this.maxRequestSizeBytes = options.maxRequestSizeBytes ?? 1024 * 1024;
    this.defaultPartitioner = new DefaultPartitioner(options.random);
    this.partitioner = options.partitioner ?? ((topic, key, n) => this.defaultPartitioner.partition(topic, key, n));
  }

  /** Nothing to do up front (connections open on first use); kept for kafkajs-style code. */
  async connect(): Promise<void> {
    await this.cluster.anyConnection();
  }

  /** Sends messages to a topic; resolves to each record's partition and offset, in message order. */
  async send(request: SendRequest): Promise<RecordMetadata[]> {
    if (this.closed) throw new ClientClosedError('producer');
    const { topic, messages } = request;
    const info = await this.cluster.topicWithRetries(topic);
    const numPartitions = info.partitions.length;
    // Checked before anything is buffered, so a bad partition fails the whole send and sends nothing.
    for (const m of messages) {
      if (m.partition !== undefined && (m.partition < 0 || m.partition >= numPartitions || !Number.isInteger(m.partition))) {
        throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `partition ${m.partition} of ${topic} does not exist`);
      }
    }
    let call!: SendCall;
    const result = new Promise<RecordMetadata[]>((resolve, reject) => {
      call = new SendCall(messages.length, resolve, reject);
    });
    const now = this.cluster.options.clock();
    this.unfinished++;
    try {
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        const key = toBuffer(m.key);
        const value = toBuffer(m.value);
        const headers = toRecordHeaders(m.headers);
        const size = recordSizeBytes(key, value, headers);
        if (this.bufferedBytes > 0 && this.bufferedBytes + size > this.bufferMemoryBytes) await this.waitForRoom(size);
        if (this.closed) throw new ClientClosedError('producer');
        const partition = m.partition ?? this.partitioner(topic, key, numPartitions);
        if (partition < 0 || partition >= numPartitions) throw new KafkaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `the partitioner chose partition ${partition} of ${topic}, which does not exist`);
        this.append(topic, partition, numPartitions, { key, value, headers, timestampMs: m.timestamp ?? now }, size, call, i);
      }
    } catch (err) {
      call.fail(err as Error);
    }
    this.scheduleDrain();
    try {
      return await result;
    } finally {
      if (--this.unfinished === 0) this.wakeIdle();
    }
  }

  /** Sends everything buffered now and waits for all pending sends. */
  async flush(): Promise<void> {
    this.drain(true);
    if (this.unfinished === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** Flushes, then closes connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    for (const w of this.roomWaiters) w();
    await this.cluster.close();
  }

  /** Alias for close() (kafkajs naming). */
  disconnect(): Promise<void> {
    return this.close();
  }

  private append(topic: string, partition: number, numPartitions: number, record: RecordInput, size: number, call: SendCall, index: number): void {
    const k = `${topic}\0${partition}`;
    let batch = this.open.get(k);
    if (batch && batch.sizeBytes + size > this.batchSizeBytes && batch.records.length > 0) {
      this.seal(k, batch, numPartitions);
      batch = undefined;
    }
    if (!batch) {
      batch = new Batch(topic, partition);
      this.open.set(k, batch);
    }
    batch.records.push(record);
    batch.calls.push(call);
    batch.callIndexes.push(index);
    batch.sizeBytes += size;
    this.bufferedBytes += size;
    if (batch.sizeBytes >= this.batchSizeBytes) this.seal(k, batch, numPartitions);
  }

  private seal(k: string, batch: Batch, numPartitions: number): void {
    this.open.delete(k);
    this.ready.push(batch);
    this.defaultPartitioner.batchClosed(batch.topic, batch.partition, numPartitions);
  }

  private scheduleDrain(): void {
    if (this.ready.length > 0 || this.lingerMs === 0) {
      if (this.drainScheduled) return;
      this.drainScheduled = true;
      // setImmediate: sends made in the same tick share a request.
      setImmediate(() => {
        this.drainScheduled = false;
        this.drain(this.lingerMs === 0);
      });
    }
    if (this.open.size > 0 && this.lingerTimer === null && this.lingerMs > 0) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        this.drain(true);
      }, this.lingerMs);
    }
  }

  /** Moves ready (and, when `all`, open) batches to their leader's queue and sends what fits. */
  private drain(all: boolean): void {
    if (all) {
      for (const [k, batch] of this.open) this.seal(k, batch, this.cluster.topics.get(batch.topic)?.partitions.length ?? 1);
      if (this.lingerTimer) {
        clearTimeout(this.lingerTimer);
        this.lingerTimer = null;
      }
    }
    const batches = this.ready.splice(0);
    for (const b of batches) this.enqueue(b);
  }

  private enqueue(batch: Batch): void {
    const leader = this.cluster.leaderOf(batch.topic, batch.partition);
    let q = this.queues.get(leader);
    if (!q) this.queues.set(leader, (q = []));
    q.push(batch);
    this.pump(leader);
  }

  private pump(leader: number): void {
    const q = this.queues.get(leader);
    while (q && q.length > 0 && (this.inFlight.get(leader) ?? 0) < this.maxInFlight) {
      const request = this.takeRequest(q);
      this.inFlight.set(leader, (this.inFlight.get(leader) ?? 0) + 1);
      void this.sendRequest(leader, request).finally(() => {
        this.inFlight.set(leader, (this.inFlight.get(leader) ?? 1) - 1);
        this.pump(leader);
      });
    }
  }

  /** Up to maxRequestSizeBytes of batches, one per partition. */
  private takeRequest(q: Batch[]): Batch[] {
    const taken: Batch[] = [];
    const partitions = new Set<string>();
    let bytes = 0;
    for (let i = 0; i < q.length; ) {
      const b = q[i]!;
      const k = `${b.topic}\0${b.partition}`;
      if (partitions.has(k) || (taken.length > 0 && bytes + b.sizeBytes > this.maxRequestSizeBytes)) {
        i++;
        continue;
      }
      partitions.add(k);
      bytes += b.sizeBytes;
      taken.push(b);
      q.splice(i, 1);
    }
    return taken;
  }

  private async sendRequest(leader: number, batches: Batch[]): Promise<void> {
    const byTopic = new Map<string, Batch[]>();
    for (const b of batches) {
      b.encoded ??= encodeBatch({ records: b.records, compression: this.compression });
      let list = byTopic.get(b.topic);
      if (!list) byTopic.set(b.topic, (list = []));
      list.push(b);
    }
    const request = {
      transactionalId: null,
      acks: this.acks,
      timeoutMs: this.cluster.options.requestTimeoutMs,
      topicData: [...byTopic].map(([name, list]) => ({ name, partitionData: list.map((b) => ({ index: b.partition, records: b.encoded })) })),
    };
    let response;
    try {
      // No leader known (topic just created, leader moving): retried after a metadata refresh.
      if (leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE, `no leader for ${batches.map((b) => `${b.topic}-${b.partition}`).join(', ')}`);
      const conn = await this.cluster.connectionTo(leader);
      response = await conn.send(Api.produce, request, { noResponse: this.acks === 0 });
    } catch (err) {
      for (const b of batches) this.retryOrFail(b, err as Error);
      return;
    }
    if (this.acks === 0) {
      for (const b of batches) this.complete(b, -1, -1);
      return;
    }
    const results = new Map<string, { errorCode: number; baseOffset: number; logAppendTimeMs?: number; errorMessage?: string | null }>();
    for (const t of response.responses) for (const p of t.partitionResponses) results.set(`${t.name}\0${p.index}`, p);
    for (const b of batches) {
      const r = results.get(`${b.topic}\0${b.partition}`);
      if (!r) {
        this.retryOrFail(b, new KafkaError(ErrorCode.UNKNOWN_SERVER_ERROR, `no produce result for ${b.topic}-${b.partition}`));
      } else if (r.errorCode !== ErrorCode.NONE) {
        try {
          throwIfError(r.errorCode, `produce to ${b.topic}-${b.partition}`, r.errorMessage);
        } catch (err) {
          this.retryOrFail(b, err as Error);
        }
      } else {
        this.complete(b, r.baseOffset, r.logAppendTimeMs ?? -1);
      }
    }
  }

  private retryOrFail(batch: Batch, err: Error): void {
    if (this.closed || !isRetriable(err) || batch.attempts >= this.cluster.options.retries) {
      this.release(batch);
      for (const c of batch.calls) c.fail(err);
      return;
    }
    const delay = backoffMs(this.cluster.options, batch.attempts++);
    void sleep(delay)
      .then(() => this.cluster.refresh())
      .catch(() => {})
      .then(() => this.enqueue(batch));
  }

  private complete(batch: Batch, baseOffset: number, logAppendTimeMs: number): void {
    this.release(batch);
    for (let i = 0; i < batch.records.length; i++) {
      const r = batch.records[i]!;
      batch.calls[i]!.ack(batch.callIndexes[i]!, {
        topic: batch.topic,
        partition: batch.partition,
        offset: baseOffset < 0 ? -1 : baseOffset + i,
        timestamp: logAppendTimeMs >= 0 ? logAppendTimeMs : r.timestampMs,
      });
    }
  }

  private release(batch: Batch): void {
    this.bufferedBytes -= batch.sizeBytes;
    const waiters = this.roomWaiters;
    this.roomWaiters = [];
    for (const w of waiters) w();
  }

  private async waitForRoom(size: number): Promise<void> {
    // Buffered records must go out for room to appear.
    this.drain(true);
    while (!this.closed && this.bufferedBytes > 0 && this.bufferedBytes + size > this.bufferMemoryBytes) {
      await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    }
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}

function compressionId(name: CompressionName): number {
  const id = compressionNames.indexOf(name);
  if (id < 0) throw new TypeError(`unknown compression "${name}" (one of ${compressionNames.join(', ')})`);
  return id as CompressionType;
}
