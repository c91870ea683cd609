/**
 * One client connection per other broker, opened on first use and reopened on the next request
 * after it failed: what follower fetchers and transaction marker writers talk to leaders through.
 */
import { Connection } from '../client/connection.js';
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { BrokerDirectory } from './contract.js';

export interface BrokerConnectionOptions {
  clientId: string;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
}

export class BrokerConnections {
  private readonly connections = new Map<number, Promise<Connection>>();
  private closed = false;

  constructor(
    private readonly directory: Pick<BrokerDirectory, 'endpoint'>,
    private readonly options: BrokerConnectionOptions,
  ) {}

  get(nodeId: number): Promise<Connection> {
    if (this.closed) return Promise.reject(new Error(`connections of ${this.options.clientId} are closed`));
    const existing = this.connections.get(nodeId);
    if (existing) {
      return existing.then((c) => {
        if (c.isOpen) return c;
        this.connections.delete(nodeId);
        return this.get(nodeId);
      });
    }
    const endpoint = this.directory.endpoint(nodeId);
    if (!endpoint) return Promise.reject(new KafkaError(ErrorCode.BROKER_NOT_AVAILABLE, `broker ${nodeId} is not registered`));
    const opening = Connection.open({ host: endpoint.host, port: endpoint.port, ...this.options });
    this.connections.set(nodeId, opening);
    opening.catch(() => {
      if (this.connections.get(nodeId) === opening) this.connections.delete(nodeId);
    });
    return opening;
  }

  async close(): Promise<void> {
    this.closed = true;
    const opening = [...this.connections.values()];
    this.connections.clear();
    for (const c of opening) (await c.catch(() => null))?.close();
  }
}
