/**
 * In-memory key-value store. Keys are held as their serialized bytes (latin1 strings, which sort
 * like the bytes), so equal keys match however they were built; values are held deserialized.
 */
import type { Serde } from '../serdes.js';
import { type StateStore, type StoreBuilder, type StoreContext, storeKeyBytes } from './state-store.js';

export interface KeyValueStore<K, V> extends StateStore {
  get(key: K): V | null;
  put(key: K, value: V | null, timestampMs?: number): void;
  delete(key: K, timestampMs?: number): V | null;
  /** Every entry in key-byte order. */
  all(): Array<[K, V]>;
  /** Entries with from <= key <= to in key-byte order. */
  range(from: K, to: K): Array<[K, V]>;
  approximateNumEntries(): number;
}

export class InMemoryKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private readonly entries = new Map<string, { key: K; value: V }>();
  private context: StoreContext | null = null;
  private topic = '';

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    readonly loggingEnabled = true,
  ) {}

  init(context: StoreContext): void {
    this.context = context;
    this.topic = `${context.applicationId}-${this.name}-changelog`;
  }

  get(key: K): V | null {
    return this.entries.get(this.keyString(key))?.value ?? null;
  }

  put(key: K, value: V | null, timestampMs = 0): void {
    if (value === null || value === undefined) {
      this.delete(key, timestampMs);
      return;
    }
    const keyBytes = this.keyBytes(key);
    this.entries.set(keyBytes.toString('latin1'), { key, value });
    if (this.loggingEnabled) this.context?.logChange(this.name, keyBytes, this.valueSerde.serialize(this.topic, value), timestampMs);
  }

  delete(key: K, timestampMs = 0): V | null {
    const keyBytes = this.keyBytes(key);
    const k = keyBytes.toString('latin1');
    const old = this.entries.get(k);
    this.entries.delete(k);
    if (this.loggingEnabled) this.context?.logChange(this.name, keyBytes, null, timestampMs);
    return old?.value ?? null;
  }

  all(): Array<[K, V]> {
    return [...this.entries.keys()].sort().map((k) => {
      const e = this.entries.get(k)!;
      return [e.key, e.value];
    });
  }

  range(from: K, to: K): Array<[K, V]> {
    const lo = this.keyString(from);
    const hi = this.keyString(to);
    return [...this.entries.keys()]
      .filter((k) => k >= lo && k <= hi)
      .sort()
      .map((k) => {
        const e = this.entries.get(k)!;
        return [e.key, e.value];
      });
  }

  approximateNumEntries(): number {
    return this.entries.size;
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = key.toString('latin1');
    const v = this.valueSerde.deserialize(this.topic, value);
    if (v === null) this.entries.delete(k);
    else this.entries.set(k, { key: this.keySerde.deserialize(this.topic, key) as K, value: v });
  }

  close(): void {
    this.entries.clear();
  }

  private keyBytes(key: K): Buffer {
    return storeKeyBytes(this.keySerde, this.topic, key, this.name);
  }

  private keyString(key: K): string {
    return this.keyBytes(key).toString('latin1');
  }
}

export function keyValueStoreBuilder<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>, options: { logging?: boolean } = {}): StoreBuilder<KeyValueStore<K, V>> {
  const logging = options.logging ?? true;
  return { name, loggingEnabled: logging, build: () => new InMemoryKeyValueStore(name, keySerde, valueSerde, logging) };
}
