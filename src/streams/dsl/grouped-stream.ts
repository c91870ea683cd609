/** KGroupedStream and TimeWindowedKStream: the aggregations that turn a stream into a KTable. */
import { Serdes, type Serde } from '../serdes.js';
import type { Windowed } from '../record.js';
import { windowStoreBuilder } from '../stores/window-store.js';
import { SessionWindows, SlidingWindows, sessionWindowedSerde, windowedSerde, type TimeWindows } from '../windows.js';
import { timestampedWindowStoreBuilder } from '../stores/timestamped-window-store.js';
import { slidingAggregateSupplier } from './sliding-aggregate.js';
import { sessionStoreBuilder } from '../stores/session-store.js';
import type { InternalBuilder } from './internal-builder.js';
import { aggregateSupplier, sessionAggregateSupplier, windowAggregateSupplier, type Folder } from './aggregate.js';
import { keyValueStoreFor, requireSerde, type Materialized } from './options.js';
import { KTable } from './ktable.js';

/**
 * count, reduce and aggregate expressed through one fold (the current aggregate, or null before
 * the first value): shared by grouped, time-windowed and sliding-windowed streams.
 */
abstract class FoldedAggregations<K, V, KOut> {
  protected abstract readonly valueSerde: Serde<V> | undefined;

  protected abstract fold<VA>(prefix: string, fold: Folder<K, V, VA>, materialized: Materialized<K, VA>): KTable<KOut, VA>;

  count(materialized: Materialized<K, number> = {}): KTable<KOut, number> {
    return this.fold<number>('KSTREAM-AGGREGATE', (_k, _v, n) => (n ?? 0) + 1, { ...materialized, valueSerde: materialized.valueSerde ?? Serdes.int64() });
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<K, V> = {}): KTable<KOut, V> {
    return this.fold<V>('KSTREAM-REDUCE', (_k, v, agg) => (agg === null ? v : reducer(agg, v)), { ...materialized, valueSerde: materialized.valueSerde ?? this.valueSerde });
  }

  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<KOut, VA> {
    return this.fold<VA>('KSTREAM-AGGREGATE', (k, v, agg) => aggregator(k, v, agg ?? initializer()), materialized);
  }
}

export class KGroupedStream<K, V> extends FoldedAggregations<K, V, K> {
  constructor(
    private readonly builder: InternalBuilder,
    private readonly parentNode: string,
    private readonly keySerde: Serde<K> | undefined,
    protected readonly valueSerde: Serde<V> | undefined,
  ) {
    super();
  }

  windowedBy(windows: TimeWindows): TimeWindowedKStream<K, V>;
  windowedBy(windows: SessionWindows): SessionWindowedKStream<K, V>;
  windowedBy(windows: SlidingWindows): SlidingWindowedKStream<K, V>;
  windowedBy(windows: TimeWindows | SessionWindows | SlidingWindows): TimeWindowedKStream<K, V> | SessionWindowedKStream<K, V> | SlidingWindowedKStream<K, V> {
    if (windows instanceof SessionWindows) return new SessionWindowedKStream(this.builder, this.parentNode, this.keySerde, this.valueSerde, windows);
    if (windows instanceof SlidingWindows) return new SlidingWindowedKStream(this.builder, this.parentNode, this.keySerde, this.valueSerde, windows);
    return new TimeWindowedKStream(this.builder, this.parentNode, this.keySerde, this.valueSerde, windows);
  }

  protected fold<VA>(prefix: string, fold: Folder<K, V, VA>, materialized: Materialized<K, VA>): KTable<K, VA> {
    const keySerde = requireSerde(materialized.keySerde ?? this.keySerde, 'aggregation key');
    const valueSerde = requireSerde(materialized.valueSerde, 'aggregation value');
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    const name = this.builder.newName(prefix);
    const topology = this.builder.topology;
    topology.addProcessor(name, aggregateSupplier(storeName, fold), this.parentNode);
    topology.addStateStore(keyValueStoreFor(storeName, keySerde, valueSerde, materialized), name);
    return new KTable<K, VA>(this.builder, name, keySerde, valueSerde, storeName);
  }
}

export class TimeWindowedKStream<K, V> extends FoldedAggregations<K, V, Windowed<K>> {
  constructor(
    private readonly builder: InternalBuilder,
    private readonly parentNode: string,
    private readonly keySerde: Serde<K> | undefined,
    protected readonly valueSerde: Serde<V> | undefined,
    private readonly windows: TimeWindows,
  ) {
    super();
  }

  protected fold<VA>(prefix: string, fold: Folder<K, V, VA>, materialized: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    const keySerde = requireSerde(materialized.keySerde ?? this.keySerde, 'windowed aggregation key');
    const valueSerde = requireSerde(materialized.valueSerde, 'windowed aggregation value');
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    const retentionMs = materialized.retentionMs ?? this.windows.sizeMs + this.windows.graceMs;
    const name = this.builder.newName(prefix);
    const topology = this.builder.topology;
    topology.addProcessor(name, windowAggregateSupplier(storeName, this.windows, fold), this.parentNode);
    topology.addStateStore(windowStoreBuilder(storeName, { windowSizeMs: this.windows.sizeMs, retentionMs, keySerde, valueSerde, logging: materialized.logging ?? true }), name);
    const graceMs = this.windows.graceMs;
    return new KTable<Windowed<K>, VA>(this.builder, name, windowedSerde(keySerde, this.windows.sizeMs), valueSerde, storeName, null, (wk) => wk.window.endMs + graceMs);
  }
}

/** Aggregations over session windows (windowedBy(SessionWindows)); keys are Windowed<K> of the sessions. */
export class SessionWindowedKStream<K, V> {
  constructor(
    private readonly builder: InternalBuilder,
    private readonly parentNode: string,
    private readonly keySerde: Serde<K> | undefined,
    private readonly valueSerde: Serde<V> | undefined,
    private readonly windows: SessionWindows,
  ) {}

  count(materialized: Materialized<K, number> = {}): KTable<Windowed<K>, number> {
    return this.fold<number>('KSTREAM-AGGREGATE', () => 0, (_k, _v, n) => n + 1, (_k, a, b) => a + b, { ...materialized, valueSerde: materialized.valueSerde ?? Serdes.int64() });
  }

  reduce(reducer: (aggregate: V, value: V) => V, materialized: Materialized<K, V> = {}): KTable<Windowed<K>, V> {
    // No initial value: the first value of a session is its aggregate, sessions merge with the reducer.
    const none = Symbol('none') as unknown as V;
    const fold = (a: V, b: V) => (a === none ? b : b === none ? a : reducer(a, b));
    return this.fold<V>('KSTREAM-REDUCE', () => none, (_k, v, agg) => fold(agg, v), (_k, a, b) => fold(a, b), { ...materialized, valueSerde: materialized.valueSerde ?? this.valueSerde });
  }

  /** `merger` combines the aggregates of two sessions a record joins together. */
  aggregate<VA>(initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, merger: (key: K, a: VA, b: VA) => VA, materialized: Materialized<K, VA> = {}): KTable<Windowed<K>, VA> {
    return this.fold<VA>('KSTREAM-AGGREGATE', initializer, aggregator, merger, materialized);
  }

  private fold<VA>(prefix: string, initializer: () => VA, aggregator: (key: K, value: V, aggregate: VA) => VA, merger: (key: K, a: VA, b: VA) => VA, materialized: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    const keySerde = requireSerde(materialized.keySerde ?? this.keySerde, 'session aggregation key');
    const valueSerde = requireSerde(materialized.valueSerde, 'session aggregation value');
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    // A record accepted within grace can bridge back one gap to a session ending one more gap earlier.
    const retentionMs = materialized.retentionMs ?? 2 * this.windows.inactivityGapMs + this.windows.graceMs;
    const name = this.builder.newName(prefix);
    const topology = this.builder.topology;
    topology.addProcessor(name, sessionAggregateSupplier(storeName, this.windows, initializer, aggregator, merger), this.parentNode);
    topology.addStateStore(sessionStoreBuilder(storeName, { retentionMs, keySerde, valueSerde, logging: materialized.logging ?? true }), name);
    const graceMs = this.windows.graceMs;
    // Session ends are inclusive: a record at end + grace may still extend the session.
    return new KTable<Windowed<K>, VA>(this.builder, name, sessionWindowedSerde(keySerde), valueSerde, storeName, null, (wk) => wk.window.endMs + graceMs + 1);
  }
}

/**
 * Aggregations over sliding windows (windowedBy(SlidingWindows)): keys are Windowed<K> of windows
 * [start, start + timeDifference], both ends inclusive; see sliding-aggregate.ts.
 */
export class SlidingWindowedKStream<K, V> extends FoldedAggregations<K, V, Windowed<K>> {
  constructor(
    private readonly builder: InternalBuilder,
    private readonly parentNode: string,
    private readonly keySerde: Serde<K> | undefined,
    protected readonly valueSerde: Serde<V> | undefined,
    private readonly windows: SlidingWindows,
  ) {
    super();
  }

  protected fold<VA>(prefix: string, fold: Folder<K, V, VA>, materialized: Materialized<K, VA>): KTable<Windowed<K>, VA> {
    const keySerde = requireSerde(materialized.keySerde ?? this.keySerde, 'sliding-window aggregation key');
    const valueSerde = requireSerde(materialized.valueSerde, 'sliding-window aggregation value');
    const storeName = materialized.storeName ?? this.builder.newStoreName(prefix);
    const { timeDifferenceMs, graceMs } = this.windows;
    // A new record reads windows back to 2 x timeDifference before it (its previous record's left window).
    const retentionMs = materialized.retentionMs ?? 2 * timeDifferenceMs + graceMs;
    if (retentionMs < 2 * timeDifferenceMs + graceMs) throw new RangeError(`sliding windows need a retention of at least 2 x time difference + grace (${2 * timeDifferenceMs + graceMs} ms)`);
    const name = this.builder.newName(prefix);
    const topology = this.builder.topology;
    topology.addProcessor(name, slidingAggregateSupplier(storeName, this.windows, fold), this.parentNode);
    topology.addStateStore(timestampedWindowStoreBuilder(storeName, { windowSizeMs: timeDifferenceMs, retentionMs, keySerde, valueSerde, logging: materialized.logging ?? true }), name);
    // Window ends are inclusive: a record at end + grace still updates the window.
    return new KTable<Windowed<K>, VA>(this.builder, name, windowedSerde(keySerde, timeDifferenceMs), valueSerde, storeName, null, (wk) => wk.window.endMs + graceMs + 1);
  }
}
