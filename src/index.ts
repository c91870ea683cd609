/** Brook's public API: the embedded broker and the client. */
export { startBroker, type StartBrokerOptions, type RunningBroker } from './broker/index.js';
export * from './client/index.js';
