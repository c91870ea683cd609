/**
 * The buffer of KTable.suppress(): the latest update per key and when it may be emitted.
 * Changelog record: key = the table's key bytes, value = 8-byte emit-at time, 8-byte record
 * timestamp, then the new and old values each as a 4-byte length (-1 = null) and the bytes; null
 * deletes.
 */
import type { Serde } from '../serdes.js';
import type { Change } from '../record.js';
import { type StateStore, type StoreBuilder, type StoreContext, storeKeyBytes } from './state-store.js';

export interface BufferedUpdate<V> {
  emitAtMs: number;
  timestampMs: number;
  change: Change<V>;
}

export class SuppressBufferStore<K, V> implements StateStore {
  private readonly entries = new Map<string, { key: K; update: BufferedUpdate<V> }>();
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

  get(key: K): BufferedUpdate<V> | null {
    return this.entries.get(this.keyBytes(key).toString('latin1'))?.update ?? null;
  }

  put(key: K, update: BufferedUpdate<V>): void {
    const keyBytes = this.keyBytes(key);
    this.entries.set(keyBytes.toString('latin1'), { key, update });
    if (this.loggingEnabled) this.context?.logChange(this.name, keyBytes, this.encode(update), update.timestampMs);
  }

  delete(key: K): void {
    const keyBytes = this.keyBytes(key);
    if (!this.entries.delete(keyBytes.toString('latin1'))) return;
    if (this.loggingEnabled) this.context?.logChange(this.name, keyBytes, null, 0);
  }

  /** Entries whose emit time has come, earliest first. */
  due(streamTimeMs: number): Array<[K, BufferedUpdate<V>]> {
    const out: Array<[K, BufferedUpdate<V>]> = [];
    for (const { key, update } of this.entries.values()) if (update.emitAtMs <= streamTimeMs) out.push([key, update]);
    return out.sort((a, b) => a[1].emitAtMs - b[1].emitAtMs);
  }

  restore(key: Buffer, value: Buffer | null): void {
    const k = key.toString('latin1');
    if (value === null) {
      this.entries.delete(k);
      return;
    }
    this.entries.set(k, { key: this.keySerde.deserialize(this.topic, key) as K, update: this.decode(value) });
  }

  close(): void {
    this.entries.clear();
  }

  private encode(u: BufferedUpdate<V>): Buffer {
    const parts = [u.change.newValue, u.change.oldValue].map((v) => (v === null ? null : this.valueSerde.serialize(this.topic, v)));
    const out = Buffer.allocUnsafe(16 + parts.reduce((n, p) => n + 4 + (p?.length ?? 0), 0));
    out.writeBigInt64BE(BigInt(u.emitAtMs), 0);
    out.writeBigInt64BE(BigInt(u.timestampMs), 8);
    let at = 16;
    for (const p of parts) {
      out.writeInt32BE(p === null ? -1 : p.length, at);
      at += 4;
      if (p) at += p.copy(out, at);
    }
    return out;
  }

  private decode(b: Buffer): BufferedUpdate<V> {
    const values: Array<V | null> = [];
    let at = 16;
    for (let i = 0; i < 2; i++) {
      const length = b.readInt32BE(at);
      at += 4;
      values.push(length < 0 ? null : this.valueSerde.deserialize(this.topic, b.subarray(at, at + length)));
      at += Math.max(0, length);
    }
    return { emitAtMs: Number(b.readBigInt64BE(0)), timestampMs: Number(b.readBigInt64BE(8)), change: { newValue: values[0]!, oldValue: values[1]! } };
  }

  private keyBytes(key: K): Buffer {
    return storeKeyBytes(this.keySerde, this.topic, key, this.name);
  }
}

export function suppressBufferStoreBuilder<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>): StoreBuilder<SuppressBufferStore<K, V>> {
  return { name, loggingEnabled: true, build: () => new SuppressBufferStore(name, keySerde, valueSerde) };
}
