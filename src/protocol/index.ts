// Kafka wire protocol: primitive reader/writer, error catalogue and the generated codecs.
// Nothing here does I/O.

export * from './reader.js';
export * from './writer.js';
export * from './errors.js';
export * from './generated/index.js';
