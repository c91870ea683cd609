/** KStream: a record stream: its stateless operations, repartitioning, grouping and joins. */
import { Serdes, type Serde } from '../serdes.js';
import type { KeyValue, StreamRecord } from '../record.js';
import type { ProcessorSupplier } from '../processor.js';
import type { InternalBuilder } from './internal-builder.js';
import { passThroughSupplier, statelessSupplier, type Step } from './stateless.js';
import { keyValueStoreFor, requireSerde, type Grouped, type Materialized, type Produced, type Repartitioned, type StreamJoined } from './options.js';
import { tableSource } from './streams-builder.js';
import { KTable, requireGetter } from './ktable.js';
import { streamStreamJoinSupplier, streamTableJoinSupplier, type JoinKind } from './joins.js';
import { joinBufferStoreBuilder } from '../stores/join-buffer-store.js';
import type { JoinWindows } from '../windows.js';
import { GlobalKTable } from './global-ktable.js';
import { KGroupedStream } from './grouped-stream.js';

export class KStream<K, V> {
  constructor(
    private readonly builder: InternalBuilder,
    /** The node whose output this stream is. */
    readonly nodeName: string,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    /** True after a key change: grouping or joining here goes through a repartition topic first. */
    readonly keyChanged = false,
  ) {}

  filter(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.step<K, V>('KSTREAM-FILTER', (r, fwd) => predicate(r.key, r.value) && fwd(r), this.keySerde, this.valueSerde, false);
  }

  filterNot(predicate: (key: K, value: V) => boolean): KStream<K, V> {
    return this.filter((k, v) => !predicate(k, v));
  }

  map<K2, V2>(mapper: (key: K, value: V) => KeyValue<K2, V2>): KStream<K2, V2> {
    return this.step<K2, V2>('KSTREAM-MAP', (r, fwd) => {
      const [key, value] = mapper(r.key, r.value);
      fwd({ key, value, timestampMs: r.timestampMs, headers: r.headers });
    }, undefined, undefined, true);
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2): KStream<K, V2> {
    return this.step<K, V2>('KSTREAM-MAPVALUES', (r, fwd) => fwd({ key: r.key, value: mapper(r.value, r.key), timestampMs: r.timestampMs, headers: r.headers }), this.keySerde, undefined, false);
  }

  flatMap<K2, V2>(mapper: (key: K, value: V) => Iterable<KeyValue<K2, V2>>): KStream<K2, V2> {
    return this.step<K2, V2>('KSTREAM-FLATMAP', (r, fwd) => {
      for (const [key, value] of mapper(r.key, r.value)) fwd({ key, value, timestampMs: r.timestampMs, headers: r.headers });
    }, undefined, undefined, true);
  }

  flatMapValues<V2>(mapper: (value: V, key: K) => Iterable<V2>): KStream<K, V2> {
    return this.step<K, V2>('KSTREAM-FLATMAPVALUES', (r, fwd) => {
      for (const value of mapper(r.value, r.key)) fwd({ key: r.key, value, timestampMs: r.timestampMs, headers: r.headers });
    }, this.keySerde, undefined, false);
  }

  selectKey<K2>(selector: (key: K, value: V) => K2, options: { keySerde?: Serde<K2> } = {}): KStream<K2, V> {
    return this.step<K2, V>('KSTREAM-KEY-SELECT', (r, fwd) => fwd({ key: selector(r.key, r.value), value: r.value, timestampMs: r.timestampMs, headers: r.headers }), options.keySerde, this.valueSerde, true);
  }

  peek(action: (key: K, value: V) => void): KStream<K, V> {
    return this.step<K, V>('KSTREAM-PEEK', (r, fwd) => {
      action(r.key, r.value);
      fwd(r);
    }, this.keySerde, this.valueSerde, false);
  }

  /** Routes each record to the first branch whose predicate holds (Kafka's split()/branch()). */
  split(options: { name?: string } = {}): BranchedKStream<K, V> {
    return new BranchedKStream(this.builder, this, options.name ?? this.builder.newName('KSTREAM-BRANCH'));
  }

  merge(other: KStream<K, V>): KStream<K, V> {
    const name = this.builder.newName('KSTREAM-MERGE');
    this.builder.topology.addProcessor(name, passThroughSupplier<K, V>(), this.nodeName, other.nodeName);
    return new KStream(this.builder, name, this.keySerde ?? other.keySerde, this.valueSerde ?? other.valueSerde, this.keyChanged || other.keyChanged);
  }

  /** Writes to a topic; partitions are chosen by the producer's default partitioner on the key bytes. */
  to(topic: string, produced: Produced<K, V> = {}): void {
    const keySerde = requireSerde(produced.keySerde ?? this.keySerde, `to(${topic}) key`);
    const valueSerde = requireSerde(produced.valueSerde ?? this.valueSerde, `to(${topic}) value`);
    this.builder.topology.addSink(this.builder.newName('KSTREAM-SINK'), topic, keySerde, valueSerde, this.nodeName);
  }

  /** Lower-level escape hatch: a Processor API node in the middle of the DSL. */
  process<K2, V2>(supplier: ProcessorSupplier<K, V, K2, V2>, options: { stores?: string[]; keyChanging?: boolean } = {}): KStream<K2, V2> {
    const name = this.builder.newName('KSTREAM-PROCESSOR');
    this.builder.topology.addProcessor(name, supplier, this.nodeName);
    if (options.stores && options.stores.length > 0) this.builder.topology.connectProcessorAndStateStores(name, ...options.stores);
    return new KStream<K2, V2>(this.builder, name, undefined, undefined, this.keyChanged || (options.keyChanging ?? true));
  }

  /** Stream-table join: each record joined with the table's current value for its key (none: no output). */
  join<VO, VR>(table: KTable<K, VO>, joiner: (value: V, tableValue: VO) => VR): KStream<K, VR>;
  /** Windowed stream-stream join: records of both streams whose timestamps are within the window. */
  join<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO) => VR, windows: JoinWindows, joined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  /** Stream-GlobalKTable join on a key computed from each record (no repartitioning needed). */
  join<GK, VO, VR>(table: GlobalKTable<GK, VO>, keySelector: (key: K, value: V) => GK, joiner: (value: V, tableValue: VO) => VR): KStream<K, VR>;
  join<VO, VR>(
    other: KTable<K, VO> | KStream<K, VO> | GlobalKTable<unknown, VO>,
    joinerOrSelector: ((value: V, otherValue: VO) => VR) | ((key: K, value: V) => unknown),
    windowsOrJoiner?: JoinWindows | ((value: V, tableValue: VO) => VR),
    joined: StreamJoined<K, V, VO> = {},
  ): KStream<K, VR> {
    if (other instanceof GlobalKTable) return this.globalJoin('inner', other, joinerOrSelector as (k: K, v: V) => unknown, windowsOrJoiner as (v: V, t: VO | null) => VR);
    const joiner = joinerOrSelector as (value: V, otherValue: VO) => VR;
    if (other instanceof KStream) return this.windowedJoin('inner', other, (l, r) => joiner(l as V, r as VO), requireWindows(windowsOrJoiner as JoinWindows | undefined), joined);
    return this.tableJoin('inner', other, (v, t) => joiner(v, t as VO));
  }

  /** Like join(), but every record of this stream produces output, with null when nothing joined. */
  leftJoin<VO, VR>(table: KTable<K, VO>, joiner: (value: V, tableValue: VO | null) => VR): KStream<K, VR>;
  leftJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V, otherValue: VO | null) => VR, windows: JoinWindows, joined?: StreamJoined<K, V, VO>): KStream<K, VR>;
  leftJoin<GK, VO, VR>(table: GlobalKTable<GK, VO>, keySelector: (key: K, value: V) => GK, joiner: (value: V, tableValue: VO | null) => VR): KStream<K, VR>;
  leftJoin<VO, VR>(
    other: KTable<K, VO> | KStream<K, VO> | GlobalKTable<unknown, VO>,
    joinerOrSelector: ((value: V, otherValue: VO | null) => VR) | ((key: K, value: V) => unknown),
    windowsOrJoiner?: JoinWindows | ((value: V, tableValue: VO | null) => VR),
    joined: StreamJoined<K, V, VO> = {},
  ): KStream<K, VR> {
    if (other instanceof GlobalKTable) return this.globalJoin('left', other, joinerOrSelector as (k: K, v: V) => unknown, windowsOrJoiner as (v: V, t: VO | null) => VR);
    const joiner = joinerOrSelector as (value: V, otherValue: VO | null) => VR;
    if (other instanceof KStream) return this.windowedJoin('left', other, (l, r) => joiner(l as V, r), requireWindows(windowsOrJoiner as JoinWindows | undefined), joined);
    return this.tableJoin('left', other, joiner);
  }

  private globalJoin<GK, VO, VR>(kind: 'inner' | 'left', table: GlobalKTable<GK, VO>, keySelector: (key: K, value: V) => GK, joiner: (value: V, tableValue: VO | null) => VR): KStream<K, VR> {
    const name = this.builder.newName('KSTREAM-JOIN');
    this.builder.topology.addProcessor(name, streamTableJoinSupplier<K, V, VO, VR, GK>(table.valueGetter(), joiner, kind, keySelector), this.nodeName);
    // The lookup key is computed per record: the stream keeps its key and partitioning.
    return new KStream<K, VR>(this.builder, name, this.keySerde, undefined, this.keyChanged);
  }

  /** Windowed outer join: records of either stream without a partner are emitted with null for it. */
  outerJoin<VO, VR>(other: KStream<K, VO>, joiner: (value: V | null, otherValue: VO | null) => VR, windows: JoinWindows, joined: StreamJoined<K, V, VO> = {}): KStream<K, VR> {
    return this.windowedJoin('outer', other, joiner, windows, joined);
  }

  private tableJoin<VO, VR>(kind: 'inner' | 'left', table: KTable<K, VO>, joiner: (value: V, tableValue: VO | null) => VR): KStream<K, VR> {
    const getter = requireGetter(table, 'the table');
    this.builder.topology.requiresCopartitioning = true;
    const stream = this.keyChanged ? this.repartition(table.keySerde ? { keySerde: table.keySerde } : {}) : this;
    const name = this.builder.newName('KSTREAM-JOIN');
    this.builder.topology.addProcessor(name, streamTableJoinSupplier<K, V, VO, VR>(getter, joiner, kind), stream.nodeName);
    if (getter.stores.length > 0) this.builder.topology.connectProcessorAndStateStores(name, ...getter.stores);
    return new KStream<K, VR>(this.builder, name, stream.keySerde, undefined, false);
  }

  private windowedJoin<VO, VR>(kind: JoinKind, other: KStream<K, VO>, joiner: (l: V | null, r: VO | null) => VR, windows: JoinWindows, joined: StreamJoined<K, V, VO>): KStream<K, VR> {
    const keySerde = requireSerde(joined.keySerde ?? this.keySerde ?? other.keySerde, 'stream-stream join key (StreamJoined.keySerde)');
    const leftSerde = requireSerde(joined.valueSerde ?? this.valueSerde, 'stream-stream join left value (StreamJoined.valueSerde)');
    const rightSerde = requireSerde(joined.otherValueSerde ?? other.valueSerde, 'stream-stream join right value (StreamJoined.otherValueSerde)');
    const left = this.keyChanged ? this.repartition({ keySerde, valueSerde: leftSerde }) : this;
    const right = other.keyChanged ? other.repartition({ keySerde, valueSerde: rightSerde }) : other;
    const b = this.builder;
    const topology = b.topology;
    topology.requiresCopartitioning = true;
    const base = joined.storeName ?? b.newStoreName('KSTREAM-JOIN');
    const leftStore = `${base}-this-join-store`;
    const rightStore = `${base}-other-join-store`;
    const retentionMs = windows.beforeMs + windows.afterMs + windows.graceMs;
    const leftName = b.newName('KSTREAM-JOINTHIS');
    const rightName = b.newName('KSTREAM-JOINOTHER');
    const leftEmits = kind !== 'inner';
    const rightEmits = kind === 'outer';
    topology.addProcessor(leftName, streamStreamJoinSupplier<K, V, VO, VR>({ ownStore: leftStore, otherStore: rightStore, windows, emitsUnmatched: leftEmits, otherEmitsUnmatched: rightEmits }, joiner), left.nodeName);
    topology.addProcessor(rightName, streamStreamJoinSupplier<K, VO, V, VR>({ ownStore: rightStore, otherStore: leftStore, windows: windows.reverse(), emitsUnmatched: rightEmits, otherEmitsUnmatched: leftEmits }, (r, l) => joiner(l, r)), right.nodeName);
    topology.addStateStore(joinBufferStoreBuilder(leftStore, keySerde, leftSerde, retentionMs), leftName, rightName);
    topology.addStateStore(joinBufferStoreBuilder(rightStore, keySerde, rightSerde, retentionMs), leftName, rightName);
    const merge = b.newName('KSTREAM-MERGE');
    topology.addProcessor(merge, passThroughSupplier<K, VR>(), leftName, rightName);
    return new KStream<K, VR>(b, merge, keySerde, undefined, false);
  }

  /**
   * Sends the stream through a repartition topic (`<applicationId>-<name>-repartition`), so each
   * record reaches the task that owns its key's partition. Only this application reads the topic,
   * so where no serde is known (a map changed the type) JSON is used; joins with other topics need
   * the key serde they use, so pass it when the key type changed.
   */
  repartition(options: Repartitioned<K, V> = {}): KStream<K, V> {
    const keySerde = options.keySerde ?? this.keySerde ?? Serdes.json<K>();
    const valueSerde = options.valueSerde ?? this.valueSerde ?? Serdes.json<V>();
    const topic = `${options.name ?? this.builder.newName('KSTREAM-REPARTITION')}-repartition`;
    const topology = this.builder.topology;
    if (topology.internalTopics.has(topic)) throw new TypeError(`repartition topic ${topic} already exists`);
    topology.internalTopics.add(topic);
    topology.addSink(this.builder.newName('KSTREAM-SINK'), topic, keySerde, valueSerde, this.nodeName);
    const source = this.builder.newName('KSTREAM-SOURCE');
    topology.addSource(source, topic, keySerde, valueSerde);
    return new KStream(this.builder, source, keySerde, valueSerde, false);
  }

  /** The stream as a table: each record upserts its key, a null value deletes it (repartitioned first after a key change). */
  toTable(materialized: Materialized<K, V> = {}): KTable<K, V> {
    const stream = this.keyChanged ? this.repartition({ ...(materialized.keySerde ? { keySerde: materialized.keySerde } : {}), ...(materialized.valueSerde ? { valueSerde: materialized.valueSerde } : {}) }) : this;
    const keySerde = requireSerde(materialized.keySerde ?? stream.keySerde, 'toTable key');
    const valueSerde = requireSerde(materialized.valueSerde ?? stream.valueSerde, 'toTable value');
    const storeName = materialized.storeName ?? this.builder.newStoreName('KSTREAM-TOTABLE');
    const name = this.builder.newName('KSTREAM-TOTABLE');
    const topology = this.builder.topology;
    topology.addProcessor(name, () => tableSource<K, V>(storeName), stream.nodeName);
    topology.addStateStore(keyValueStoreFor(storeName, keySerde, valueSerde, materialized), name);
    return new KTable<K, V>(this.builder, name, keySerde, valueSerde, storeName);
  }

  /** Groups by the current key; after a key change the records are repartitioned first (as Kafka does). */
  groupByKey(grouped: Grouped<K, V> = {}): KGroupedStream<K, V> {
    const keySerde = grouped.keySerde ?? this.keySerde;
    const valueSerde = grouped.valueSerde ?? this.valueSerde;
    if (this.keyChanged) {
      const repartitioned = this.repartition({ ...(keySerde ? { keySerde } : {}), ...(valueSerde ? { valueSerde } : {}), ...(grouped.name ? { name: grouped.name } : {}) });
      return new KGroupedStream(this.builder, repartitioned.nodeName, keySerde, valueSerde);
    }
    return new KGroupedStream(this.builder, this.nodeName, keySerde, valueSerde);
  }

  groupBy<K2>(selector: (key: K, value: V) => K2, grouped: Grouped<K2, V> = {}): KGroupedStream<K2, V> {
    return this.selectKey(selector, grouped.keySerde ? { keySerde: grouped.keySerde } : {}).groupByKey(grouped);
  }

  private step<K2, V2>(prefix: string, step: Step<K, V, K2, V2>, keySerde: Serde<K2> | undefined, valueSerde: Serde<V2> | undefined, keyChanging: boolean): KStream<K2, V2> {
    const name = this.builder.newName(prefix);
    this.builder.topology.addProcessor(name, statelessSupplier(step), this.nodeName);
    return new KStream<K2, V2>(this.builder, name, keySerde, valueSerde, this.keyChanged || keyChanging);
  }
}

/** The builder split() returns: add branches, then finish with defaultBranch() or noDefaultBranch(). */
export class BranchedKStream<K, V> {
  private readonly branches: Array<{ predicate: (key: K, value: V) => boolean; childName: string }> = [];
  private readonly result: Record<string, KStream<K, V>> = {};
  private index = 1;
  private readonly splitNode: string;

  constructor(
    private readonly builder: InternalBuilder,
    private readonly parent: KStream<K, V>,
    private readonly splitName: string,
  ) {
    this.splitNode = splitName;
    const branches = this.branches;
    const supplier: ProcessorSupplier<K, V, K, V> = () => {
      let forward: (record: StreamRecord<K, V>, child: string) => void = () => {};
      return {
        init: (context) => {
          forward = (record, child) => context.forward(record, child);
        },
        process: (record) => {
          const branch = branches.find((b) => b.predicate(record.key, record.value));
          if (branch) forward(record, branch.childName);
        },
      };
    };
    builder.topology.addProcessor(this.splitNode, supplier, parent.nodeName);
  }

  /** The branch is named `<split name><name>`, or `<split name><index>` (Kafka's naming). */
  branch(predicate: (key: K, value: V) => boolean, options: { name?: string } = {}): this {
    this.addBranch(predicate, options.name ?? String(this.index));
    this.index++;
    return this;
  }

  /** Records no branch took; named `<split name>0` unless given a name. */
  defaultBranch(options: { name?: string } = {}): Record<string, KStream<K, V>> {
    this.addBranch(() => true, options.name ?? '0');
    return this.result;
  }

  noDefaultBranch(): Record<string, KStream<K, V>> {
    return this.result;
  }

  private addBranch(predicate: (key: K, value: V) => boolean, suffix: string): void {
    const childName = `${this.splitName}${suffix}`;
    if (this.result[childName]) throw new TypeError(`branch ${childName} already exists`);
    this.builder.topology.addProcessor(childName, passThroughSupplier<K, V>(), this.splitNode);
    this.branches.push({ predicate, childName });
    this.result[childName] = new KStream(this.builder, childName, this.parent.keySerde, this.parent.valueSerde, this.parent.keyChanged);
  }
}

function requireWindows(windows: JoinWindows | undefined): JoinWindows {
  if (!windows) throw new TypeError('a stream-stream join needs JoinWindows');
  return windows;
}
