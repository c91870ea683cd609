/**
 * Consumer: reads assigned partitions (assign()) or a group's share of subscribed topics
 * (subscribe()), one long-poll Fetch in flight per leader, decoded records buffered up to
 * maxBufferedBytes (fetching pauses when full: backpressure), decoded lazily (fetch-decoder.ts). Records come out through poll()
 * (a batch), eachBatch-style `batches()`, or `for await (const record of consumer)`.
 *
 * Positions: `fetchPosition` is the next offset to fetch; `consumed` the offset after the last
 * record handed to the user, which is what commits store (Kafka's semantics).
 */
import type { AbortedTransaction } from './aborted-filter.js';
import { Api } from './apis.js';
import { nextOffsetAfter } from './batch-scan.js';
import { decodeFetched } from './fetch-decoder.js';
import { builtInAssignors, type Assignor, type TopicPartitions } from './assignors.js';
import { Cluster } from './cluster.js';
import { ClientClosedError, ErrorCode, isRetriable, KafkaError } from './errors.js';
import { GroupMembership, toTopicPartitions, type OffsetAndMetadata } from './group.js';
import type { ConsumerRecord } from './messages.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, listOffsets } from './offsets.js';
import { resolveClientOptions, type ClientOptions } from './options.js';
import { sleep } from './retry.js';
import type { ConsumerGroupMetadata } from './transactions.js';

export interface ConsumerOptions extends ClientOptions {
  groupId?: string;
  groupInstanceId?: string;
  /** Default 45000. */
  sessionTimeoutMs?: number;
  /** Default 60000 (max.poll.interval.ms's role in the join). */
  rebalanceTimeoutMs?: number;
  /** Default 3000. */
  heartbeatIntervalMs?: number;
  /** Default true (only with a groupId). */
  autoCommit?: boolean;
  /** Default 5000. */
  autoCommitIntervalMs?: number;
  /** Where to start without a committed offset. Default 'latest'. */
  autoOffsetReset?: 'earliest' | 'latest' | 'none';
  /** Default ['range', 'cooperative-sticky'] (Java's default). */
  assignors?: Array<'range' | 'roundrobin' | 'cooperative-sticky' | Assignor>;
  /** Fetch long-poll wait. Default 500. */
  maxWaitMs?: number;
  minBytes?: number;
  /** Default 50 MiB. */
  maxBytes?: number;
  /** Default 1 MiB. */
  maxPartitionBytes?: number;
  /** Decoded records held before fetching pauses. Default 64 MiB. */
  maxBufferedBytes?: number;
  /** Records per poll() by default. Default 500. */
  maxPollRecords?: number;
  isolationLevel?: 'read_uncommitted' | 'read_committed';
  /** Let the broker create unknown topics on subscribe (Kafka's allow.auto.create.topics). Default true. */
  allowAutoTopicCreation?: boolean;
  /** How often a pattern subscription looks for new or deleted topics (Kafka's metadata.max.age.ms). Default 300000. */
  metadataMaxAgeMs?: number;
}

export interface TopicPartitionOffset {
  topic: string;
  partition: number;
  /** Omitted: the committed offset (with a group), else autoOffsetReset. */
  offset?: number;
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset to fetch; -1 until initialised. */
  fetchPosition: number;
  /** Offset after the last record returned to the user; -1 before any. */
  consumed: number;
  paused: boolean;
  highWatermark: number;
}

/** Fetched bytes of one partition; decoded when first read (the next fetch is already out by then). */
interface Chunk {
  state: PartitionState;
  raw: Buffer | null;
  fetchOffset: number;
  aborted: AbortedTransaction[] | null | undefined;
  records: ConsumerRecord[];
  index: number;
  bytes: number;
}

const key = (topic: string, partition: number) => `${topic}\0${partition}`;

export class Consumer implements AsyncIterable<ConsumerRecord> {
  private readonly cluster: Cluster;
  private readonly options: Required<Pick<ConsumerOptions, 'maxWaitMs' | 'minBytes' | 'maxBytes' | 'maxPartitionBytes' | 'maxBufferedBytes' | 'maxPollRecords' | 'autoCommitIntervalMs'>>;
  private readonly group: GroupMembership | null;
  private readonly autoCommit: boolean;
  private autoOffsetReset: 'earliest' | 'latest' | 'none';
  private readonly isolationLevel: number;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly chunks: Chunk[] = [];
  private bufferedBytes = 0;
  private readonly fetching = new Set<number>();
  private waiters: Array<() => void> = [];
  private lastCommitMs: number;
  private closed = false;
  private mode: 'none' | 'assign' | 'subscribe' = 'none';
  private fetchError: Error | null = null;
  /** A pattern subscription: matched against every topic's name at each metadata refresh. */
  private pattern: RegExp | null = null;
  private patternCheckedMs = 0;
  private readonly metadataMaxAgeMs: number;

  constructor(options: ConsumerOptions) {
    this.cluster = new Cluster(resolveClientOptions(options, 'brook-consumer'), { allowAutoTopicCreation: options.allowAutoTopicCreation ?? true });
    this.options = {
      maxWaitMs: options.maxWaitMs ?? 500,
      minBytes: options.minBytes ?? 1,
      maxBytes: options.maxBytes ?? 50 * 1024 * 1024,
      maxPartitionBytes: options.maxPartitionBytes ?? 1024 * 1024,
      maxBufferedBytes: options.maxBufferedBytes ?? 64 * 1024 * 1024,
      maxPollRecords: options.maxPollRecords ?? 500,
      autoCommitIntervalMs: options.autoCommitIntervalMs ?? 5000,
    };
    this.autoOffsetReset = options.autoOffsetReset ?? 'latest';
    this.metadataMaxAgeMs = options.metadataMaxAgeMs ?? 300_000;
    this.isolationLevel = options.isolationLevel === 'read_committed' ? 1 : 0;
    this.autoCommit = options.groupId !== undefined && (options.autoCommit ?? true);
    this.lastCommitMs = this.cluster.options.clock();
    const assignors = (options.assignors ?? ['range', 'cooperative-sticky']).map((a) => {
      if (typeof a !== 'string') return a;
      const found = builtInAssignors[a];
      if (!found) throw new TypeError(`unknown assignor "${a}"`);
      return found;
    });
    this.group = options.groupId
      ? new GroupMembership(
          this.cluster,
          {
            groupId: options.groupId,
            groupInstanceId: options.groupInstanceId ?? null,
            sessionTimeoutMs: options.sessionTimeoutMs ?? 45_000,
            rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 60_000,
            heartbeatIntervalMs: options.heartbeatIntervalMs ?? 3000,
            assignors,
            requireStable: options.isolationLevel === 'read_committed',
          },
          {
            onRevoke: (tps) => this.revoke(tps),
            onAssign: (tps) => this.addPartitions(tps.flatMap((tp) => tp.partitions.map((partition) => ({ topic: tp.topic, partition })))),
            onRejoinNeeded: () => this.wake(),
          },
        )
      : null;
  }

  /** Kept for kafkajs-style code; connections open on first use. */
  async connect(): Promise<void> {
    await this.cluster.anyConnection();
  }

  /**
   * Joins the group for these topics, or for every non-internal topic whose name matches a RegExp
   * (topics created later join the subscription within metadataMaxAgeMs); resolves once the first
   * assignment is in place.
   */
  async subscribe(options: { topics: string[] | string | RegExp; fromBeginning?: boolean }): Promise<void> {
    if (!this.group) throw new TypeError('subscribe() needs a groupId; use assign() without one');
    if (this.mode === 'assign') throw new TypeError('subscribe() after assign() is not allowed');
    this.mode = 'subscribe';
    if (options.fromBeginning !== undefined) this.autoOffsetReset = options.fromBeginning ? 'earliest' : 'latest';
    if (options.topics instanceof RegExp) {
      this.pattern = new RegExp(options.topics.source, options.topics.flags.replace(/[gy]/g, ''));
      await this.matchPattern();
      await this.group.ensureActive();
      return;
    }
    const topics = typeof options.topics === 'string' ? [options.topics] : options.topics;
    for (const t of topics) await this.cluster.topicWithRetries(t);
    this.group.subscribe([...this.group.subscribedTopics, ...topics]);
    await this.group.ensureActive();
  }

  /** Reads exactly these partitions (no group membership; a groupId is still used for commits). */
  async assign(partitions: TopicPartitionOffset[]): Promise<void> {
    if (this.mode === 'subscribe') throw new TypeError('assign() after subscribe() is not allowed');
    this.mode = 'assign';
    for (const s of this.partitions.values()) if (!partitions.some((p) => p.topic === s.topic && p.partition === s.partition)) this.dropPartition(s);
    await this.addPartitions(partitions);
  }

  /** The partitions this consumer currently reads. */
  assignment(): TopicPartition[] {
    return [...this.partitions.values()].map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  /** Next offset to be returned for a partition. */
  position(tp: TopicPartition): number {
    const s = this.partitions.get(key(tp.topic, tp.partition));
    if (!s) throw new TypeError(`${tp.topic}-${tp.partition} is not assigned`);
    // Everything fetched was handed out or skipped (control batches, aborted data): as in Java's
    // consumer the position is then past all of it, so a trailing transaction marker is not a gap.
    if (!this.chunks.some((c) => c.state === s)) return s.fetchPosition;
    return s.consumed >= 0 ? s.consumed : s.fetchPosition;
  }

  /** Moves the read position of an assigned partition. */
  seek(tp: TopicPartition & { offset: number }): void {
    const s = this.partitions.get(key(tp.topic, tp.partition));
    if (!s) throw new TypeError(`${tp.topic}-${tp.partition} is not assigned`);
    this.dropBuffered(s);
    s.fetchPosition = tp.offset;
    s.consumed = tp.offset;
    this.wake();
  }

  pause(tps: TopicPartition[]): void {
    for (const tp of tps) {
      const s = this.partitions.get(key(tp.topic, tp.partition));
      if (!s || s.paused) continue;
      s.paused = true;
      // Buffered records of a paused partition are re-fetched after resume.
      this.dropBuffered(s);
      if (s.consumed >= 0) s.fetchPosition = s.consumed;
    }
  }

  resume(tps: TopicPartition[]): void {
    for (const tp of tps) {
      const s = this.partitions.get(key(tp.topic, tp.partition));
      if (s) s.paused = false;
    }
    this.startFetches();
    this.wake();
  }

  paused(): TopicPartition[] {
    return [...this.partitions.values()].filter((s) => s.paused).map((s) => ({ topic: s.topic, partition: s.partition }));
  }

  /**
   * Up to maxRecords records, waiting up to timeoutMs for the first. Runs group upkeep (rejoin,
   * auto-commit) like Kafka's poll().
   */
  async poll(options: { maxRecords?: number; timeoutMs?: number } = {}): Promise<ConsumerRecord[]> {
    const maxRecords = options.maxRecords ?? this.options.maxPollRecords;
    const timeoutMs = options.timeoutMs ?? this.options.maxWaitMs;
    const clock = this.cluster.options.clock;
    const deadline = clock() + timeoutMs;
    for (;;) {
      if (this.closed) throw new ClientClosedError('consumer');
      await this.upkeep();
      if (this.fetchError) {
        const err = this.fetchError;
        this.fetchError = null;
        throw err;
      }
      if (this.chunks.length > 0) {
        const records = this.take(maxRecords);
        // Empty when what was buffered held only control or aborted batches.
        if (records.length > 0) return records;
        continue;
      }
      this.startFetches();
      const left = deadline - clock();
      if (left <= 0) return [];
      await this.waitForData(left);
    }
  }

  async *[Symbol.asyncIterator](): AsyncIterator<ConsumerRecord> {
    while (!this.closed) {
      let records: ConsumerRecord[];
      try {
        records = await this.poll({ timeoutMs: this.options.maxWaitMs });
      } catch (err) {
        if (err instanceof ClientClosedError) return;
        throw err;
      }
      for (const r of records) yield r;
    }
  }

  /** The batch API: arrays of records as they arrive (everything buffered at each step). */
  async *batches(): AsyncGenerator<ConsumerRecord[]> {
    while (!this.closed) {
      let records: ConsumerRecord[];
      try {
        records = await this.poll({ timeoutMs: this.options.maxWaitMs, maxRecords: Number.MAX_SAFE_INTEGER });
      } catch (err) {
        if (err instanceof ClientClosedError) return;
        throw err;
      }
      if (records.length > 0) yield records;
    }
  }

  /** Commits the given offsets, or every partition's consumed position. */
  async commit(offsets?: Array<TopicPartition & { offset: number; metadata?: string }>): Promise<void> {
    if (!this.group) throw new TypeError('commit() needs a groupId');
    const byTopic = new Map<string, Map<number, OffsetAndMetadata>>();
    const list = offsets ?? [...this.partitions.values()].filter((s) => s.consumed >= 0).map((s) => ({ topic: s.topic, partition: s.partition, offset: s.consumed }));
    for (const o of list) {
      let m = byTopic.get(o.topic);
      if (!m) byTopic.set(o.topic, (m = new Map()));
      m.set(o.partition, { offset: o.offset, metadata: (o as { metadata?: string }).metadata ?? null });
    }
    this.lastCommitMs = this.cluster.options.clock();
    await this.group.commit(byTopic);
  }

  /** The group membership a transactional producer's sendOffsetsToTransaction checks (generation, member). */
  groupMetadata(): ConsumerGroupMetadata {
    if (!this.group) throw new TypeError('groupMetadata() needs a groupId');
    return { groupId: this.group.groupId, generationId: this.group.generationId, memberId: this.group.memberId, groupInstanceId: this.group.instanceId };
  }

  /** Committed offsets (-1 for none). */
  async committed(tps: TopicPartition[]): Promise<Array<TopicPartition & { offset: number }>> {
    if (!this.group) throw new TypeError('committed() needs a groupId');
    const res = await this.group.committed(groupByTopic(tps));
    return tps.map((tp) => ({ ...tp, offset: res.get(tp.topic)?.get(tp.partition) ?? -1 }));
  }

  /** Commits (auto-commit), leaves the group, closes connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      // A member that must rejoin no longer owns its partitions: its commit would be refused.
      if (this.autoCommit && (this.mode === 'assign' || (this.mode === 'subscribe' && !this.group!.needsRejoin))) await this.commit().catch(() => {});
      await this.group?.leave();
    } finally {
      this.closed = true;
      this.wake();
      await this.cluster.close();
    }
  }

  disconnect(): Promise<void> {
    return this.close();
  }

  // ---------------------------------------------------------------------------------------------

  /** Subscribes to exactly the topics matching the pattern now; a change makes the group rebalance. */
  private async matchPattern(): Promise<void> {
    this.patternCheckedMs = this.cluster.options.clock();
    const topics = await this.cluster.fetchAll();
    const matched = topics.filter((t) => !t.isInternal && this.pattern!.test(t.name)).map((t) => t.name).sort();
    const current = [...this.group!.subscribedTopics].sort();
    if (matched.join('\0') !== current.join('\0')) this.group!.subscribe(matched);
  }

  private async upkeep(): Promise<void> {
    if (this.pattern && this.cluster.options.clock() - this.patternCheckedMs >= this.metadataMaxAgeMs) await this.matchPattern();
    if (this.group && this.mode === 'subscribe') await this.group.ensureActive();
    if (this.autoCommit && this.cluster.options.clock() - this.lastCommitMs >= this.options.autoCommitIntervalMs) {
      try {
        await this.commit();
      } catch (err) {
        if (!isRetriable(err) && !(err instanceof KafkaError)) throw err;
        // A failed auto-commit is retried next interval (the group may be rebalancing).
      }
    }
  }

  private take(maxRecords: number): ConsumerRecord[] {
    let out: ConsumerRecord[] = [];
    while (out.length < maxRecords && this.chunks.length > 0) {
      const c = this.chunks[0]!;
      if (c.raw !== null) {
        c.records = this.decode(c.state, c.fetchOffset, c.raw, c.aborted);
        c.raw = null;
      }
      if (c.records.length === 0) {
        this.chunks.shift();
        this.bufferedBytes -= c.bytes;
        continue;
      }
      const n = Math.min(maxRecords - out.length, c.records.length - c.index);
      // A whole chunk first: its array is the result (no copy); later chunks append to it.
      if (out.length === 0 && c.index === 0 && n === c.records.length) out = c.records;
      else for (let i = 0; i < n; i++) out.push(c.records[c.index + i]!);
      c.index += n;
      c.state.consumed = out[out.length - 1]!.offset + 1;
      if (c.index === c.records.length) {
        this.chunks.shift();
        this.bufferedBytes -= c.bytes;
      }
    }
    if (this.bufferedBytes < this.options.maxBufferedBytes) this.startFetches();
    return out;
  }

  private waitForData(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      const self = this;
      function done() {
        clearTimeout(timer);
        const i = self.waiters.indexOf(done);
        if (i >= 0) self.waiters.splice(i, 1);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private async addPartitions(tps: TopicPartitionOffset[]): Promise<void> {
    const needOffset: PartitionState[] = [];
    for (const tp of tps) {
      await this.cluster.topicWithRetries(tp.topic);
      const k = key(tp.topic, tp.partition);
      let s = this.partitions.get(k);
      if (!s) {
        s = { topic: tp.topic, partition: tp.partition, fetchPosition: -1, consumed: -1, paused: false, highWatermark: -1 };
        this.partitions.set(k, s);
      }
      if (tp.offset !== undefined && tp.offset >= 0) {
        s.fetchPosition = tp.offset;
        s.consumed = tp.offset;
      } else if (tp.offset !== undefined && tp.offset < 0) {
        await this.resetPositions([s], tp.offset === EARLIEST_TIMESTAMP ? 'earliest' : 'latest');
      } else {
        needOffset.push(s);
      }
    }
    if (needOffset.length > 0) {
      const committed = this.group ? await this.group.committed(groupByTopic(needOffset)) : new Map<string, Map<number, number>>();
      const reset: PartitionState[] = [];
      for (const s of needOffset) {
        const c = committed.get(s.topic)?.get(s.partition) ?? -1;
        if (c >= 0) {
          s.fetchPosition = c;
          s.consumed = c;
        } else reset.push(s);
      }
      await this.resetPositions(reset, this.autoOffsetReset);
    }
    this.startFetches();
    this.wake();
  }

  private async resetPositions(states: PartitionState[], policy: 'earliest' | 'latest' | 'none'): Promise<void> {
    if (states.length === 0) return;
    if (policy === 'none') throw new KafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `no committed offset for ${states.map((s) => `${s.topic}-${s.partition}`).join(', ')} and autoOffsetReset is none`);
    const ts = policy === 'earliest' ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    const offsets = await listOffsets(this.cluster, states.map((s) => ({ topic: s.topic, partition: s.partition, timestamp: ts })), this.isolationLevel);
    for (const s of states) {
      const o = offsets.get(key(s.topic, s.partition)) ?? 0;
      s.fetchPosition = o;
      s.consumed = o;
    }
  }

  private async revoke(tps: TopicPartition[] | TopicPartitions[]): Promise<void> {
    const flat: TopicPartition[] = [];
    for (const tp of tps as Array<TopicPartition | TopicPartitions>) {
      if ('partitions' in tp) for (const p of tp.partitions) flat.push({ topic: tp.topic, partition: p });
      else flat.push(tp);
    }
    if (this.autoCommit) {
      const offsets = flat
        .map((tp) => this.partitions.get(key(tp.topic, tp.partition)))
        .filter((s): s is PartitionState => s !== undefined && s.consumed >= 0)
        .map((s) => ({ topic: s.topic, partition: s.partition, offset: s.consumed }));
      if (offsets.length > 0) await this.commit(offsets).catch(() => {});
    }
    for (const tp of flat) {
      const s = this.partitions.get(key(tp.topic, tp.partition));
      if (s) this.dropPartition(s);
    }
  }

  private dropPartition(s: PartitionState): void {
    this.dropBuffered(s);
    this.partitions.delete(key(s.topic, s.partition));
  }

  private dropBuffered(s: PartitionState): void {
    for (let i = this.chunks.length - 1; i >= 0; i--) {
      const c = this.chunks[i]!;
      if (c.state !== s) continue;
      this.bufferedBytes -= c.bytes;
      this.chunks.splice(i, 1);
    }
  }

  /** One Fetch per leader that has fetchable partitions and none in flight. */
  private startFetches(): void {
    if (this.closed || this.bufferedBytes >= this.options.maxBufferedBytes) return;
    const byLeader = new Map<number, PartitionState[]>();
    // Partitions with records still buffered are fetched ahead too (their fetch position is
    // past what is buffered): decoding and the next round trip overlap. maxBufferedBytes bounds it.
    for (const s of this.partitions.values()) {
      if (s.paused || s.fetchPosition < 0) continue;
      const leader = this.cluster.leaderOf(s.topic, s.partition);
      if (this.fetching.has(leader)) continue;
      let list = byLeader.get(leader);
      if (!list) byLeader.set(leader, (list = []));
      list.push(s);
    }
    for (const [leader, list] of byLeader) {
      this.fetching.add(leader);
      void this.fetchFrom(leader, list).finally(() => {
        this.fetching.delete(leader);
        this.startFetches();
      });
    }
  }

  private async fetchFrom(leader: number, states: PartitionState[]): Promise<void> {
    const requested = states.map((s) => ({ s, offset: s.fetchPosition }));
    const byTopic = new Map<string, Array<{ s: PartitionState; offset: number }>>();
    for (const r of requested) {
      let l = byTopic.get(r.s.topic);
      if (!l) byTopic.set(r.s.topic, (l = []));
      l.push(r);
    }
    let response;
    try {
      if (leader < 0) throw new KafkaError(ErrorCode.LEADER_NOT_AVAILABLE);
      const conn = await this.cluster.connectionTo(leader);
      response = await conn.send(
        Api.fetch,
        {
          replicaId: -1,
          maxWaitMs: this.options.maxWaitMs,
          minBytes: this.options.minBytes,
          maxBytes: this.options.maxBytes,
          isolationLevel: this.isolationLevel,
          sessionId: 0,
          sessionEpoch: -1,
          topics: [...byTopic].map(([topic, list]) => ({
            topic,
            partitions: list.map((r) => ({ partition: r.s.partition, currentLeaderEpoch: -1, fetchOffset: r.offset, logStartOffset: -1, partitionMaxBytes: this.options.maxPartitionBytes })),
          })),
          forgottenTopicsData: [],
          rackId: '',
        },
        { timeoutMs: this.cluster.options.requestTimeoutMs + this.options.maxWaitMs },
      );
    } catch (err) {
      if (this.closed) return;
      if (!isRetriable(err)) this.fetchError = err as Error;
      await sleep(this.cluster.options.retryBackoffMs);
      await this.cluster.refresh().catch(() => {});
      this.wake();
      return;
    }
    if (this.closed) return;
    let refresh = false;
    const toReset: PartitionState[] = [];
    for (const t of response.responses) {
      const list = byTopic.get(t.topic!) ?? [];
      for (const p of t.partitions) {
        const r = list.find((x) => x.s.partition === p.partitionIndex);
        if (!r || this.partitions.get(key(r.s.topic, r.s.partition)) !== r.s || r.s.fetchPosition !== r.offset || r.s.paused) continue;
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) toReset.push(r.s);
        else if (p.errorCode !== ErrorCode.NONE) {
          const e = new KafkaError(p.errorCode);
          if (e.retriable) refresh = true;
          else this.fetchError = new KafkaError(p.errorCode, `fetch ${r.s.topic}-${r.s.partition}: ${e.message}`);
        } else {
          r.s.highWatermark = p.highWatermark;
          if (p.records && p.records.length > 0) this.buffer(r.s, r.offset, p.records, p.abortedTransactions);
        }
      }
    }
    if (toReset.length > 0) await this.resetPositions(toReset, this.autoOffsetReset).catch((err) => (this.fetchError = err));
    if (refresh) await this.cluster.refresh().catch(() => {});
    this.wake();
  }

  /** Queues a partition's fetched bytes and moves its fetch position past them (headers only). */
  private buffer(s: PartitionState, fetchOffset: number, bytes: Buffer, aborted: AbortedTransaction[] | null | undefined): void {
    const next = nextOffsetAfter(bytes);
    if (next < 0) return;
    s.fetchPosition = next;
    this.chunks.push({ state: s, raw: bytes, fetchOffset, aborted, records: [], index: 0, bytes: bytes.length });
    this.bufferedBytes += bytes.length;
  }

  private decode(s: PartitionState, fetchOffset: number, bytes: Buffer, aborted: AbortedTransaction[] | null | undefined): ConsumerRecord[] {
    // Under read_uncommitted the broker sends no aborted list: only control batches are skipped.
    return decodeFetched(s.topic, s.partition, fetchOffset, bytes, this.isolationLevel === 1 ? aborted : null);
  }
}

function groupByTopic(tps: TopicPartition[]): TopicPartitions[] {
  const m = new Map<string, number[]>();
  for (const tp of tps) {
    let l = m.get(tp.topic);
    if (!l) m.set(tp.topic, (l = []));
    l.push(tp.partition);
  }
  return toTopicPartitions(m);
}
