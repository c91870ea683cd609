/**
 * Standalone mode: one worker, connectors from files given at startup (and the REST API),
 * source offsets in `offset.storage.file.filename`. `startStandalone` is what
 * `brook connect standalone` calls; tests call it directly.
 */
import { readFileSync } from 'node:fs';
import type { Logger } from '../log/logger.js';
import { readPropertiesFile } from '../config/properties.js';
import { ConnectConfigError, type ConnectorConfig } from './api.js';
import { ConnectRestServer } from './rest/rest-server.js';
import { ConnectRestError } from './runtime/errors.js';
import { StandaloneHerder } from './runtime/herder.js';
import { FileOffsetStore } from './runtime/offset-store.js';
import { PluginRegistry } from './runtime/plugins.js';

export interface StandaloneOptions {
  workerConfig: Record<string, string>;
  connectorConfigs: ConnectorConfig[];
  logger: Logger;
  version?: string;
  clock?: () => number;
  /** Sink poll timeout; tests lower it so stops are quick. */
  pollTimeoutMs?: number;
}

export interface RunningConnect {
  herder: StandaloneHerder;
  /** Base URL of the REST API, e.g. http://127.0.0.1:8083 */
  url: string;
  stop(): Promise<void>;
}

/** `listeners=http://host:port` (first one), else rest.host.name/rest.port, else 0.0.0.0:8083. */
export function restAddress(worker: Record<string, string>): { host: string; port: number } {
  const first = (worker['listeners'] ?? '').split(',')[0]?.trim();
  if (first) {
    const m = /^http:\/\/(\[[^\]]*\]|[^:/]*):(\d+)\/?$/.exec(first);
    if (!m) throw new ConnectConfigError(`Invalid value ${first} for configuration listeners: expected http://host:port`, 'listeners');
    return { host: m[1]!.replace(/^\[|\]$/g, '') || '0.0.0.0', port: Number(m[2]) };
  }
  return { host: worker['rest.host.name'] || '0.0.0.0', port: Number(worker['rest.port'] ?? 8083) };
}

export async function startStandalone(o: StandaloneOptions): Promise<RunningConnect> {
  const offsetsFile = o.workerConfig['offset.storage.file.filename'];
  if (!offsetsFile) throw new ConnectConfigError('Missing required configuration "offset.storage.file.filename" which has no default value.', 'offset.storage.file.filename');
  const plugins = new PluginRegistry();
  await plugins.loadPath(o.workerConfig['plugin.path']);
  const { host, port } = restAddress(o.workerConfig);
  const advertisedHost = o.workerConfig['rest.advertised.host.name'] ?? (host === '0.0.0.0' ? '127.0.0.1' : host);
  const herder = new StandaloneHerder({
    workerConfig: o.workerConfig,
    plugins,
    offsets: new FileOffsetStore(offsetsFile),
    logger: o.logger,
    workerId: '',
    ...(o.clock ? { clock: o.clock } : {}),
    ...(o.pollTimeoutMs !== undefined ? { pollTimeoutMs: o.pollTimeoutMs } : {}),
  });
  const rest = new ConnectRestServer({ herder, plugins, logger: o.logger, version: o.version ?? '0.1.0' });
  // The worker id needs the bound port (port 0 picks one).
  const bound = await rest.listen(port, host);
  const workerId = `${advertisedHost}:${bound.port}`;
  herder.workerId = workerId;
  try {
    for (const config of o.connectorConfigs) {
      const name = config['name'];
      if (!name) throw new ConnectConfigError('Connector config has no name', 'name');
      await herder.putConnectorConfig(name, config, true);
    }
  } catch (err) {
    await herder.shutdown();
    await rest.close();
    if (err instanceof ConnectRestError) throw new ConnectConfigError(err.message);
    throw err;
  }
  o.logger.info({ url: `http://${workerId}`, connectors: herder.connectorNames() }, 'Brook Connect standalone worker started');
  return {
    herder,
    url: `http://${workerId}`,
    async stop() {
      await rest.close();
      await herder.shutdown();
    },
  };
}

/** A connector file: .properties, or JSON (`{"name", "config"}` or a flat object). */
export function readConnectorFile(path: string): ConnectorConfig {
  if (!path.endsWith('.json')) return readPropertiesFile(path);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const flat = (typeof doc['config'] === 'object' && doc['config'] !== null ? { ...(doc['config'] as object), name: doc['name'] } : doc) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(flat).map(([k, v]) => [k, String(v)]));
}
