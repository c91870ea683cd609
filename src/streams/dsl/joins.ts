/**
 * The processors behind the DSL's joins. Inputs must be co-partitioned (same key bytes, same
 * partition count): the DSL repartitions a side whose key changed before joining it.
 *
 * - stream-table: each stream record looks up the table's current value (the table side never
 *   triggers output).
 * - table-table: an update on either side recomputes the joined row from the other side's current
 *   value and forwards the change (new and old joined values).
 * - stream-stream (windowed): both sides are buffered (join-buffer-store.ts); a record joins the
 *   other side's records within the window. Left/outer joins emit a record without a partner only
 *   once no partner can arrive any more (its window closed, grace included), as Kafka 3.1+ does.
 */
import type { Processor, ProcessorContext, ProcessorSupplier } from '../processor.js';
import type { Change, StreamRecord } from '../record.js';
import type { BufferedRecord, JoinBufferStore } from '../stores/join-buffer-store.js';
import type { JoinWindows } from '../windows.js';

export type JoinKind = 'inner' | 'left' | 'outer';

/** Reads a table's current value by key inside a task (Kafka's KTableValueGetter). */
export interface ValueGetter<K, V> {
  init(context: ProcessorContext<unknown, unknown>): void;
  get(key: K): V | null;
}

/** How to read a table's values, and the stores a processor must be connected to for it. */
export interface ValueGetterSupplier<K, V> {
  stores: string[];
  get(): ValueGetter<K, V>;
}

/**
 * Stream-table join; with `keySelector` (GlobalKTable joins) the table is looked up by a key
 * computed from each record instead of the record's key.
 */
export function streamTableJoinSupplier<K, V, VT, VR, KT = K>(
  table: ValueGetterSupplier<KT, VT>,
  joiner: (value: V, tableValue: VT | null) => VR,
  kind: 'inner' | 'left',
  keySelector?: (key: K, value: V) => KT,
): ProcessorSupplier<K, V, K, VR> {
  return (): Processor<K, V, K, VR> => {
    let context!: ProcessorContext<K, VR>;
    const getter = table.get();
    return {
      init(ctx) {
        context = ctx;
        getter.init(ctx as ProcessorContext<unknown, unknown>);
      },
      process(r: StreamRecord<K, V>) {
        const lookupKey = r.value === null || r.value === undefined ? null : keySelector ? keySelector(r.key, r.value) : (r.key as unknown as KT);
        if (lookupKey === null || lookupKey === undefined) {
          context.recordDropped('null key or value in stream-table join');
          return;
        }
        const tableValue = getter.get(lookupKey);
        if (tableValue === null && kind === 'inner') return;
        context.forward({ key: r.key, value: joiner(r.value, tableValue), timestampMs: r.timestampMs, headers: r.headers });
      },
    };
  };
}

/** A joined row from both sides' values, or null when the join kind has no row for them. */
export function joinRow<VL, VR, V>(kind: JoinKind, joiner: (left: VL | null, right: VR | null) => V, left: VL | null, right: VR | null): V | null {
  if (left === null && right === null) return null;
  if (kind === 'inner' && (left === null || right === null)) return null;
  if (kind === 'left' && left === null) return null;
  return joiner(left, right);
}

/**
 * One side of a table-table join: an update here is joined with the other side's current value.
 * `thisIsLeft` orders the joiner's arguments.
 */
export function tableTableJoinSupplier<K, VThis, VOther, VR>(
  other: ValueGetterSupplier<K, VOther>,
  row: (mine: VThis | null, theirs: VOther | null) => VR | null,
): ProcessorSupplier<K, Change<VThis>, K, Change<VR>> {
  return (): Processor<K, Change<VThis>, K, Change<VR>> => {
    let context!: ProcessorContext<K, Change<VR>>;
    const getter = other.get();
    return {
      init(ctx) {
        context = ctx;
        getter.init(ctx as ProcessorContext<unknown, unknown>);
      },
      process(r: StreamRecord<K, Change<VThis>>) {
        const theirs = getter.get(r.key);
        const newValue = row(r.value.newValue, theirs);
        const oldValue = row(r.value.oldValue, theirs);
        if (newValue === null && oldValue === null) return;
        context.forward({ key: r.key, value: { newValue, oldValue }, timestampMs: r.timestampMs, headers: r.headers });
      },
    };
  };
}

export interface StreamJoinSide {
  /** This side's buffer store and the other side's. */
  ownStore: string;
  otherStore: string;
  /** The window seen from this side's records. */
  windows: JoinWindows;
  /** Whether records of this side without a partner are emitted when their window closes. */
  emitsUnmatched: boolean;
  /** Whether records of the other side without a partner are emitted (outer joins: both). */
  otherEmitsUnmatched: boolean;
}

/** One side of a windowed stream-stream join; `join(mine, theirs)` builds the result in the right order. */
export function streamStreamJoinSupplier<K, VThis, VOther, VR>(
  side: StreamJoinSide,
  join: (mine: VThis | null, theirs: VOther | null) => VR,
): ProcessorSupplier<K, VThis, K, VR> {
  const reach = Math.max(side.windows.beforeMs, side.windows.afterMs) + side.windows.graceMs;
  return (): Processor<K, VThis, K, VR> => {
    let context!: ProcessorContext<K, VR>;
    let own!: JoinBufferStore<K, VThis>;
    let other!: JoinBufferStore<K, VOther>;
    /** Unmatched records whose window closed, from both sides, emitted in timestamp order. */
    let closed: Array<StreamRecord<K, VR>> = [];
    const emitOwn = (key: K, r: BufferedRecord<VThis>) => {
      if (side.emitsUnmatched && !r.matched) closed.push({ key, value: join(r.value, null), timestampMs: r.timestampMs, headers: [] });
    };
    const emitOther = (key: K, r: BufferedRecord<VOther>) => {
      if (side.otherEmitsUnmatched && !r.matched) closed.push({ key, value: join(null, r.value), timestampMs: r.timestampMs, headers: [] });
    };
    return {
      init(ctx) {
        context = ctx;
        own = ctx.getStateStore<JoinBufferStore<K, VThis>>(side.ownStore);
        other = ctx.getStateStore<JoinBufferStore<K, VOther>>(side.otherStore);
      },
      process(r: StreamRecord<K, VThis>) {
        if (r.key === null || r.key === undefined || r.value === null || r.value === undefined) {
          context.recordDropped('null key or value in stream-stream join');
          return;
        }
        const streamTimeMs = context.streamTimeMs();
        if (r.timestampMs + reach < streamTimeMs) {
          context.recordDropped('late record (join window closed)');
          return;
        }
        const mine = own.add(r.key, r.value, r.timestampMs);
        for (const theirs of other.fetch(r.key, r.timestampMs - side.windows.beforeMs, r.timestampMs + side.windows.afterMs)) {
          own.markMatched(r.key, mine);
          other.markMatched(r.key, theirs);
          context.forward({ key: r.key, value: join(r.value, theirs.value), timestampMs: Math.max(r.timestampMs, theirs.timestampMs), headers: r.headers });
        }
        // A record can find no partner any more once stream time passed its window's end by the
        // longest reach of a record that is not late: then it is emitted alone (left/outer) and dropped.
        own.expire(streamTimeMs - side.windows.afterMs - reach, emitOwn);
        other.expire(streamTimeMs - side.windows.beforeMs - reach, emitOther);
        if (closed.length === 0) return;
        const emitting = closed.sort((a, b) => a.timestampMs - b.timestampMs);
        closed = [];
        for (const record of emitting) context.forward(record);
      },
    };
  };
}
