/**
 * Sliding-window aggregation, with the semantics of Kafka's KStreamSlidingWindowAggregate.
 *
 * The windows that exist for a key are, for each record at t: its left window [t - d, t], and its
 * right window [t + 1, t + 1 + d] while that holds a record. Together they are every distinct set
 * of records d apart. Each window stores its aggregate and the largest record timestamp in it,
 * which is how a new record finds its neighbours:
 * - it is folded into every existing window holding it;
 * - its left window is created (if absent) from the aggregate of the latest window ending before
 *   it, when the previous record lies within d, else from nothing;
 * - the previous record's right window is created when this record falls into it;
 * - its own right window is created from a window that holds later records (it is out of order).
 * Windows ending before stream time minus grace are closed: updates to them are dropped. Records
 * earlier than d share one window [0, d] (no negative starts), as in Kafka.
 */
import type { Processor, ProcessorContext, ProcessorSupplier } from '../processor.js';
import type { Change, StreamRecord, Windowed } from '../record.js';
import type { TimestampedWindowStore, ValueAndTimestamp } from '../stores/timestamped-window-store.js';
import type { SlidingWindows } from '../windows.js';
import type { Folder } from './aggregate.js';

const LATE = 'late record (window closed)';

export function slidingAggregateSupplier<K, V, VA>(storeName: string, windows: SlidingWindows, fold: Folder<K, V, VA>): ProcessorSupplier<K, V, Windowed<K>, Change<VA>> {
  const d = windows.timeDifferenceMs;
  return (): Processor<K, V, Windowed<K>, Change<VA>> => {
    let context!: ProcessorContext<Windowed<K>, Change<VA>>;
    let store!: TimestampedWindowStore<K, VA>;
    let observedStreamTimeMs = -1;

    /**
     * Folds the record into the window starting at startMs; `existing` is the window's current
     * state, or null for a new window whose aggregate starts from `seed` (null: the initializer).
     */
    function update(r: StreamRecord<K, V>, startMs: number, existing: ValueAndTimestamp<VA> | null, seed: VA | null, closeTimeMs: number): void {
      const endMs = startMs + d;
      if (endMs < closeTimeMs) {
        context.recordDropped(LATE);
        return;
      }
      const current = existing ? existing.value : seed;
      const newValue = fold(r.key, r.value, current);
      const timestampMs = existing ? Math.max(r.timestampMs, existing.timestampMs) : r.timestampMs;
      store.putWithTimestamp(r.key, newValue, startMs, timestampMs);
      context.forward({ key: { key: r.key, window: { startMs, endMs } }, value: { newValue, oldValue: existing ? existing.value : null }, timestampMs, headers: r.headers });
    }

    /** The record's right window takes the aggregate of later records, without the record itself. */
    function createRightWindow(r: StreamRecord<K, V>, from: ValueAndTimestamp<VA>): void {
      const startMs = r.timestampMs + 1;
      store.putWithTimestamp(r.key, from.value, startMs, from.timestampMs);
      context.forward({ key: { key: r.key, window: { startMs, endMs: startMs + d } }, value: { newValue: from.value, oldValue: null }, timestampMs: from.timestampMs, headers: r.headers });
    }

    function processInOrder(r: StreamRecord<K, V>, closeTimeMs: number): void {
      const t = r.timestampMs;
      const starts = new Set<number>();
      let leftAgg: ValueAndTimestamp<VA> | null = null;
      let rightAgg: ValueAndTimestamp<VA> | null = null;
      let leftExists = false;
      let rightExists = false;
      let previousMs: number | null = null;
      // From 2d back (the previous record's left window) to t + 1 (this record's right window).
      for (const w of store.fetchRangeWithTimestamps(r.key, Math.max(0, t - 2 * d), t + 1)) {
        const startMs = w.windowStartMs;
        const endMs = startMs + d;
        starts.add(startMs);
        if (endMs < t) {
          leftAgg = w.value;
          previousMs = w.value.timestampMs;
        } else if (endMs === t) {
          leftExists = true;
          if (w.value.timestampMs < t) previousMs = w.value.timestampMs;
          update(r, startMs, w.value, null, closeTimeMs);
        } else if (startMs <= t) {
          rightAgg = w.value;
          update(r, startMs, w.value, null, closeTimeMs);
        } else {
          rightExists = true; // startMs === t + 1
        }
      }
      if (previousMs !== null && !starts.has(previousMs + 1) && previousMs + 1 + d >= t) update(r, previousMs + 1, null, null, closeTimeMs);
      if (!leftExists) {
        const seed = previousMs !== null && leftAgg !== null && t - d <= previousMs ? leftAgg.value : null;
        update(r, t - d, null, seed, closeTimeMs);
      }
      if (!rightExists && rightAgg !== null && rightAgg.timestampMs > t) createRightWindow(r, rightAgg);
    }

    /** Records before d: the window [0, d] stands in for their left windows. */
    function processEarly(r: StreamRecord<K, V>, closeTimeMs: number): void {
      const t = r.timestampMs;
      const starts = new Set<number>();
      let combined: ValueAndTimestamp<VA> | null = null;
      let rightAgg: ValueAndTimestamp<VA> | null = null;
      let rightExists = false;
      let previousMs: number | null = null;
      for (const w of store.fetchRangeWithTimestamps(r.key, 0, t + 1)) {
        const startMs = w.windowStartMs;
        starts.add(startMs);
        if (startMs === 0) {
          combined = w.value;
          if (w.value.timestampMs < t) previousMs = w.value.timestampMs;
        } else if (startMs <= t) {
          rightAgg = w.value;
          update(r, startMs, w.value, null, closeTimeMs);
        } else {
          rightExists = true;
        }
      }
      // With no window between, the combined window holds only records after this one when its
      // latest record is later (an earlier record would have created a right window in between).
      if (rightAgg === null && combined !== null && combined.timestampMs > t) rightAgg = combined;
      if (!rightExists && rightAgg !== null && rightAgg.timestampMs > t) createRightWindow(r, rightAgg);
      if (previousMs !== null && !starts.has(previousMs + 1)) update(r, previousMs + 1, null, null, closeTimeMs);
      update(r, 0, combined, null, closeTimeMs);
    }

    return {
      init(ctx) {
        context = ctx;
        store = ctx.getStateStore<TimestampedWindowStore<K, VA>>(storeName);
      },
      process(record: StreamRecord<K, V>) {
        if (record.key === null || record.key === undefined || record.value === null || record.value === undefined) {
          context.recordDropped('null key or value in aggregation');
          return;
        }
        if (record.timestampMs < 0) {
          context.recordDropped('negative timestamp in sliding-window aggregation');
          return;
        }
        observedStreamTimeMs = Math.max(observedStreamTimeMs, record.timestampMs);
        const closeTimeMs = observedStreamTimeMs - windows.graceMs;
        // Every window this record could touch (its right window ends at t + 1 + d) is closed.
        if (record.timestampMs + 1 + d <= closeTimeMs) {
          context.recordDropped(LATE);
          return;
        }
        if (record.timestampMs < d) processEarly(record, closeTimeMs);
        else processInOrder(record, closeTimeMs);
      },
    };
  };
}
