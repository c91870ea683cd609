/** StreamsBuilder: the DSL's entry point; build() returns the Topology to run. */
import type { Change, StreamRecord } from '../record.js';
import type { Processor, ProcessorContext } from '../processor.js';
import type { Topology } from '../topology.js';
import { keyValueStoreBuilder, type KeyValueStore } from '../stores/key-value-store.js';
import { InternalBuilder } from './internal-builder.js';
import { keyValueStoreFor, type Consumed } from './options.js';
import { KStream } from './kstream.js';
import { KTable } from './ktable.js';
import { GlobalKTable } from './global-ktable.js';

export class StreamsBuilder {
  private readonly internal = new InternalBuilder();
  private built = false;

  stream<K, V>(topics: string | string[], consumed: Consumed<K, V>): KStream<K, V> {
    const name = this.internal.newName('KSTREAM-SOURCE');
    this.internal.topology.addSource(name, topics, consumed.keySerde, consumed.valueSerde, consumed.timestampExtractor);
    return new KStream<K, V>(this.internal, name, consumed.keySerde, consumed.valueSerde);
  }

  /** A table materialized from a topic: each record upserts its key (null value deletes). */
  table<K, V>(topic: string, consumed: Consumed<K, V> & { storeName?: string; persistent?: boolean }): KTable<K, V> {
    const source = this.internal.newName('KSTREAM-SOURCE');
    const name = this.internal.newName('KTABLE-SOURCE');
    const storeName = consumed.storeName ?? this.internal.newStoreName(topic);
    const topology = this.internal.topology;
    topology.addSource(source, topic, consumed.keySerde, consumed.valueSerde, consumed.timestampExtractor);
    topology.addProcessor(name, () => tableSource<K, V>(storeName), source);
    topology.addStateStore(keyValueStoreFor(storeName, consumed.keySerde, consumed.valueSerde, { persistent: consumed.persistent ?? false }), name);
    return new KTable<K, V>(this.internal, name, consumed.keySerde, consumed.valueSerde, storeName);
  }

  /** A table of all partitions of `topic` in every instance, for joins on any key (GlobalKTable). */
  globalTable<K, V>(topic: string, consumed: Consumed<K, V> & { storeName?: string }): GlobalKTable<K, V> {
    const storeName = consumed.storeName ?? this.internal.newStoreName(`${topic}-GLOBAL`);
    this.internal.topology.addGlobalStore(keyValueStoreBuilder(storeName, consumed.keySerde, consumed.valueSerde, { logging: false }), topic, consumed.keySerde, consumed.valueSerde);
    return new GlobalKTable<K, V>(topic, storeName, consumed.keySerde, consumed.valueSerde);
  }

  build(): Topology {
    if (this.built) throw new TypeError('build() was already called');
    this.built = true;
    return this.internal.topology;
  }
}

/** Upserts each record into the table's store and forwards the change; also behind KStream.toTable(). */
export function tableSource<K, V>(storeName: string): Processor<K, V, K, Change<V>> {
  let context!: ProcessorContext<K, Change<V>>;
  let store!: KeyValueStore<K, V>;
  return {
    init(ctx) {
      context = ctx;
      store = ctx.getStateStore<KeyValueStore<K, V>>(storeName);
    },
    process(record: StreamRecord<K, V>) {
      if (record.key === null || record.key === undefined) {
        context.recordDropped('null key in table');
        return;
      }
      const oldValue = store.get(record.key);
      store.put(record.key, record.value ?? null, record.timestampMs);
      context.forward({ key: record.key, value: { newValue: record.value ?? null, oldValue }, timestampMs: record.timestampMs, headers: record.headers });
    },
  };
}
