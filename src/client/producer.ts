/**
 * Producer: records are appended to one open batch per partition; a batch is sent when it reaches
 * batchSizeBytes or lingerMs after its first record. Each send drains into one Produce request per
 * leader (one batch per partition per request), with at most maxInFlightRequests per broker.
 * Retriable failures refresh metadata and resend the same batch after a backoff.
 *
 * Backpressure: bytes buffered but not yet acknowledged are bounded by bufferMemoryBytes; send()
 * waits for room.
 *
 * Idempotence (on by default, as in Kafka 3+): each batch carries the producer id, epoch and its
 * partition's base sequence (sequences.ts), assigned when first sent and kept across retries, so
 * a resent batch the broker already has is not written twice. At most 5 batches per partition are
 * unacknowledged, and resends go one at a time in sequence order. Idempotence is turned off
 * quietly when not asked for and acks != all or maxInFlightRequests > 5 (Java's rule); asked for,
 * those are errors.
 *
 * Transactions (`transactionalId`): initTransactions / beginTransaction / send... /
 * sendOffsetsToTransaction / commitTransaction or abortTransaction; the state machine and the
 * coordinator requests are in transactions.ts. A batch to a partition new to the transaction waits
 * until AddPartitionsToTxn has added it.
 */
import { compressionNames, CompressionType } from '../records/compression.js';
import { encodeBatch, type RecordInput } from '../records/record-batch.js';
import { Api } from './apis.js';
import { Cluster } from './cluster.js';
import { ClientClosedError, ErrorCode, isRetriable, KafkaError, throwIfError } from './errors.js';
import { SequenceBook } from './sequences.js';
import { TransactionManager, type ConsumerGroupMetadata, type TransactionState, type TxnOffset } from './transactions.js';
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
  /** Default true (Kafka's enable.idempotence), unless acks or maxInFlightRequests rule it out. */
  idempotent?: boolean;
  /** Makes the producer transactional (implies idempotence). */
  transactionalId?: string;
  /** Default 60000 (transaction.timeout.ms): the coordinator aborts a transaction open longer. */
  transactionTimeoutMs?: number;
  /** Default 60000 (max.block.ms): how long coordinator requests are retried. */
  maxBlockMs?: number;
  random?: () => number;
}

export interface SendOffsetsRequest {
  /** Consumer.groupMetadata() (checks the member's generation, KIP-447), or just the group id. */
  consumerGroupMetadata?: ConsumerGroupMetadata;
  groupId?: string;
  /** Next offsets to consume, committed with the transaction. */
  offsets: TxnOffset[];
}

/** Kafka's limit of unacknowledged batches per partition for an idempotent producer. */
const MAX_IN_FLIGHT_PER_PARTITION = 5;

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
  /** Idempotence: assigned on first send, kept across retries (-1: never sent). */
  baseSequence = -1;
  onWire = false;
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
  /** Producer id and transactions; null when not idempotent. */
  private readonly txn: TransactionManager | null;
  private readonly sequences = new SequenceBook<Batch>();
  /** The producer id and epoch the sequence book counts for; a change restarts sequences at 0. */
  private bookId = { producerId: -1, producerEpoch: -1 };
  private bumping: Promise<void> | null = null;

  constructor(options: ProducerOptions) {
    this.cluster = new Cluster(resolveClientOptions(options, 'brook-producer'), { allowAutoTopicCreation: true });
    this.acks = options.acks === 'all' || options.acks === undefined ? -1 : options.acks;
    this.txn = idempotenceWanted(options, this.acks)
      ? new TransactionManager(
          this.cluster,
          { transactionalId: options.transactionalId ?? null, transactionTimeoutMs: options.transactionTimeoutMs ?? 60_000, maxBlockMs: options.maxBlockMs ?? 60_000 },
          () => this.pumpAll(),
        )
      : null;
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
    this.txn?.checkSend();
    // Counted from the start: a flush (or commitTransaction) also waits for sends still resolving metadata.
    this.unfinished++;
    try {
      return await this.doSend(request);
    } finally {
      if (--this.unfinished === 0) this.wakeIdle();
    }
  }

  private async doSend(request: SendRequest): Promise<RecordMetadata[]> {
    const { topic, messages } = request;
    await this.txn?.ensureProducerId();
    const info = await this.cluster.topicWithRetries(topic);
    this.txn?.checkSend();
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
    // A flush already waiting sends these now rather than after lingerMs.
    if (this.idleWaiters.length > 0) this.drain(true);
    else this.scheduleDrain();
    return result;
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

  /** Transactional producer: gets the producer id from the coordinator, fencing older instances with the same transactional id. */
  async initTransactions(): Promise<void> {
    await this.transactions('initTransactions').initTransactions();
  }

  beginTransaction(): void {
    this.transactions('beginTransaction').beginTransaction();
  }

  /** Sends everything buffered, then commits; a failed send makes this throw (abort then). */
  async commitTransaction(): Promise<void> {
    await this.transactions('commitTransaction').commit(() => this.flush());
  }

  /** Drops records not yet sent, waits for those sent, aborts: none of the transaction's records become visible to read_committed consumers. */
  async abortTransaction(): Promise<void> {
    await this.transactions('abortTransaction').abort((err) => this.dropUnsent(err), () => this.flush());
  }

  /** Commits a consumer group's offsets as part of the transaction (consume-transform-produce). */
  async sendOffsetsToTransaction(request: SendOffsetsRequest): Promise<void> {
    const group = request.consumerGroupMetadata ?? (request.groupId !== undefined ? { groupId: request.groupId, generationId: -1, memberId: '', groupInstanceId: null } : null);
    if (!group) throw new TypeError('sendOffsetsToTransaction needs consumerGroupMetadata or groupId');
    await this.transactions('sendOffsetsToTransaction').sendOffsets(group, request.offsets);
  }

  /** 'ready', 'in-transaction', 'abortable-error', 'fatal-error', ... (null when not idempotent). */
  get transactionState(): TransactionState | null {
    return this.txn?.state ?? null;
  }

  /** Producer id and epoch (-1 before the first send or initTransactions, or without idempotence). */
  get producerIdAndEpoch(): { producerId: number; producerEpoch: number } {
    return { producerId: this.txn?.producerId ?? -1, producerEpoch: this.txn?.producerEpoch ?? -1 };
  }

  private transactions(op: string): TransactionManager {
    if (this.closed) throw new ClientClosedError('producer');
    if (!this.txn?.isTransactional) throw new KafkaError(ErrorCode.INVALID_TXN_STATE, `${op}() needs a producer with a transactionalId`);
    return this.txn;
  }

  /** Abort: fails every batch never sent (sent ones must be answered first: they hold sequences). */
  private dropUnsent(err: Error): void {
    for (const [k, b] of this.open) {
      this.open.delete(k);
      this.fail(b, err);
    }
    for (const b of this.ready.splice(0)) this.fail(b, err);
    for (const q of this.queues.values()) {
      for (let i = q.length - 1; i >= 0; i--) if (q[i]!.baseSequence < 0) this.fail(q.splice(i, 1)[0]!, err);
    }
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
    if (batch.baseSequence >= 0) insertInSequenceOrder(q, batch, this.sequences.of(`${batch.topic}\0${batch.partition}`).unacked);
    else q.push(batch);
    if (this.txn) this.pumpAll();
    else this.pump(leader);
  }

  private pumpAll(): void {
    this.maybeBumpEpoch();
    for (const leader of [...this.queues.keys()]) this.pump(leader);
  }

  private pump(leader: number): void {
    const q = this.queues.get(leader);
    while (q && q.length > 0 && (this.inFlight.get(leader) ?? 0) < this.maxInFlight) {
      const request = this.takeRequest(q);
      if (request.length === 0) return; // everything queued waits (sequence order, producer id, AddPartitionsToTxn)
      this.inFlight.set(leader, (this.inFlight.get(leader) ?? 0) + 1);
      void this.sendRequest(leader, request).finally(() => {
        this.inFlight.set(leader, (this.inFlight.get(leader) ?? 1) - 1);
        if (this.txn) this.pumpAll();
        else this.pump(leader);
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
      // A batch that may not go yet holds back the later batches of its partition too.
      partitions.add(k);
      const verdict = this.txn ? this.sendable(b, k) : 'send';
      if (verdict === 'wait') {
        i++;
        continue;
      }
      q.splice(i, 1);
      if (verdict === 'fail') {
        this.fail(b, this.txn!.error ?? new KafkaError(ErrorCode.INVALID_TXN_STATE, 'the transaction was aborted before this batch was resent'));
        continue;
      }
      bytes += b.sizeBytes;
      taken.push(b);
    }
    return taken;
  }

  /** Idempotence and transactions: whether a queued batch may go now, and its sequence when it goes for the first time. */
  private sendable(b: Batch, k: string): 'send' | 'wait' | 'fail' {
    const txn = this.txn!;
    const state = txn.state;
    // As Java's abortUndrainedBatches: nothing queued goes out once the transaction cannot commit.
    if (state === 'fatal-error' || state === 'abortable-error' || state === 'aborting') return 'fail';
    if (!txn.canSend || this.bumping) return 'wait';
    if (txn.producerId !== this.bookId.producerId || txn.producerEpoch !== this.bookId.producerEpoch) {
      if (this.sequences.anyOnWire) return 'wait';
      // New id or epoch: sequences restart at 0, batches still owed renumbered in order.
      for (const owed of this.sequences.restartAll()) owed.encoded = null;
      this.bookId = { producerId: txn.producerId, producerEpoch: txn.producerEpoch };
    }
    const seq = this.sequences.of(k);
    if (b.baseSequence >= 0) {
      if (!seq.canResend(b)) return 'wait';
    } else {
      if (!seq.canSendNew(MAX_IN_FLIGHT_PER_PARTITION) || !txn.partitionReady(b.topic, b.partition)) return 'wait';
      seq.assign(b);
    }
    b.onWire = true;
    return 'send';
  }

  /** Idempotent producer whose sequences a broker lost: once nothing is on the wire, bump the epoch (KIP-360). */
  private maybeBumpEpoch(): void {
    const txn = this.txn;
    if (!txn || txn.isTransactional || !txn.needsEpochBump || this.bumping || this.sequences.anyOnWire || this.closed) return;
    this.bumping = txn
      .bumpIdempotentEpoch()
      .catch((err: Error) => {
        txn.toFatal(err);
      })
      .finally(() => {
        this.bumping = null;
        this.pumpAll();
      });
  }

  private async sendRequest(leader: number, batches: Batch[]): Promise<void> {
    const byTopic = new Map<string, Batch[]>();
    const txn = this.txn;
    for (const b of batches) {
      b.encoded ??= txn
        ? encodeBatch({ records: b.records, compression: this.compression, producerId: txn.producerId, producerEpoch: txn.producerEpoch, baseSequence: b.baseSequence, transactional: txn.isTransactional })
        : encodeBatch({ records: b.records, compression: this.compression });
      let list = byTopic.get(b.topic);
      if (!list) byTopic.set(b.topic, (list = []));
      list.push(b);
    }
    const request = {
      transactionalId: txn?.transactionalId ?? null,
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
      for (const b of batches) {
        b.onWire = false;
        this.retryOrFail(b, err as Error);
      }
      return;
    }
    for (const b of batches) b.onWire = false;
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
      } else if (r.errorCode !== ErrorCode.NONE && !(r.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER && b.baseSequence >= 0)) {
        try {
          throwIfError(r.errorCode, `produce to ${b.topic}-${b.partition}`, r.errorMessage);
        } catch (err) {
          if (b.baseSequence >= 0) this.onSequencedError(b, err as KafkaError);
          else this.retryOrFail(b, err as Error);
        }
      } else {
        this.complete(b, r.baseOffset, r.logAppendTimeMs ?? -1);
      }
    }
  }

  /** A Produce error for a batch with a sequence: transactions.ts decides between resend, resend after an epoch bump, and failure. */
  private onSequencedError(batch: Batch, err: KafkaError): void {
    const isOldest = this.sequences.of(`${batch.topic}\0${batch.partition}`).isOldest(batch);
    const { action, error } = this.txn!.onProduceError(err, isOldest);
    if (action === 'fail') this.fail(batch, error);
    // Fallout of an earlier batch's failure does not use up this batch's retries.
    else if (action === 'retry' && err.code === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) this.retryOrFail(batch, err, { retriable: true, countAttempt: false });
    else this.retryOrFail(batch, err, { retriable: true });
  }

  private fail(batch: Batch, err: Error): void {
    this.release(batch);
    if (this.txn) {
      const hadSequence = batch.baseSequence >= 0;
      if (hadSequence) this.sequences.of(`${batch.topic}\0${batch.partition}`).remove(batch);
      this.txn.onBatchFailed(err, hadSequence);
    }
    for (const c of batch.calls) c.fail(err);
  }

  private retryOrFail(batch: Batch, err: Error, { retriable = isRetriable(err), countAttempt = true } = {}): void {
    if (this.closed || !retriable || (countAttempt && batch.attempts >= this.cluster.options.retries)) {
      this.fail(batch, err);
      return;
    }
    const delay = backoffMs(this.cluster.options, countAttempt ? batch.attempts++ : batch.attempts);
    void sleep(delay)
      .then(() => this.cluster.refresh())
      .catch(() => {})
      .then(() => this.enqueue(batch));
  }

  private complete(batch: Batch, baseOffset: number, logAppendTimeMs: number): void {
    this.release(batch);
    if (batch.baseSequence >= 0) this.sequences.of(`${batch.topic}\0${batch.partition}`).remove(batch);
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

/**
 * Java's rule: idempotence is on unless turned off; when not asked for explicitly, settings it
 * cannot work with (acks other than all, more than 5 requests in flight) turn it off quietly.
 */
function idempotenceWanted(o: ProducerOptions, acks: number): boolean {
  const explicit = o.idempotent === true || o.transactionalId !== undefined;
  if (o.transactionalId !== undefined && o.idempotent === false) throw new TypeError('a transactional producer is idempotent: idempotent: false conflicts with transactionalId');
  if (o.idempotent === false) return false;
  const conflict = acks !== -1 ? `acks must be 'all' (-1), not ${acks}` : (o.maxInFlightRequests ?? 5) > MAX_IN_FLIGHT_PER_PARTITION ? `maxInFlightRequests must be at most ${MAX_IN_FLIGHT_PER_PARTITION}` : null;
  if (conflict && explicit) throw new TypeError(`idempotence: ${conflict}`);
  return conflict === null;
}

/** A resent batch goes before any queued batch of its partition that is newer (or never sent). */
function insertInSequenceOrder(q: Batch[], batch: Batch, unacked: readonly Batch[]): void {
  const rank = unacked.indexOf(batch);
  const i = q.findIndex((o) => o.topic === batch.topic && o.partition === batch.partition && (o.baseSequence < 0 || unacked.indexOf(o) > rank));
  if (i < 0) q.push(batch);
  else q.splice(i, 0, batch);
}

function compressionId(name: CompressionName): number {
  const id = compressionNames.indexOf(name);
  if (id < 0) throw new TypeError(`unknown compression "${name}" (one of ${compressionNames.join(', ')})`);
  return id as CompressionType;
}
