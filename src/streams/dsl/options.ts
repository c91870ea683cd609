/** Option shapes of the DSL (Kafka's Consumed, Produced, Grouped, Materialized, Named). */
import type { Serde } from '../serdes.js';
import { keyValueStoreBuilder, type KeyValueStore } from '../stores/key-value-store.js';
import { persistentKeyValueStoreBuilder } from '../stores/persistent-key-value-store.js';
import type { StoreBuilder } from '../stores/state-store.js';
import type { TimestampExtractor } from '../topology.js';

export interface Consumed<K, V> {
  keySerde: Serde<K>;
  valueSerde: Serde<V>;
  /** Event time of each record; default its timestamp. */
  timestampExtractor?: TimestampExtractor;
}

export interface Produced<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
}

export interface Grouped<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  /** Names the repartition topic when one is needed: `<applicationId>-<name>-repartition`. */
  name?: string;
}

/** Serdes and store names of a windowed stream-stream join (both sides are buffered in stores). */
export interface StreamJoined<K, V, VO> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  otherValueSerde?: Serde<VO>;
  /** Base name of the two buffer stores (`<name>-this-join-store`, `<name>-other-join-store`). */
  storeName?: string;
}

export interface Repartitioned<K, V> {
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  /** The topic is `<applicationId>-<name>-repartition`; generated when omitted. */
  name?: string;
}

export interface Materialized<K, V> {
  /** Store name; its changelog is `<applicationId>-<storeName>-changelog`. Generated when omitted. */
  storeName?: string;
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
  /** Default true: back the store with a compacted changelog topic. */
  logging?: boolean;
  /** Window stores only: how long windows are kept; default size + grace. */
  retentionMs?: number;
  /** Key-value stores only: keep the store on disk (LMDB) rather than in memory. Default false. */
  persistent?: boolean;
}

export function requireSerde<T>(serde: Serde<T> | undefined, what: string): Serde<T> {
  if (!serde) throw new TypeError(`${what}: no serde known here; pass one (the key or value type changed upstream)`);
  return serde;
}

/** The key-value store a DSL operation materializes into: in memory, or on disk when `persistent`. */
export function keyValueStoreFor<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>, m: Pick<Materialized<K, V>, 'logging' | 'persistent'>): StoreBuilder<KeyValueStore<K, V>> {
  const options = { logging: m.logging ?? true };
  return m.persistent ? persistentKeyValueStoreBuilder(name, keySerde, valueSerde, options) : keyValueStoreBuilder(name, keySerde, valueSerde, options);
}
