/**
 * Distributed mode: `brook connect distributed worker.properties`. Connectors are created through
 * the REST API of any worker; see runtime/distributed-herder.ts for how work is shared.
 */
import type { Logger } from '../log/logger.js';
import { ConnectRestServer } from './rest/rest-server.js';
import { DistributedHerder } from './runtime/distributed-herder.js';
import { PluginRegistry } from './runtime/plugins.js';
import { restAddress } from './standalone.js';

export interface DistributedWorkerOptions {
  workerConfig: Record<string, string>;
  logger: Logger;
  version?: string;
  pollTimeoutMs?: number;
}

export interface RunningDistributed {
  herder: DistributedHerder;
  url: string;
  stop(): Promise<void>;
}

export async function startDistributed(o: DistributedWorkerOptions): Promise<RunningDistributed> {
  const plugins = new PluginRegistry();
  await plugins.loadPath(o.workerConfig['plugin.path']);
  const { host, port } = restAddress(o.workerConfig);
  const advertisedHost = o.workerConfig['rest.advertised.host.name'] ?? (host === '0.0.0.0' ? '127.0.0.1' : host);
  const herder = new DistributedHerder({ workerConfig: o.workerConfig, plugins, logger: o.logger, ...(o.pollTimeoutMs !== undefined ? { pollTimeoutMs: o.pollTimeoutMs } : {}) });
  const rest = new ConnectRestServer({ herder, plugins, logger: o.logger, version: o.version ?? '0.1.0' });
  // The REST server listens before the herder joins: its URL goes into the group metadata.
  const bound = await rest.listen(port, host);
  const url = `http://${advertisedHost}:${bound.port}`;
  try {
    await herder.start(url);
  } catch (err) {
    await rest.close();
    throw err;
  }
  o.logger.info({ url, groupId: o.workerConfig['group.id'] }, 'Brook Connect distributed worker started');
  return {
    herder,
    url,
    async stop() {
      await rest.close();
      await herder.shutdown();
    },
  };
}

