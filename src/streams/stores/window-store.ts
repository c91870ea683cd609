/**
 * In-memory window store: values by (key, window start). Windows whose start falls before
 * observed stream time minus the retention are evicted on the next put.
 * Changelog key format: serialized key bytes followed by the 8-byte big-endian window start.
 */
import type { Serde } from '../serdes.js';
import { type StateStore, type StoreBuilder, type StoreContext, storeKeyBytes } from './state-store.js';

export interface WindowStore<K, V> extends StateStore {
  readonly windowSizeMs: number;
  readonly retentionMs: number;
  put(key: K, value: V | null, windowStartMs: number): void;
  fetch(key: K, windowStartMs: number): V | null;
  /** The key's windows with fromMs <= start <= toMs, by start. */
  fetchRange(key: K, fromMs: number, toMs: number): Array<{ windowStartMs: number; value: V }>;
  /** Every (key, window) in key-byte then start order. */
  all(): Array<{ key: K; windowStartMs: number; value: V }>;
}

interface Entry<K, V> {
  key: K;
  windowStartMs: number;
  value: V;
}

export class InMemoryWindowStore<K, V> implements WindowStore<K, V> {
  /** latin1 key bytes -> window start -> entry. */
  private readonly byKey = new Map<string, Map<number, Entry<K, V>>>();
  private context: StoreContext | null = null;
  private topic = '';
  private observedMs = -1;

  constructor(
    readonly name: string,
    readonly windowSizeMs: number,
    readonly retentionMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    readonly loggingEnabled = true,
  ) {
    if (retentionMs < windowSizeMs) throw new RangeError(`store ${name}: retention ${retentionMs} ms is shorter than the window ${windowSizeMs} ms`);
  }

  init(context: StoreContext): void {
    this.context = context;
    this.topic = `${context.applicationId}-${this.name}-changelog`;
  }

  put(key: K, value: V | null, windowStartMs: number): void {
    const keyBytes = this.keyBytes(key);
    const advanced = windowStartMs > this.observedMs;
    if (advanced) this.observedMs = windowStartMs;
    this.apply(keyBytes.toString('latin1'), key, windowStartMs, value);
    if (this.loggingEnabled) {
      const valueBytes = value === null ? null : this.valueSerde.serialize(this.topic, value);
      this.context?.logChange(this.name, changelogKey(keyBytes, windowStartMs), valueBytes, windowStartMs);
    }
    // Eviction scans every key, so only when time moved (once per new window start, not per put).
    if (advanced) this.evictExpired();
  }

  fetch(key: K, windowStartMs: number): V | null {
    return this.byKey.get(this.keyBytes(key).toString('latin1'))?.get(windowStartMs)?.value ?? null;
  }

  fetchRange(key: K, fromMs: number, toMs: number): Array<{ windowStartMs: number; value: V }> {
    const windows = this.byKey.get(this.keyBytes(key).toString('latin1'));
    if (!windows) return [];
    return [...windows.values()]
      .filter((e) => e.windowStartMs >= fromMs && e.windowStartMs <= toMs)
      .sort((a, b) => a.windowStartMs - b.windowStartMs)
      .map((e) => ({ windowStartMs: e.windowStartMs, value: e.value }));
  }

  all(): Array<{ key: K; windowStartMs: number; value: V }> {
    const out: Array<Entry<K, V>> = [];
    for (const k of [...this.byKey.keys()].sort()) {
      const windows = [...this.byKey.get(k)!.values()].sort((a, b) => a.windowStartMs - b.windowStartMs);
      out.push(...windows);
    }
    return out.map((e) => ({ key: e.key, windowStartMs: e.windowStartMs, value: e.value }));
  }

  restore(key: Buffer, value: Buffer | null): void {
    const keyBytes = key.subarray(0, key.length - 8);
    const windowStartMs = Number(key.readBigInt64BE(key.length - 8));
    this.observedMs = Math.max(this.observedMs, windowStartMs);
    const typedKey = this.keySerde.deserialize(this.topic, keyBytes) as K;
    this.apply(keyBytes.toString('latin1'), typedKey, windowStartMs, this.valueSerde.deserialize(this.topic, value));
  }

  close(): void {
    this.byKey.clear();
  }

  private apply(k: string, key: K, windowStartMs: number, value: V | null): void {
    let windows = this.byKey.get(k);
    if (value === null) {
      windows?.delete(windowStartMs);
      if (windows?.size === 0) this.byKey.delete(k);
      return;
    }
    if (!windows) this.byKey.set(k, (windows = new Map()));
    windows.set(windowStartMs, { key, windowStartMs, value });
  }

  private evictExpired(): void {
    const oldestKeptMs = this.observedMs - this.retentionMs + 1;
    for (const [k, windows] of this.byKey) {
      for (const start of windows.keys()) if (start < oldestKeptMs) windows.delete(start);
      if (windows.size === 0) this.byKey.delete(k);
    }
  }

  private keyBytes(key: K): Buffer {
    return storeKeyBytes(this.keySerde, this.topic, key, this.name);
  }
}

function changelogKey(keyBytes: Buffer, windowStartMs: number): Buffer {
  const out = Buffer.allocUnsafe(keyBytes.length + 8);
  keyBytes.copy(out, 0);
  out.writeBigInt64BE(BigInt(windowStartMs), keyBytes.length);
  return out;
}

export function windowStoreBuilder<K, V>(
  name: string,
  options: { windowSizeMs: number; retentionMs: number; keySerde: Serde<K>; valueSerde: Serde<V>; logging?: boolean },
): StoreBuilder<WindowStore<K, V>> {
  const logging = options.logging ?? true;
  return {
    name,
    loggingEnabled: logging,
    build: () => new InMemoryWindowStore(name, options.windowSizeMs, options.retentionMs, options.keySerde, options.valueSerde, logging),
  };
}
