/**
 * KTable.groupBy(...) and KGroupedTable: re-keying a table and aggregating it with an adder and a
 * subtractor, as Kafka's KTableRepartitionMap + KTableAggregate do.
 *
 * Each update of a source row is a Change{newValue, oldValue}. The selector maps both to
 * (group key, value); the old pair is sent to its group as a subtraction and the new pair as an
 * addition, through a repartition topic so each group's aggregate lives in one task whatever
 * partition the source row was on. When both pairs land on the same group key they travel in one
 * record, so the group emits one update rather than two (Kafka 3.5+).
 *
 * Repartition topic value format (read only by this application): 1 flag byte (bit 0: a new value
 * follows, bit 1: an old value follows); with both, a 4-byte big-endian length of the new value's
 * bytes, those bytes, then the old value's bytes; with one, just its bytes.
 */
import type { Processor, ProcessorContext, ProcessorSupplier } from '../processor.js';
import type { Change, KeyValue, StreamRecord } from '../record.js';
import { Serdes, type Serde } from '../serdes.js';
import type { KeyValueStore } from '../stores/key-value-store.js';
import type { InternalBuilder } from './internal-builder.js';
import { keyValueStoreFor, requireSerde, type Materialized } from './options.js';
import { KTable } from './ktable.js';

const HAS_NEW = 1;
const HAS_OLD = 2;

export function changeSerde<V>(inner: Serde<V>): Serde<Change<V>> {
  return {
    serialize(topic, change) {
      if (change === null) return null;
      const newBytes = change.newValue === null ? null : (inner.serialize(topic, change.newValue) ?? Buffer.alloc(0));
      const oldBytes = change.oldValue === null ? null : (inner.serialize(topic, change.oldValue) ?? Buffer.alloc(0));
      const flags = (newBytes ? HAS_NEW : 0) | (oldBytes ? HAS_OLD : 0);
      if (newBytes && oldBytes) {
        const out = Buffer.allocUnsafe(5 + newBytes.length + oldBytes.length);
        out.writeUInt8(flags, 0);
        out.writeUInt32BE(newBytes.length, 1);
        newBytes.copy(out, 5);
        oldBytes.copy(out, 5 + newBytes.length);
        return out;
      }
      return Buffer.concat([Buffer.of(flags), newBytes ?? oldBytes ?? Buffer.alloc(0)]);
    },
    deserialize(topic, data) {
      if (data === null) return null;
      const flags = data.readUInt8(0);
      if ((flags & HAS_NEW) && (flags & HAS_OLD)) {
        const newLength = data.readUInt32BE(1);
        return { newValue: inner.deserialize(topic, data.subarray(5, 5 + newLength)), oldValue: inner.deserialize(topic, data.subarray(5 + newLength)) };
      }
      const value = flags === 0 ? null : inner.deserialize(topic, data.subarray(1));
      return { newValue: flags & HAS_NEW ? value : null, oldValue: flags & HAS_OLD ? value : null };
    },
  };
}

/** Maps each table change to subtraction/addition records keyed by group (null group keys are dropped). */
function repartitionMapSupplier<K, V, K2, V2>(selector: (key: K, value: V) => KeyValue<K2, V2>, keySerde: Serde<K2>, topic: string): ProcessorSupplier<K, Change<V>, K2, Change<V2>> {
  return (): Processor<K, Change<V>, K2, Change<V2>> => {
    let context!: ProcessorContext<K2, Change<V2>>;
    const sameKey = (a: K2, b: K2) => a === b || (keySerde.serialize(topic, a) ?? Buffer.alloc(0)).equals(keySerde.serialize(topic, b) ?? Buffer.alloc(0));
    /** The (group, value) of a row; null when there is no row, or it belongs to no group (null key or value). */
    const groupOf = (key: K, value: V | null): KeyValue<K2, V2> | null => {
      if (value === null) return null;
      const pair = selector(key, value);
      return pair[0] === null || pair[0] === undefined || pair[1] === null || pair[1] === undefined ? null : pair;
    };
    return {
      init(ctx) {
        context = ctx;
      },
      process(r: StreamRecord<K, Change<V>>) {
        const oldPair = groupOf(r.key, r.value.oldValue);
        const newPair = groupOf(r.key, r.value.newValue);
        // Counted once, when the row arrives; its later removal finds no group either.
        if (r.value.newValue !== null && newPair === null) context.recordDropped('null key or value in table groupBy');
        const send = (key: K2, newValue: V2 | null, oldValue: V2 | null) => context.forward({ key, value: { newValue, oldValue }, timestampMs: r.timestampMs, headers: r.headers });
        if (oldPair && newPair && sameKey(oldPair[0], newPair[0])) {
          send(newPair[0], newPair[1], oldPair[1]);
          return;
        }
        // Subtraction first, as Kafka sends it.
        if (oldPair) send(oldPair[0], null, oldPair[1]);
        if (newPair) send(newPair[0], newPair[1], null);
      },
    };
  };
}

/**
 * Applies subtractions and additions to each group's aggregate: subtract the old value (when the
 * group has an aggregate), then add the new one (starting from `add`'s null case).
 */
function tableAggregateSupplier<K, V, VA>(storeName: string, add: (key: K, value: V, aggregate: VA | null) => VA, subtract: (key: K, value: V, aggregate: VA) => VA): ProcessorSupplier<K, Change<V>, K, Change<VA>> {
  return (): Processor<K, Change<V>, K, Change<VA>> => {
    let context!: ProcessorContext<K, Change<VA>>;
    let store!: KeyValueStore<K, VA>;
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<KeyValueStore<K, VA>>(storeName);
      },
      process(r: StreamRecord<K, Change<V>>) {
        if (r.key === null || r.key === undefined) {
          context.recordDropped('null key in table aggregation');
          return;
        }
        const oldAgg = store.get(r.key);
        let agg = oldAgg;
        if (r.value.oldValue !== null && agg !== null) agg = subtract(r.key, r.value.oldValue, agg);
        if (r.value.newValue !== null) agg = add(r.key, r.value.newValue, agg);
        if (agg === null && oldAgg === null) return;
        store.put(r.key, agg, r.timestampMs);
        context.forward({ key: r.key, value: { newValue: agg, oldValue: oldAgg }, timestampMs: r.timestampMs, headers: r.headers });
      },
    };
  };
}

export class KGroupedTable<K, V> {
  constructor(
    private readonly builder: InternalBuilder,
    /** The source node reading the repartition topic (forwards Change<V> keyed by group). */
    private readonly sourceNode: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
  ) {}

  /** Rows per group; a group whose rows all left stays at 0 (as in Kafka). */
  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.fold<number>('KTABLE-AGGREGATE', (_k, _v, n) => (n ?? 0) + 1, (_k, _v, n) => n - 1, { ...materialized, valueSerde: materialized.valueSerde ?? Serdes.int64() });
  }

  /** `adder` folds in a row's new value, `subtractor` takes its old value back out. */
  reduce(adder: (aggregate: V, value: V) => V, subtractor: (aggregate: V, value: V) => V, materialized: Materialized<K, V> = {}): KTable<K, V> {
    return this.fold<V>('KTABLE-REDUCE', (_k, v, agg) => (agg === null ? v : adder(agg, v)), (_k, v, agg) => subtractor(agg, v), { ...materialized, valueSerde: materialized.valueSerde ?? this.valueSerde });
  }

  aggregate<VA>(initializer: () => VA, adder: (key: K, value: V, aggregate: VA) => VA, subtractor: (key: K, value: V, aggregate: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<K, VA> {
    return this.fold<VA>('KTABLE-AGGREGATE', (k, v, agg) => adder(k, v, agg ?? initializer()), subtractor, materialized);
  }

  private fold<VA>(prefix: string, add: (key: K, value: V, aggregate: VA | null) => VA, subtract: (key: K, value: V, aggregate: VA) => VA, materialized: Materialized<K, VA>): KTable<K, VA> {
    const keySerde = requireSerde(materialized.keySerde ?? this.keySerde, 'table aggregation key');
    const valueSerde = requireSerde(materialized.valueSerde, 'table aggregation value');
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    const name = this.builder.newName(prefix);
    const topology = this.builder.topology;
    topology.addProcessor(name, tableAggregateSupplier(storeName, add, subtract), this.sourceNode);
    topology.addStateStore(keyValueStoreFor(storeName, keySerde, valueSerde, materialized), name);
    return new KTable<K, VA>(this.builder, name, keySerde, valueSerde, storeName);
  }
}

/**
 * The topology half of KTable.groupBy: the selector node, then the repartition topic (sink and
 * source). Serdes the caller does not give are JSON on the topic, as in KStream.repartition().
 */
export function groupTable<K, V, K2, V2>(
  builder: InternalBuilder,
  parentNode: string,
  selector: (key: K, value: V) => KeyValue<K2, V2>,
  grouped: { keySerde?: Serde<K2>; valueSerde?: Serde<V2>; name?: string },
): KGroupedTable<K2, V2> {
  const topicKeySerde = grouped.keySerde ?? Serdes.json<K2>();
  const topicValueSerde = changeSerde(grouped.valueSerde ?? Serdes.json<V2>());
  const topology = builder.topology;
  const topic = `${grouped.name ?? builder.newName('KTABLE-GROUPBY')}-repartition`;
  if (topology.internalTopics.has(topic)) throw new TypeError(`repartition topic ${topic} already exists`);
  const select = builder.newName('KTABLE-SELECT');
  topology.addProcessor(select, repartitionMapSupplier(selector, topicKeySerde, topic), parentNode);
  topology.internalTopics.add(topic);
  topology.addSink(builder.newName('KSTREAM-SINK'), topic, topicKeySerde, topicValueSerde, select);
  const source = builder.newName('KSTREAM-SOURCE');
  topology.addSource(source, topic, topicKeySerde, topicValueSerde);
  return new KGroupedTable<K2, V2>(builder, source, grouped.keySerde, grouped.valueSerde);
}
