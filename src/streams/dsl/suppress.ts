/**
 * KTable.suppress(): hold a table's updates back and emit fewer of them.
 * - untilWindowCloses(): windowed tables only; one final result per window, emitted once stream
 *   time passes the window's end plus grace (updates to the window until then replace each other;
 *   tombstones of merged-away sessions are dropped, being no final result).
 * - untilTimeLimit(ms): a key's latest value, emitted once stream time is `ms` past the first update
 *   buffered for it.
 * The buffer is a logged store, so buffered updates survive a restart like any other state.
 */
import type { Processor, ProcessorContext, ProcessorSupplier } from '../processor.js';
import type { Change, StreamRecord } from '../record.js';
import type { SuppressBufferStore } from '../stores/suppress-buffer-store.js';

export type Suppressed = { kind: 'untilWindowCloses' } | { kind: 'untilTimeLimit'; timeLimitMs: number };

export const Suppressed = {
  untilWindowCloses: (): Suppressed => ({ kind: 'untilWindowCloses' }),
  untilTimeLimit: (timeLimitMs: number): Suppressed => {
    if (!(timeLimitMs >= 0) || !Number.isInteger(timeLimitMs)) throw new RangeError(`time limit must be a non-negative integer, got ${timeLimitMs}`);
    return { kind: 'untilTimeLimit', timeLimitMs };
  },
};

/** emitAtMs: when the buffered update of this record may go out (stream time). */
export function suppressSupplier<K, V>(storeName: string, emitAtMs: (record: StreamRecord<K, Change<V>>, bufferedSinceMs: number | null) => number, dropTombstones: boolean): ProcessorSupplier<K, Change<V>, K, Change<V>> {
  return (): Processor<K, Change<V>, K, Change<V>> => {
    let context!: ProcessorContext<K, Change<V>>;
    let buffer!: SuppressBufferStore<K, V>;
    return {
      init(ctx) {
        context = ctx;
        buffer = ctx.getStateStore<SuppressBufferStore<K, V>>(storeName);
      },
      process(r: StreamRecord<K, Change<V>>) {
        const previous = buffer.get(r.key);
        const oldValue = previous ? previous.change.oldValue : r.value.oldValue;
        buffer.put(r.key, { emitAtMs: emitAtMs(r, previous?.emitAtMs ?? null), timestampMs: r.timestampMs, change: { newValue: r.value.newValue, oldValue } });
        for (const [key, entry] of buffer.due(context.streamTimeMs())) {
          buffer.delete(key);
          if (dropTombstones && entry.change.newValue === null) continue;
          context.forward({ key, value: entry.change, timestampMs: entry.timestampMs, headers: [] });
        }
      },
    };
  };
}
