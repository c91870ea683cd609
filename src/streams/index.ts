/**
 * Brook Streams: Kafka Streams' model in TypeScript.
 *
 *   const builder = new StreamsBuilder();
 *   builder.stream('lines', { keySerde: Serdes.string(), valueSerde: Serdes.string() })
 *     .flatMapValues((line) => line.toLowerCase().split(/\W+/).filter(Boolean))
 *     .groupBy((_k, word) => word, { keySerde: Serdes.string() })
 *     .count({ storeName: 'counts' })
 *     .toStream()
 *     .to('word-counts', { valueSerde: Serdes.int64() });
 *   const streams = new KafkaStreams(builder.build(), { applicationId: 'wc', bootstrapServers: 'localhost:9092' });
 *   await streams.start();
 *
 * TopologyTestDriver runs the same topology without a broker.
 */
export { Serdes, serdeFrom, type Serde } from './serdes.js';
export type { StreamRecord, Change, Windowed, TimeWindow, KeyValue } from './record.js';
export type { Processor, ProcessorContext, ProcessorSupplier } from './processor.js';
export type { Cancellable, PunctuationType, Punctuator } from './punctuation.js';
export { Topology, type TopologyNode, type TimestampExtractor } from './topology.js';
export { StreamsBuilder } from './dsl/streams-builder.js';
export { KStream, BranchedKStream } from './dsl/kstream.js';
export { KTable } from './dsl/ktable.js';
export { KGroupedTable } from './dsl/grouped-table.js';
export { GlobalKTable } from './dsl/global-ktable.js';
export { KGroupedStream, SessionWindowedKStream, SlidingWindowedKStream, TimeWindowedKStream } from './dsl/grouped-stream.js';
export type { Consumed, Produced, Grouped, Materialized, Repartitioned, StreamJoined } from './dsl/options.js';
export { JoinWindows, SessionWindows, SlidingWindows, TimeWindows, sessionWindowedSerde, windowedSerde } from './windows.js';
export { Suppressed } from './dsl/suppress.js';
export { type StateStore, type StoreBuilder, type StoreLocation, changelogTopic } from './stores/state-store.js';
export { InMemoryKeyValueStore, keyValueStoreBuilder, type KeyValueStore } from './stores/key-value-store.js';
export { PersistentKeyValueStore, persistentKeyValueStoreBuilder } from './stores/persistent-key-value-store.js';
export { InMemoryWindowStore, windowStoreBuilder, type WindowStore } from './stores/window-store.js';
export { TimestampedWindowStore, timestampedWindowStoreBuilder, valueAndTimestampSerde, type ValueAndTimestamp } from './stores/timestamped-window-store.js';
export { InMemorySessionStore, sessionStoreBuilder, type SessionStore, type Session } from './stores/session-store.js';
export { TopologyTestDriver, TestInputTopic, TestOutputTopic, type TestRecord } from './test-driver.js';
export type { ReadOnlyKeyValueStore, ReadOnlySessionStore, ReadOnlyWindowStore } from './queryable-stores.js';
export { KafkaStreams, type KafkaStreamsOptions, type StreamsState } from './kafka-streams.js';
