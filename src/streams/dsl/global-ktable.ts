/**
 * GlobalKTable: a table every instance holds in full (all partitions of its topic), so streams can
 * join it on any key they compute, without co-partitioning or repartitioning.
 */
import type { Serde } from '../serdes.js';
import type { ValueGetterSupplier } from './joins.js';
import { storeGetter } from './ktable.js';

export class GlobalKTable<K, V> {
  constructor(
    readonly topic: string,
    readonly storeName: string,
    readonly keySerde: Serde<K>,
    readonly valueSerde: Serde<V>,
  ) {}

  /** Global stores are readable from every processor without being connected to it. */
  valueGetter(): ValueGetterSupplier<K, V> {
    return { ...storeGetter<K, V>(this.storeName), stores: [] };
  }
}
