/**
 * Brook Connect: the connector SPI (api.ts), converters, transforms, the standalone runtime and its
 * Kafka-Connect-compatible REST API. Plugins import the SPI from here.
 */
export * from './api.js';
export { ConfigDef, type ConfigKey, type ConfigType } from './config-def.js';
export type { Schema, Field, SchemaType } from './data.js';
export { JsonConverter, StringConverter, ByteArrayConverter, createConverter, DataError, type Converter } from './converters.js';
export { buildChain, TransformationChain, type Transformation } from './transforms/index.js';
export { StandaloneHerder, type ConnectorInfo, type ConnectorStatus } from './runtime/herder.js';
export { PluginRegistry } from './runtime/plugins.js';
export { FileOffsetStore, MemoryOffsetStore, type OffsetStore } from './runtime/offset-store.js';
export { DistributedHerder } from './runtime/distributed-herder.js';
export { type Herder } from './runtime/herder-api.js';
export { startDistributed, type RunningDistributed, type DistributedWorkerOptions } from './distributed.js';
export { startStandalone, readConnectorFile, type RunningConnect, type StandaloneOptions } from './standalone.js';
export { FileStreamSourceConnector, FileStreamSourceTask } from './connectors/file-stream-source.js';
export { FileStreamSinkConnector, FileStreamSinkTask } from './connectors/file-stream-sink.js';
export { HttpSinkConnector, HttpSinkTask } from './connectors/http-sink.js';
