/**
 * The web console served by a broker itself (Brook config `console.port`, or
 * `brook start --console-port`). The same server as `brook console`: it talks to this broker
 * over its own listener like any client, so what it shows is what clients see. Loaded lazily by
 * startBroker() only when a console port is set.
 */
import type { Logger } from '../log/logger.js';
import { createClusterClient } from './default-client.js';
import { startConsoleServer } from './server.js';

export interface BrokerConsoleOptions {
  /** The broker's own `host:port`. */
  bootstrapServers: string;
  port: number;
  /** Default 127.0.0.1: the console can create and delete topics, keep it local unless asked. */
  host?: string;
  logger: Logger;
  assetsDir?: string;
}

export interface BrokerConsole {
  url: string;
  close(): Promise<void>;
}

export async function startBrokerConsole(options: BrokerConsoleOptions): Promise<BrokerConsole> {
  const client = createClusterClient(options.bootstrapServers);
  let server;
  try {
    server = await startConsoleServer({ client, port: options.port, host: options.host ?? '127.0.0.1', ...(options.assetsDir ? { assetsDir: options.assetsDir } : {}) });
  } catch (err) {
    await client.close();
    throw err;
  }
  options.logger.info({ url: server.url }, `console on ${server.url}`);
  return {
    url: server.url,
    // The client first: its connections to the broker must be gone before the broker stops.
    close: async () => {
      await server.close();
      await client.close();
    },
  };
}
