/**
 * KTable: a changelog stream seen as a table. Its nodes forward Change<V> records; toStream()
 * turns them back into plain records (null value = deletion). No record cache in this slice, so
 * every update is emitted (Kafka with cache.max.bytes.buffering=0).
 */
import type { Serde } from '../serdes.js';
import type { Change } from '../record.js';
import type { InternalBuilder } from './internal-builder.js';
import { statelessSupplier, type Step } from './stateless.js';
import { KStream } from './kstream.js';

export class KTable<K, V> {
  constructor(
    private readonly builder: InternalBuilder,
    readonly nodeName: string,
    readonly keySerde: Serde<K> | undefined,
    readonly valueSerde: Serde<V> | undefined,
    /** The store holding this table's current values, when it is materialized. */
    readonly queryableStoreName: string | null,
  ) {}

  /** Rows failing the predicate read as absent; an update that makes a row fail forwards a delete. */
  filter(predicate: (key: K, value: V) => boolean): KTable<K, V> {
    const keep = (key: K, v: V | null): V | null => (v !== null && predicate(key, v) ? v : null);
    return this.step<V>('KTABLE-FILTER', (r, fwd) => {
      const newValue = keep(r.key, r.value.newValue);
      const oldValue = keep(r.key, r.value.oldValue);
      // Nothing visible changed: the row was and stays filtered out.
      if (newValue === null && oldValue === null) return;
      fwd({ key: r.key, value: { newValue, oldValue }, timestampMs: r.timestampMs, headers: r.headers });
    }, this.valueSerde);
  }

  filterNot(predicate: (key: K, value: V) => boolean): KTable<K, V> {
    return this.filter((k, v) => !predicate(k, v));
  }

  mapValues<V2>(mapper: (value: V, key: K) => V2, options: { valueSerde?: Serde<V2> } = {}): KTable<K, V2> {
    const apply = (key: K, v: V | null): V2 | null => (v === null ? null : mapper(v, key));
    return this.step<V2>('KTABLE-MAPVALUES', (r, fwd) =>
      fwd({ key: r.key, value: { newValue: apply(r.key, r.value.newValue), oldValue: apply(r.key, r.value.oldValue) }, timestampMs: r.timestampMs, headers: r.headers }),
    options.valueSerde);
  }

  toStream(): KStream<K, V> {
    const name = this.builder.newName('KTABLE-TOSTREAM');
    const step: Step<K, Change<V>, K, V> = (r, fwd) => fwd({ key: r.key, value: r.value.newValue as V, timestampMs: r.timestampMs, headers: r.headers });
    this.builder.topology.addProcessor(name, statelessSupplier(step), this.nodeName);
    return new KStream<K, V>(this.builder, name, this.keySerde, this.valueSerde, false);
  }

  private step<V2>(prefix: string, step: Step<K, Change<V>, K, Change<V2>>, valueSerde: Serde<V2> | undefined): KTable<K, V2> {
    const name = this.builder.newName(prefix);
    this.builder.topology.addProcessor(name, statelessSupplier(step), this.nodeName);
    return new KTable<K, V2>(this.builder, name, this.keySerde, valueSerde, null);
  }
}
