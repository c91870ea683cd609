/** The stateful processors behind groupBy...count/reduce/aggregate, windowed or not. */
import type { Processor, ProcessorContext, ProcessorSupplier } from '../processor.js';
import type { Change, StreamRecord, Windowed } from '../record.js';
import type { KeyValueStore } from '../stores/key-value-store.js';
import type { WindowStore } from '../stores/window-store.js';
import type { TimeWindows } from '../windows.js';

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
