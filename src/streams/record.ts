/** The shapes that flow between processor nodes. */
import type { RecordHeader } from '../records/record-types.js';

export interface StreamRecord<K, V> {
  key: K;
  value: V;
  /** Event time: the input record's timestamp unless a processor changes it. */
  timestampMs: number;
  headers: RecordHeader[];
}

/** What a KTable node forwards: the new value and the value it replaced (null when absent/deleted). */
export interface Change<V> {
  newValue: V | null;
  oldValue: V | null;
}

/** A time window [startMs, endMs). */
export interface TimeWindow {
  startMs: number;
  endMs: number;
}

/** The key of a windowed aggregation's result. */
export interface Windowed<K> {
  key: K;
  window: TimeWindow;
}

export type KeyValue<K, V> = [K, V];
