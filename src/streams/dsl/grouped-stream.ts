/** KGroupedStream and TimeWindowedKStream: the aggregations that turn a stream into a KTable. */
import { Serdes, type Serde } from '../serdes.js';
import type { Windowed } from '../record.js';
import { keyValueStoreBuilder } from '../stores/key-value-store.js';
import { windowStoreBuilder } from '../stores/window-store.js';
import { windowedSerde, type TimeWindows } from '../windows.js';
import type { InternalBuilder } from './internal-builder.js';
import { aggregateSupplier, windowAggregateSupplier, type Folder } from './aggregate.js';
import { requireSerde, type Materialized } from './options.js';
import { KTable } from './ktable.js';

export class KGroupedStream<K, V> {
  constructor(
    private readonly builder: InternalBuilder,
    private readonly parentNode: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<K, number> {
    return this.fold<number>('KSTREAM-AGGREGATE', (_k, _v, n) => (n ?? 0) + 1, { ...materialized, valueSerde: materialized.valueSerde ?? Serdes.int64() });
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<K, V> = {}): KTable<K, V> {
    return this.fold<V>('KSTREAM-REDUCE', (_k, v, agg) => (agg === null ? v : reducer(agg, v)), { ...materialized, valueSerde: materialized.valueSerde ?? this.valueSerde });
  }

  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<K, VA> {
    return this.fold<VA>('KSTREAM-AGGREGATE', (k, v, agg) => aggregator(k, v, agg ?? initializer()), materialized);
  }

  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V> {
    return new TimeWindowedKStream(this.builder, this.parentNode, this.keySerde, this.valueSerde, windows);
  }

  private fold<VA>(prefix: string, fold: Folder<K, V, VA>, materialized: Materialized<K, VA>): KTable<K, VA> {
    const keySerde = requireSerde(materialized.keySerde ?? this.keySerde, 'aggregation key');
    const valueSerde = requireSerde(materialized.valueSerde, 'aggregation value');
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    const name = this.builder.newName(prefix);
    const topology = this.builder.topology;
    topology.addProcessor(name, aggregateSupplier(storeName, fold), this.parentNode);
    topology.addStateStore(keyValueStoreBuilder(storeName, keySerde, valueSerde, { logging: materialized.logging ?? true }), name);
    return new KTable<K, VA>(this.builder, name, keySerde, valueSerde, storeName);
  }
}

export class TimeWindowedKStream<K, V> {
  constructor(
    private readonly builder: InternalBuilder,
    private readonly parentNode: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly windows: TimeWindows,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.fold<number>('KSTREAM-AGGREGATE', (_k, _v, n) => (n ?? 0) + 1, { ...materialized, valueSerde: materialized.valueSerde ?? Serdes.int64() });
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<K, V> = {}): KTable<Windowed<K>, V> {
    return this.fold<V>('KSTREAM-REDUCE', (_k, v, agg) => (agg === null ? v : reducer(agg, v)), { ...materialized, valueSerde: materialized.valueSerde ?? this.valueSerde });
  }

  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<Windowed<K>, VA> {
    return this.fold<VA>('KSTREAM-AGGREGATE', (k, v, agg) => aggregator(k, v, agg ?? initializer()), materialized);
  }

  private fold<VA>(prefix: string, fold: Folder<K, V, VA>, materialized: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    const keySerde = requireSerde(materialized.keySerde ?? this.keySerde, 'windowed aggregation key');
    const valueSerde = requireSerde(materialized.valueSerde, 'windowed aggregation value');
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    const retentionMs = materialized.retentionMs ?? this.windows.sizeMs + this.windows.graceMs;
    const name = this.builder.newName(prefix);
    const topology = this.builder.topology;
    topology.addProcessor(name, windowAggregateSupplier(storeName, this.windows, fold), this.parentNode);
    topology.addStateStore(windowStoreBuilder(storeName, { windowSizeMs: this.windows.sizeMs, retentionMs, keySerde, valueSerde, logging: materialized.logging ?? true }), name);
    return new KTable<Windowed<K>, VA>(this.builder, name, windowedSerde(keySerde, this.windows.sizeMs), valueSerde, storeName, null);
  }
}
