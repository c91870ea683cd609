/** Broker metrics: counters kept while serving, a Prometheus registry, and the HTTP endpoint. */
export { BrokerMetrics, type BrokerMetricsOptions } from './broker-metrics.js';
export { createMetricsRegistry, type MetricsRegistryOptions } from './registry.js';
export { startMetricsServer, type MetricsServer, type MetricsServerOptions } from './http-server.js';
export type { BrokerView, TopicView, PartitionView, GroupMetricsSource, GroupSnapshot } from './broker-view.js';
export { ReplicationStats } from './replication-stats.js';
export type { TransactionsView, StorageView } from './broker-view.js';
