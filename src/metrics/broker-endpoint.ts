/**
 * Wires a running Broker to the metrics endpoint: builds the registry over the broker's state and
 * starts the HTTP server. Used by startBroker() when a metrics port is configured.
 */
import type { Broker } from '../broker/broker.js';
import type { BrokerView } from './broker-view.js';
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
  };
}

export interface BrokerMetricsEndpointOptions {
  port: number;
  host?: string;
  version?: string;
  ready: () => boolean;
}

export async function startBrokerMetricsEndpoint(broker: Broker, options: BrokerMetricsEndpointOptions): Promise<MetricsServer> {
  broker.metrics.groupSource ??= groupSourceFrom(broker.groups.coordinator);
  const registry = createMetricsRegistry(broker.metrics, brokerView(broker), options.version ? { version: options.version } : {});
  return startMetricsServer({
    registry,
    port: options.port,
    ready: options.ready,
    ...(options.host !== undefined ? { host: options.host } : {}),
    onError: (err) => broker.logger.error({ err }, 'metrics collection failed'),
  });
}
