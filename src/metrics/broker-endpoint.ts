/**
 * Wires a running Broker to the metrics endpoint: builds the registry over the broker's state and
 * starts the HTTP server. Used by startBroker() when a metrics port is configured.
 */
import type { Broker } from '../broker/broker.js';
import type { BrokerView, TransactionsView } from './broker-view.js';
import type { StorageActivity } from '../storage/activity.js';
import { createMetricsRegistry } from './registry.js';
import { startMetricsServer, type MetricsServer } from './http-server.js';
import { groupSourceFrom } from './group-source.js';

export function brokerView(broker: Broker): BrokerView {
  return {
    get nodeId() {
      return broker.nodeId;
    },
    get clusterId() {
      return broker.clusterId;
    },
    connectionCount: () => broker.connectionCount,
    topics: () => broker.topics.list(),
    storage: () => storageActivityOf(broker),
    transactions: () => transactionsOf(broker),
  };
}

/** The file store keeps StorageActivity; other stores (memory) keep none. */
function storageActivityOf(broker: Broker): StorageActivity | null {
  return (broker.topics.store as { activity?: StorageActivity }).activity ?? null;
}

function transactionsOf(broker: Broker): TransactionsView {
  let producerIds = 0;
  for (const topic of broker.topics.list()) {
    for (const p of topic.partitions) producerIds += broker.txn.partitionStates.peek(p)?.producers.size ?? 0;
  }
  const coordinator = broker.txn.coordinator;
  let ongoing = 0;
  // Only once loaded: list() before then would be empty anyway, and loading is the coordinator's call.
  if (coordinator.loaded) for (const t of coordinator.list()) if (OPEN_STATES.has(t.state)) ongoing++;
  return { producerIds, ongoing, commits: coordinator.completed.commits, aborts: coordinator.completed.aborts };
}

const OPEN_STATES = new Set(['Ongoing', 'PrepareCommit', 'PrepareAbort']);

export interface BrokerMetricsEndpointOptions {
  port: number;
  host?: string;
  version?: string;
  ready: () => boolean;
}

export async function startBrokerMetricsEndpoint(broker: Broker, options: BrokerMetricsEndpointOptions): Promise<MetricsServer> {
  broker.metrics.groupSource ??= groupSourceFrom(broker.groups.coordinator);
  // The fsync hook is set only while an endpoint exists: without one, fsyncs are not timed.
  const activity = storageActivityOf(broker);
  if (activity) activity.onFsyncMs = (ms) => broker.metrics.logFlush.observe(0, ms);
  const registry = createMetricsRegistry(broker.metrics, brokerView(broker), options.version ? { version: options.version } : {});
  return startMetricsServer({
    registry,
    port: options.port,
    ready: options.ready,
    ...(options.host !== undefined ? { host: options.host } : {}),
    onError: (err) => broker.logger.error({ err }, 'metrics collection failed'),
  });
}
