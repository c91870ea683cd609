/**
 * A key-value store on disk (LMDB through the `lmdb` package, Kafka Streams' RocksDB role): state
 * larger than memory. Keys and values are held as their serialized bytes; LMDB orders keys bytewise,
 * which is the order `all()` and `range()` promise.
 *
 * Where: `<stateDir>/<applicationId>/<taskId>/<storeName>/` (LMDB's data.mdb and lock.mdb). There
 * is no offset checkpoint yet: a task's store directory is emptied when the task starts and refilled
 * from the changelog, like the in-memory stores, and removed when the task closes.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import type { Serde } from '../serdes.js';
import type { KeyValueStore } from './key-value-store.js';
import { type StoreBuilder, type StoreContext, type StoreLocation, storeKeyBytes } from './state-store.js';

export class PersistentKeyValueStore<K, V> implements KeyValueStore<K, V> {
  private readonly db: RootDatabase<Buffer, Buffer>;
  private readonly dir: string;
  private context: StoreContext | null = null;
  private topic: string;

  constructor(
    readonly name: string,
    location: StoreLocation,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    readonly loggingEnabled = true,
  ) {
    this.dir = join(location.stateDir, location.applicationId, location.taskId, name);
    this.topic = `${location.applicationId}-${name}-changelog`;
    rmSync(this.dir, { recursive: true, force: true });
    mkdirSync(this.dir, { recursive: true });
    // Durability comes from the changelog: no fsync per write.
    this.db = open<Buffer, Buffer>({ path: this.dir, keyEncoding: 'binary', encoding: 'binary', noSync: true, compression: false });
  }

  init(context: StoreContext): void {
    this.context = context;
    this.topic = `${context.applicationId}-${this.name}-changelog`;
  }

  get(key: K): V | null {
    const bytes = this.db.get(this.keyBytes(key));
    return bytes === undefined ? null : this.valueSerde.deserialize(this.topic, bytes);
  }

  put(key: K, value: V | null, timestampMs = 0): void {
    if (value === null || value === undefined) {
      this.delete(key, timestampMs);
      return;
    }
    const keyBytes = this.keyBytes(key);
    const valueBytes = this.valueSerde.serialize(this.topic, value)!;
    this.db.putSync(keyBytes, valueBytes);
    if (this.loggingEnabled) this.context?.logChange(this.name, keyBytes, valueBytes, timestampMs);
  }

  delete(key: K, timestampMs = 0): V | null {
    const keyBytes = this.keyBytes(key);
    const old = this.db.get(keyBytes);
    this.db.removeSync(keyBytes);
    if (this.loggingEnabled) this.context?.logChange(this.name, keyBytes, null, timestampMs);
    return old === undefined ? null : this.valueSerde.deserialize(this.topic, old);
  }

  all(): Array<[K, V]> {
    return this.entries(this.db.getRange({}));
  }

  range(from: K, to: K): Array<[K, V]> {
    const end = this.keyBytes(to);
    // LMDB's end is exclusive: one more zero byte makes it the first key after `to`.
    return this.entries(this.db.getRange({ start: this.keyBytes(from), end: Buffer.concat([end, Buffer.alloc(1)]) }));
  }

  approximateNumEntries(): number {
    return (this.db.getStats() as { entryCount: number }).entryCount;
  }

  restore(key: Buffer, value: Buffer | null): void {
    if (value === null) this.db.removeSync(key);
    else this.db.putSync(key, value);
  }

  close(): void {
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private entries(range: Iterable<{ key: Buffer; value: Buffer }>): Array<[K, V]> {
    const out: Array<[K, V]> = [];
    for (const { key, value } of range) out.push([this.keySerde.deserialize(this.topic, key) as K, this.valueSerde.deserialize(this.topic, value) as V]);
    return out;
  }

  private keyBytes(key: K): Buffer {
    return storeKeyBytes(this.keySerde, this.topic, key, this.name);
  }
}

export function persistentKeyValueStoreBuilder<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>, options: { logging?: boolean } = {}): StoreBuilder<KeyValueStore<K, V>> {
  const logging = options.logging ?? true;
  return {
    name,
    loggingEnabled: logging,
    build: (location) => {
      if (!location) throw new TypeError(`store ${name} is persistent: it needs a state directory`);
      return new PersistentKeyValueStore(name, location, keySerde, valueSerde, logging);
    },
  };
}
