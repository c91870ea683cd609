/**
 * `brook console --bootstrap-server host:port`: serves the web console for any Kafka cluster
 * until SIGINT/SIGTERM. Loaded lazily by src/cli/run.ts so `brook start` never loads a client.
 */
import { createLogger } from '../log/logger.js';
import type { ConsoleFlags } from './console-args.js';
import type { ClusterClient } from './cluster-client.js';
import { createClusterClient } from './default-client.js';
import { startConsoleServer } from './server.js';

type Signal = 'SIGINT' | 'SIGTERM';
export interface ConsoleDeps {
  stderr: { write(text: string): unknown };
  signals: { on(s: Signal, l: () => void): unknown; off(s: Signal, l: () => void): unknown };
  clock: () => number;
  createClient?: (bootstrapServers: string) => ClusterClient;
  assetsDir?: string;
}

/** Runs until a shutdown signal; resolves to the process exit code. */
export async function runConsole(flags: ConsoleFlags, deps: ConsoleDeps): Promise<number> {
  const logger = createLogger({ level: flags.logLevel, format: flags.logFormat, stream: deps.stderr, clock: deps.clock });
  const client = (deps.createClient ?? createClusterClient)(flags.bootstrapServer);
  let server;
  try {
    server = await startConsoleServer({ client, port: flags.port, host: flags.host, ...(deps.assetsDir ? { assetsDir: deps.assetsDir } : {}) });
  } catch (err) {
    logger.error({ err, host: flags.host, port: flags.port }, `console startup failed: ${(err as Error).message}`);
    await client.close();
    return 1;
  }
  logger.info({ url: server.url, bootstrapServers: flags.bootstrapServer }, `console listening on ${server.url}`);
  const signal = await new Promise<Signal>((done) => {
    const handlers = (['SIGINT', 'SIGTERM'] as const).map((s) => {
      const handler = () => {
        for (const [sig, h] of handlers) deps.signals.off(sig, h);
        done(s);
      };
      deps.signals.on(s, handler);
      return [s, handler] as const;
    });
  });
  logger.info({ signal }, 'console stopping');
  await server.close();
  await client.close();
  logger.info('console stopped');
  return 0;
}
