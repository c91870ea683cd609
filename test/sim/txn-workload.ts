/**
 * A random transactional workload against one broker, recorded as a History for
 * history-checker.ts. Deterministic in what it decides (seeded), concurrent in how it runs:
 * producers (raw protocol clients with real sequence numbers and epochs) run transactions that
 * commit, abort, or are abandoned by a "crashed" instance that a new one fences; some batches are
 * sent twice (retries); read_committed consumers poll with small byte limits meanwhile, skipping
 * aborted transactions as Kafka's clients do. About half the transactions also commit a consumer
 * offset (AddOffsetsToTxn + TxnOffsetCommit, as sendOffsetsToTransaction does) to the producer's
 * own group: in the end each group must hold the offset of its last committed such transaction.
 */
import { decodeBatches } from '../../src/records/record-batch.js';
import { decodeControlRecord, ControlRecordType } from '../../src/records/control-record.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { RawClient } from '../helpers/raw-client.js';
import { addPartitions, createTopic, endTxn, initProducerId, produce, producerBatch } from '../txn/wire.js';
import type { History, Read, TxnRecord } from './history-checker.js';

export interface WorkloadOptions {
  port: number;
  seed: number;
  topic: string;
  partitions: number;
  producers: number;
  txnsPerProducer: number;
  consumers: number;
}

export interface WorkloadResult {
  history: History;
  /** Protocol-level surprises (a zombie write accepted, a retry not deduplicated, ...). */
  anomalies: string[];
  /** Producer groups that ended with a committed offset (the offset check had something to check). */
  groupsWithOffsets: number;
}

/** mulberry32: small, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = (random: () => number, n: number) => Math.floor(random() * n);

async function retrying<T extends { errorCode: number }>(op: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    const r = await op();
    if (r.errorCode !== ErrorCode.CONCURRENT_TRANSACTIONS || i >= 50) return r;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

class SimProducer {
  private client!: RawClient;
  private producerId = -1;
  private epoch = -1;
  private seqs = new Map<number, number>();
  /** The offset this producer's group must end with: that of its last committed offset commit. */
  expectedOffset = -1;
  /** Offsets written by transactions whose outcome is unknown (either value is acceptable). */
  readonly uncertainOffsets = new Set<number>();

  constructor(
    private readonly options: WorkloadOptions,
    private readonly index: number,
    private readonly random: () => number,
    private readonly txns: TxnRecord[],
    private readonly anomalies: string[],
  ) {}

  get transactionalId(): string {
    return `sim-${this.options.seed}-${this.index}`;
  }

  get groupId(): string {
    return `${this.transactionalId}-group`;
  }

  /** sendOffsetsToTransaction: the group's partition joins the transaction, then the offset. */
  private async commitOffset(txn: TxnRecord, offset: number): Promise<void> {
    const added = await retrying(async () => this.client.request<{ errorCode: number }>(25, 1, { transactionalId: this.transactionalId, producerId: this.producerId, producerEpoch: this.epoch, groupId: this.groupId }));
    if (added.errorCode !== 0) throw new Error(`AddOffsetsToTxn failed: ${added.errorCode}`);
    const r = await this.client.request(28, 3, {
      transactionalId: this.transactionalId, groupId: this.groupId, producerId: this.producerId, producerEpoch: this.epoch,
      generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: this.options.topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, committedMetadata: txn.id }] }],
    });
    const code = r.topics[0].partitions[0].errorCode;
    if (code !== 0) throw new Error(`TxnOffsetCommit failed: ${code}`);
  }

  async start(): Promise<void> {
    this.client = await RawClient.connect(this.options.port);
    const r = await retrying(() => initProducerId(this.client, this.transactionalId, 60_000));
    if (r.errorCode !== 0) throw new Error(`InitProducerId failed: ${r.errorCode}`);
    this.producerId = r.producerId;
    this.epoch = r.producerEpoch;
    this.seqs.clear();
  }

  async run(): Promise<void> {
    await this.start();
    for (let t = 0; t < this.options.txnsPerProducer; t++) await this.transaction(t);
    this.client.close();
  }

  private async transaction(t: number): Promise<void> {
    const { topic, partitions } = this.options;
    const txn: TxnRecord = { id: `${this.transactionalId}/${t}`, outcome: 'unknown', writes: new Map() };
    this.txns.push(txn);
    const chosen = [...new Set(Array.from({ length: 1 + pick(this.random, partitions) }, () => pick(this.random, partitions)))];
    const added = await retrying(async () => ({ errorCode: Math.max(...(await addPartitions(this.client, this.transactionalId, this.producerId, this.epoch, topic, chosen))) }));
    if (added.errorCode !== 0) throw new Error(`AddPartitionsToTxn failed: ${added.errorCode}`);
    for (let b = 0; b < 1 + pick(this.random, 4); b++) {
      const partition = chosen[pick(this.random, chosen.length)]!;
      const values = Array.from({ length: 1 + pick(this.random, 3) }, (_, k) => `p${this.index}-t${t}-b${b}-${k}`);
      const seq = this.seqs.get(partition) ?? 0;
      const batch = producerBatch(values, { producerId: this.producerId, producerEpoch: this.epoch, baseSequence: seq, transactional: true });
      const first = await produce(this.client, topic, batch, partition, this.transactionalId);
      if (first.errorCode !== 0) throw new Error(`produce failed: ${first.errorCode} ${first.errorMessage}`);
      this.seqs.set(partition, seq + values.length);
      txn.writes.set(partition, [...(txn.writes.get(partition) ?? []), ...values]);
      if (this.random() < 0.2) {
        const retry = await produce(this.client, topic, producerBatch(values, { producerId: this.producerId, producerEpoch: this.epoch, baseSequence: seq, transactional: true }), partition, this.transactionalId);
        if (retry.errorCode !== 0 || retry.baseOffset !== first.baseOffset) this.anomalies.push(`${txn.id}: retry answered ${retry.errorCode}@${retry.baseOffset}, first was @${first.baseOffset}`);
      }
    }
    const offset = this.random() < 0.5 ? 1000 + t : -1;
    if (offset >= 0) await this.commitOffset(txn, offset);
    const roll = this.random();
    if (roll < 0.6) {
      txn.outcome = (await endTxn(this.client, this.transactionalId, this.producerId, this.epoch, true)) === 0 ? 'committed' : 'unknown';
      if (offset >= 0 && txn.outcome === 'committed') this.expectedOffset = offset;
      if (offset >= 0 && txn.outcome === 'unknown') this.uncertainOffsets.add(offset);
    } else if (roll < 0.85) {
      txn.outcome = (await endTxn(this.client, this.transactionalId, this.producerId, this.epoch, false)) === 0 ? 'aborted' : 'unknown';
    } else {
      await this.crashAndReplace(txn);
    }
  }

  /** A new instance with the same transactional id fences this one and aborts its transaction. */
  private async crashAndReplace(txn: TxnRecord): Promise<void> {
    const zombie = { client: this.client, producerId: this.producerId, epoch: this.epoch, seqs: new Map(this.seqs) };
    await this.start();
    txn.outcome = 'aborted';
    const partition = [...txn.writes.keys()][0];
    if (partition !== undefined) {
      const late = producerBatch([`${txn.id}-zombie`], { producerId: zombie.producerId, producerEpoch: zombie.epoch, baseSequence: zombie.seqs.get(partition) ?? 0, transactional: true });
      const r = await produce(zombie.client, this.options.topic, late, partition, this.transactionalId);
      if (r.errorCode === 0) this.anomalies.push(`${txn.id}: a fenced producer's write was accepted at ${r.baseOffset}`);
      txn.writes.set(partition, [...txn.writes.get(partition)!, `${txn.id}-zombie`]);
    }
    const end = await endTxn(zombie.client, this.transactionalId, zombie.producerId, zombie.epoch, true);
    if (end === 0) this.anomalies.push(`${txn.id}: a fenced producer committed`);
    zombie.client.close();
  }
}

/** Reads one partition read_committed from `offset`, skipping aborted data as Kafka's consumers do. */
export async function readCommitted(client: RawClient, topic: string, partition: number, offset: number, maxBytes: number): Promise<{ reads: Read[]; next: number; lastStableOffset: number; highWatermark: number }> {
  const r = await client.request(1, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic, partitions: [{ partition, currentLeaderEpoch: -1, fetchOffset: offset, logStartOffset: -1, partitionMaxBytes: maxBytes }] }],
    forgottenTopicsData: [], rackId: '',
  });
  const p = r.responses[0].partitions[0];
  if (p.errorCode !== 0) throw new Error(`fetch error ${p.errorCode}`);
  const pending = [...(p.abortedTransactions ?? [])].map((a: { producerId: number; firstOffset: number }) => ({ producerId: Number(a.producerId), firstOffset: Number(a.firstOffset) }));
  pending.sort((a, b) => a.firstOffset - b.firstOffset);
  const aborted = new Set<number>();
  const reads: Read[] = [];
  let next = offset;
  for (const batch of decodeBatches(p.records ?? Buffer.alloc(0))) {
    next = Math.max(next, batch.lastOffset + 1);
    while (pending.length > 0 && pending[0]!.firstOffset <= batch.lastOffset) aborted.add(pending.shift()!.producerId);
    if (batch.isControl) {
      if (decodeControlRecord(batch.records[0]!).type === ControlRecordType.Abort) aborted.delete(batch.producerId);
      continue;
    }
    if (batch.transactional && aborted.has(batch.producerId)) continue;
    for (const rec of batch.records) if (rec.offset >= offset) reads.push({ partition, offset: rec.offset, value: rec.value!.toString() });
  }
  return { reads, next, lastStableOffset: Number(p.lastStableOffset), highWatermark: Number(p.highWatermark) };
}

async function consume(options: WorkloadOptions, random: () => number, producing: () => boolean): Promise<Read[]> {
  const client = await RawClient.connect(options.port);
  const positions = new Array<number>(options.partitions).fill(0);
  const reads: Read[] = [];
  try {
    for (;;) {
      const done = !producing();
      let stable = true;
      for (let p = 0; p < options.partitions; p++) {
        const r = await readCommitted(client, options.topic, p, positions[p]!, 64 + pick(random, 2048));
        reads.push(...r.reads);
        positions[p] = r.next;
        if (r.next < r.lastStableOffset || r.lastStableOffset < r.highWatermark) stable = false;
      }
      if (done && stable) return reads;
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    client.close();
  }
}

export async function runWorkload(options: WorkloadOptions): Promise<WorkloadResult> {
  const random = rng(options.seed);
  const admin = await RawClient.connect(options.port);
  await createTopic(admin, options.topic, options.partitions);
  admin.close();
  const txns: TxnRecord[] = [];
  const anomalies: string[] = [];
  let producing = true;
  const producers = Array.from({ length: options.producers }, (_, i) => new SimProducer(options, i, rng(options.seed * 31 + i), txns, anomalies));
  const consumers = Array.from({ length: options.consumers }, (_, i) => consume(options, rng(options.seed * 17 + i), () => producing));
  try {
    await Promise.all(producers.map((p) => p.run()));
  } finally {
    producing = false;
  }
  const concurrent = await Promise.all(consumers);
  // The final read, after every transaction is decided.
  const final = await consume(options, random, () => false);
  const groupsWithOffsets = await checkGroupOffsets(options, producers, anomalies);
  return { history: { txns, consumers: [...concurrent, final] }, anomalies, groupsWithOffsets };
}

/** Each producer's group holds the offset of its last committed transaction; nothing is unstable. */
async function checkGroupOffsets(options: WorkloadOptions, producers: SimProducer[], anomalies: string[]): Promise<number> {
  const client = await RawClient.connect(options.port);
  let withOffsets = 0;
  try {
    for (const p of producers) {
      const r = await client.request(9, 7, { groupId: p.groupId, topics: [{ name: options.topic, partitionIndexes: [0] }], requireStable: true });
      const { errorCode, committedOffset } = r.topics[0].partitions[0];
      const offset = Number(committedOffset);
      if (offset >= 0) withOffsets++;
      if (errorCode !== 0) anomalies.push(`${p.groupId}: OffsetFetch(requireStable) answered ${errorCode} after every transaction ended`);
      else if (offset !== p.expectedOffset && !p.uncertainOffsets.has(offset)) anomalies.push(`${p.groupId}: committed offset ${offset}, expected ${p.expectedOffset}`);
    }
  } finally {
    client.close();
  }
  return withOffsets;
}
