/**
 * A window store that also keeps, per window, the largest timestamp of the records aggregated into
 * it (Kafka's TimestampedWindowStore). Sliding windows need it to find a record's neighbours.
 * Reads through the WindowStore interface (interactive queries, the test driver) see plain values.
 *
 * Changelog format: the key as in InMemoryWindowStore (key bytes + 8-byte window start); the value is
 * the 8-byte big-endian timestamp followed by the value's bytes (Kafka's ValueAndTimestamp layout).
 */
import type { Serde } from '../serdes.js';
import type { StoreBuilder, StoreContext } from './state-store.js';
import { InMemoryWindowStore, type WindowStore } from './window-store.js';

export interface ValueAndTimestamp<V> {
  value: V;
  timestampMs: number;
}

export function valueAndTimestampSerde<V>(inner: Serde<V>): Serde<ValueAndTimestamp<V>> {
  return {
    serialize(topic, data) {
      if (data === null) return null;
      const valueBytes = inner.serialize(topic, data.value) ?? Buffer.alloc(0);
      const out = Buffer.allocUnsafe(8 + valueBytes.length);
      out.writeBigInt64BE(BigInt(data.timestampMs), 0);
      valueBytes.copy(out, 8);
      return out;
    },
    deserialize(topic, data) {
      if (data === null) return null;
      return { timestampMs: Number(data.readBigInt64BE(0)), value: inner.deserialize(topic, data.subarray(8)) as V };
    },
  };
}

export class TimestampedWindowStore<K, V> implements WindowStore<K, V> {
  private readonly inner: InMemoryWindowStore<K, ValueAndTimestamp<V>>;

  constructor(name: string, windowSizeMs: number, retentionMs: number, keySerde: Serde<K>, valueSerde: Serde<V>, loggingEnabled = true) {
    this.inner = new InMemoryWindowStore(name, windowSizeMs, retentionMs, keySerde, valueAndTimestampSerde(valueSerde), loggingEnabled);
  }

  get name(): string {
    return this.inner.name;
  }

  get loggingEnabled(): boolean {
    return this.inner.loggingEnabled;
  }

  get windowSizeMs(): number {
    return this.inner.windowSizeMs;
  }

  get retentionMs(): number {
    return this.inner.retentionMs;
  }

  init(context: StoreContext): void {
    this.inner.init(context);
  }

  restore(key: Buffer, value: Buffer | null): void {
    this.inner.restore(key, value);
  }

  close(): void {
    this.inner.close();
  }

  putWithTimestamp(key: K, value: V | null, windowStartMs: number, timestampMs: number): void {
    this.inner.put(key, value === null ? null : { value, timestampMs }, windowStartMs);
  }

  /** Without a timestamp, the window's start stands in for it. */
  put(key: K, value: V | null, windowStartMs: number): void {
    this.putWithTimestamp(key, value, windowStartMs, windowStartMs);
  }

  fetchWithTimestamp(key: K, windowStartMs: number): ValueAndTimestamp<V> | null {
    return this.inner.fetch(key, windowStartMs);
  }

  fetchRangeWithTimestamps(key: K, fromMs: number, toMs: number): Array<{ windowStartMs: number; value: ValueAndTimestamp<V> }> {
    return this.inner.fetchRange(key, fromMs, toMs);
  }

  fetch(key: K, windowStartMs: number): V | null {
    return this.inner.fetch(key, windowStartMs)?.value ?? null;
  }

  fetchRange(key: K, fromMs: number, toMs: number): Array<{ windowStartMs: number; value: V }> {
    return this.inner.fetchRange(key, fromMs, toMs).map((e) => ({ windowStartMs: e.windowStartMs, value: e.value.value }));
  }

  all(): Array<{ key: K; windowStartMs: number; value: V }> {
    return this.inner.all().map((e) => ({ key: e.key, windowStartMs: e.windowStartMs, value: e.value.value }));
  }
}

export function timestampedWindowStoreBuilder<K, V>(
  name: string,
  options: { windowSizeMs: number; retentionMs: number; keySerde: Serde<K>; valueSerde: Serde<V>; logging?: boolean },
): StoreBuilder<TimestampedWindowStore<K, V>> {
  const logging = options.logging ?? true;
  return {
    name,
    loggingEnabled: logging,
    build: () => new TimestampedWindowStore(name, options.windowSizeMs, options.retentionMs, options.keySerde, options.valueSerde, logging),
  };
}
