/** The stateful processors behind groupBy...count/reduce/aggregate, windowed or not. */
import type { Processor, ProcessorContext, ProcessorSupplier } from '../processor.js';
import type { Change, StreamRecord, Windowed } from '../record.js';
import type { KeyValueStore } from '../stores/key-value-store.js';
import type { WindowStore } from '../stores/window-store.js';
import type { SessionStore } from '../stores/session-store.js';
import type { SessionWindows, TimeWindows } from '../windows.js';

/** Folds a new value into the current aggregate (null: none yet). */
export type Folder<K, V, VA> = (key: K, value: V, current: VA | null) => VA;

export function aggregateSupplier<K, V, VA>(storeName: string, fold: Folder<K, V, VA>): ProcessorSupplier<K, V, K, Change<VA>> {
  return (): Processor<K, V, K, Change<VA>> => {
    let context!: ProcessorContext<K, Change<VA>>;
    let store!: KeyValueStore<K, VA>;
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<KeyValueStore<K, VA>>(storeName);
      },
      process(record: StreamRecord<K, V>) {
        // Kafka Streams skips records it cannot aggregate rather than failing the task.
        if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
          context.recordDropped('null key or value in aggregation');
          return;
        }
        const oldValue = store.get(record.key);
        const newValue = fold(record.key, record.value, oldValue);
        store.put(record.key, newValue, record.timestampMs);
        context.forward({ key: record.key, value: { newValue, oldValue }, timestampMs: record.timestampMs, headers: record.headers });
      },
    };
  };
}

/**
 * Windowed aggregation. A record updates every window holding its timestamp unless the window is
 * closed: window end <= observed stream time - grace. Closed windows' records are dropped as late.
 */
export function windowAggregateSupplier<K, V, VA>(storeName: string, windows: TimeWindows, fold: Folder<K, V, VA>): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  return (): Processor<K, V, Windowed<K>, Change<VA>> => {
    let context!: ProcessorContext<Windowed<K>, Change<VA>>;
    let store!: WindowStore<K, VA>;
    let observedStreamTimeMs = -1;
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<WindowStore<K, VA>>(storeName);
      },
      process(record: StreamRecord<K, V>) {
        if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
          context.recordDropped('null key or value in aggregation');
          return;
        }
        observedStreamTimeMs = Math.max(observedStreamTimeMs, record.timestampMs);
        const closeTimeMs = observedStreamTimeMs - windows.graceMs;
        for (const window of windows.windowsFor(record.timestampMs)) {
          if (window.endMs <= closeTimeMs) {
            context.recordDropped('late record (window closed)');
            continue;
          }
          const oldValue = store.fetch(record.key, window.startMs);
          const newValue = fold(record.key, record.value, oldValue);
          store.put(record.key, newValue, window.startMs);
          context.forward({ key: { key: record.key, window }, value: { newValue, oldValue }, timestampMs: record.timestampMs, headers: record.headers });
        }
      },
    };
  };
}

/**
 * Session aggregation: a record joins every session of its key within the inactivity gap; those
 * are merged (their aggregates combined with `merge`, then the record folded in) into one session
 * from the earliest start to the latest end. Each replaced session is forwarded as a deletion, then
 * the merged one. A record whose merged session ended before stream time minus grace is late.
 */
export function sessionAggregateSupplier<K, V, VA>(
  storeName: string,
  windows: SessionWindows,
  initializer: () => VA,
  aggregator: (key: K, value: V, aggregate: VA) => VA,
  merge: (key: K, a: VA, b: VA) => VA,
): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  return (): Processor<K, V, Windowed<K>, Change<VA>> => {
    let context!: ProcessorContext<Windowed<K>, Change<VA>>;
    let store!: SessionStore<K, VA>;
    let observedStreamTimeMs = -1;
    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<SessionStore<K, VA>>(storeName);
      },
      process(record: StreamRecord<K, V>) {
        if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
          context.recordDropped('null key or value in aggregation');
          return;
        }
        const ts = record.timestampMs;
        observedStreamTimeMs = Math.max(observedStreamTimeMs, ts);
        const overlapping = store.findSessions(record.key, ts - windows.inactivityGapMs, ts + windows.inactivityGapMs);
        const startMs = Math.min(ts, ...overlapping.map((s) => s.startMs));
        const endMs = Math.max(ts, ...overlapping.map((s) => s.endMs));
        if (endMs < observedStreamTimeMs - windows.graceMs) {
          context.recordDropped('late record (session closed)');
          return;
        }
        let aggregate = initializer();
        for (const s of overlapping) aggregate = merge(record.key, aggregate, s.value);
        aggregate = aggregator(record.key, record.value, aggregate);
        let oldValue: VA | null = null;
        for (const s of overlapping) {
          if (s.startMs === startMs && s.endMs === endMs) {
            oldValue = s.value;
            continue;
          }
          store.remove(record.key, s);
          context.forward({ key: { key: record.key, window: { startMs: s.startMs, endMs: s.endMs } }, value: { newValue: null, oldValue: s.value }, timestampMs: ts, headers: record.headers });
        }
        store.put(record.key, { startMs, endMs, value: aggregate });
        context.forward({ key: { key: record.key, window: { startMs, endMs } }, value: { newValue: aggregate, oldValue }, timestampMs: ts, headers: record.headers });
      },
    };
  };
}
