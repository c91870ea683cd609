/**
 * KTable: a changelog stream seen as a table. Its nodes forward Change<V> records; toStream()
 * turns them back into plain records (null value = deletion). No record cache in this slice, so
 * every update is emitted (Kafka with cache.max.bytes.buffering=0).
 *
 * Joins read a table's current values through its value getter: the store of a materialized table,
 * or the parent's getter through this table's filter/mapValues.
 */
import type { Serde } from '../serdes.js';
import type { Change, KeyValue, StreamRecord } from '../record.js';
import { suppressBufferStoreBuilder } from '../stores/suppress-buffer-store.js';
import { suppressSupplier, type Suppressed } from './suppress.js';
import { requireSerde } from './options.js';
import type { KeyValueStore } from '../stores/key-value-store.js';
import type { InternalBuilder } from './internal-builder.js';
import { passThroughSupplier, statelessSupplier, type Step } from './stateless.js';
import { KStream } from './kstream.js';
import { joinRow, tableTableJoinSupplier, type JoinKind, type ValueGetterSupplier } from './joins.js';
import { groupTable, type KGroupedTable } from './grouped-table.js';
import type { Grouped, Materialized } from './options.js';
import { buildFkJoin } from './fk-join.js';

/** The value getter of a table materialized in a key-value store. */
export function storeGetter<K, V>(storeName: string): ValueGetterSupplier<K, V> {
  return {
    stores: [storeName],
    get() {
      let store!: KeyValueStore<K, V>;
      return {
        init: (ctx) => (store = ctx.getStateStore<KeyValueStore<K, V>>(storeName)),
        get: (key) => store.get(key),
      };
    },
  };
}

function mappedGetter<K, V, V2>(parent: ValueGetterSupplier<K, V>, map: (key: K, value: V) => V2 | null): ValueGetterSupplier<K, V2> {
  return {
    stores: parent.stores,
    get() {
      const inner = parent.get();
      return {
        init: (ctx) => inner.init(ctx),
        get: (key) => {
          const v = inner.get(key);
          return v === null ? null : map(key, v);
        },
      };
    },
  };
}

export class KTable<K, V> {
  constructor(
    private readonly builder: InternalBuilder,
    readonly nodeName: string,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    /** The store holding this table's current values, when it is materialized. */
    readonly queryableStoreName: string | null,
    /** How joins read this table's current values (none for windowed tables). */
    readonly valueGetter: ValueGetterSupplier<K, V> | null = queryableStoreName === null ? null : storeGetter<K, V>(queryableStoreName),
    /** Windowed tables: the stream time at which a key's window closes (end plus grace). */
    readonly windowCloseMs: ((key: K) => number) | null = null,
  ) {}

  /** Holds updates back: final results per window, or one update per key per time limit (see suppress.ts). */
  suppress(suppressed: Suppressed): KTable<K, V> {
    const keySerde = requireSerde(this.keySerde, 'suppress key');
    const valueSerde = requireSerde(this.valueSerde, 'suppress value');
    const close = this.windowCloseMs;
    let emitAt: (r: StreamRecord<K, Change<V>>, since: number | null) => number;
    if (suppressed.kind === 'untilWindowCloses') {
      if (!close) throw new TypeError('untilWindowCloses() needs a windowed table (an aggregation after windowedBy)');
      emitAt = (r) => close(r.key);
    } else {
      emitAt = (r, since) => since ?? r.timestampMs + suppressed.timeLimitMs;
    }
    const name = this.builder.newName('KTABLE-SUPPRESS');
    const storeName = `${name}-STATE-STORE`;
    const topology = this.builder.topology;
    topology.addProcessor(name, suppressSupplier<K, V>(storeName, emitAt, suppressed.kind === 'untilWindowCloses'), this.nodeName);
    topology.addStateStore(suppressBufferStoreBuilder(storeName, keySerde, valueSerde), name);
    return new KTable<K, V>(this.builder, name, this.keySerde, this.valueSerde, null, null, close);
  }

  /** Rows failing the predicate read as absent; an update that makes a row fail forwards a delete. */
  filter(predicate: (key: K, value: V) => boolean): KTable<K, V> {
    const keep = (key: K, v: V | null): V | null => (v !== null && predicate(key, v) ? v : null);
    const getter = this.valueGetter && mappedGetter<K, V, V>(this.valueGetter, keep);
    return this.step<V>('KTABLE-FILTER', getter, (r, fwd) => {
      const newValue = keep(r.key, r.value.newValue);
      const oldValue = keep(r.key, r.value.oldValue);
      // Nothing visible changed: the row was and stays filtered out.
      if (newValue === null && oldValue === null) return;
      fwd({ key: r.key, value: { newValue, oldValue }, timestampMs: r.timestampMs, headers: r.headers });
    }, this.valueSerde);
  }

  filterNot(predicate: (key: K, value: V) => boolean): KTable<K, V> {
    return this.filter((k, v) => !predicate(k, v));
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2, options: { valueSerde?: Serde<V2> } = {}): KTable<K, V2> {
    const apply = (key: K, v: V | null): V2 | null => (v === null ? null : mapper(v, key));
    const getter = this.valueGetter && mappedGetter<K, V, V2>(this.valueGetter, apply);
    return this.step<V2>('KTABLE-MAPVALUES', getter, (r, fwd) =>
      fwd({ key: r.key, value: { newValue: apply(r.key, r.value.newValue), oldValue: apply(r.key, r.value.oldValue) }, timestampMs: r.timestampMs, headers: r.headers }),
    options.valueSerde);
  }

  toStream(): KStream<K, V> {
    const name = this.builder.newName('KTABLE-TOSTREAM');
    const step: Step<K, Change<V>, K, V> = (r, fwd) => fwd({ key: r.key, value: r.value.newValue as V, timestampMs: r.timestampMs, headers: r.headers });
    this.builder.topology.addProcessor(name, statelessSupplier(step), this.nodeName);
    return new KStream<K, V>(this.builder, name, this.keySerde, this.valueSerde, false);
  }

  /**
   * Re-keys the table for an aggregation with subtractors: every update sends the old row's
   * (key, value) out of its group and the new one into its group, through a repartition topic
   * (`<applicationId>-<name>-repartition`). See grouped-table.ts.
   */
  groupBy<K2, V2>(selector: (key: K, value: V) => KeyValue<K2, V2>, grouped: Grouped<K2, V2> = {}): KGroupedTable<K2, V2> {
    return groupTable(this.builder, this.nodeName, selector, grouped);
  }

  /**
   * Inner join with another table on the key: a row exists while both sides have one. With a
   * foreign-key extractor, each row joins the other table's row whose key the extractor returns
   * (see fk-join.ts); the result is keyed like this table.
   */
  join<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO) => VR): KTable<K, VR>;
  join<KO, VO, VR>(other: KTable<KO, VO>, foreignKeyExtractor: (value: V) => KO | null, joiner: (value: V, otherValue: VO) => VR, materialized?: Materialized<K, VR>): KTable<K, VR>;
  join<KO, VO, VR>(other: KTable<KO, VO>, a: ((value: V) => KO | null) | ((value: V, otherValue: VO) => VR), b?: (value: V, otherValue: VO) => VR, materialized: Materialized<K, VR> = {}): KTable<K, VR> {
    if (b) return this.foreignKeyJoin('inner', other, a as (value: V) => KO | null, (l, r) => b(l, r as VO), materialized);
    const joiner = a as (value: V, otherValue: VO) => VR;
    return this.tableJoin('inner', other as unknown as KTable<K, VO>, (l, r) => joiner(l as V, r as VO));
  }

  /** Left join: a row for every row of this table, the other side's value or null (by key, or by foreign key). */
  leftJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V, otherValue: VO | null) => VR): KTable<K, VR>;
  leftJoin<KO, VO, VR>(other: KTable<KO, VO>, foreignKeyExtractor: (value: V) => KO | null, joiner: (value: V, otherValue: VO | null) => VR, materialized?: Materialized<K, VR>): KTable<K, VR>;
  leftJoin<KO, VO, VR>(other: KTable<KO, VO>, a: ((value: V) => KO | null) | ((value: V, otherValue: VO | null) => VR), b?: (value: V, otherValue: VO | null) => VR, materialized: Materialized<K, VR> = {}): KTable<K, VR> {
    if (b) return this.foreignKeyJoin('left', other, a as (value: V) => KO | null, b, materialized);
    const joiner = a as (value: V, otherValue: VO | null) => VR;
    return this.tableJoin('left', other as unknown as KTable<K, VO>, (l, r) => joiner(l as V, r));
  }

  private foreignKeyJoin<KO, VO, VR>(kind: 'inner' | 'left', other: KTable<KO, VO>, extractor: (value: V) => KO | null, joiner: (value: V, otherValue: VO | null) => VR, materialized: Materialized<K, VR>): KTable<K, VR> {
    const { node, storeName } = buildFkJoin(this.builder, {
      kind,
      leftNode: this.nodeName,
      leftKeySerde: requireSerde(this.keySerde, 'foreign-key join: this table\'s key'),
      leftValueSerde: requireSerde(this.valueSerde, 'foreign-key join: this table\'s value'),
      leftGetter: requireGetter(this, 'the left table'),
      rightNode: other.nodeName,
      rightKeySerde: requireSerde(other.keySerde, 'foreign-key join: the other table\'s key'),
      rightValueSerde: requireSerde(other.valueSerde, 'foreign-key join: the other table\'s value'),
      rightGetter: requireGetter(other, 'the right table'),
      extractor,
      joiner,
      materialized,
    });
    return new KTable<K, VR>(this.builder, node, this.keySerde, materialized.valueSerde, storeName);
  }

  /** Outer join: a row while either side has one. */
  outerJoin<VO, VR>(other: KTable<K, VO>, joiner: (value: V | null, otherValue: VO | null) => VR): KTable<K, VR> {
    return this.tableJoin('outer', other, joiner);
  }

  private tableJoin<VO, VR>(kind: JoinKind, other: KTable<K, VO>, joiner: (l: V | null, r: VO | null) => VR): KTable<K, VR> {
    const mine = requireGetter(this, 'the left table');
    const theirs = requireGetter(other, 'the right table');
    const topology = this.builder.topology;
    topology.requiresCopartitioning = true;
    const left = this.builder.newName('KTABLE-JOINTHIS');
    const right = this.builder.newName('KTABLE-JOINOTHER');
    const merge = this.builder.newName('KTABLE-MERGE');
    topology.addProcessor(left, tableTableJoinSupplier<K, V, VO, VR>(theirs, (l, r) => joinRow(kind, joiner, l, r)), this.nodeName);
    topology.addProcessor(right, tableTableJoinSupplier<K, VO, V, VR>(mine, (r, l) => joinRow(kind, joiner, l, r)), other.nodeName);
    if (theirs.stores.length > 0) topology.connectProcessorAndStateStores(left, ...theirs.stores);
    if (mine.stores.length > 0) topology.connectProcessorAndStateStores(right, ...mine.stores);
    topology.addProcessor(merge, passThroughSupplier<K, Change<VR>>(), left, right);
    const joined: ValueGetterSupplier<K, VR> = {
      stores: [...new Set([...mine.stores, ...theirs.stores])],
      get() {
        const l = mine.get();
        const r = theirs.get();
        return {
          init: (ctx) => {
            l.init(ctx);
            r.init(ctx);
          },
          get: (key) => joinRow(kind, joiner, l.get(key), r.get(key)),
        };
      },
    };
    return new KTable<K, VR>(this.builder, merge, this.keySerde ?? other.keySerde, undefined, null, joined);
  }

  private step<V2>(prefix: string, getter: ValueGetterSupplier<K, V2> | null, step: Step<K, Change<V>, K, Change<V2>>, valueSerde: Serde<V2> | undefined): KTable<K, V2> {
    const name = this.builder.newName(prefix);
    this.builder.topology.addProcessor(name, statelessSupplier(step), this.nodeName);
    return new KTable<K, V2>(this.builder, name, this.keySerde, valueSerde, null, getter, this.windowCloseMs);
  }
}

export function requireGetter<K, V>(table: KTable<K, V>, what: string): ValueGetterSupplier<K, V> {
  if (!table.valueGetter) throw new TypeError(`${what} cannot be joined: it is not materialized (windowed tables are not joinable)`);
  return table.valueGetter;
}
