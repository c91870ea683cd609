/**
 * `brook connect standalone worker.properties connector1.properties [connector2...]`
 * `brook connect distributed worker.properties`
 * Runs a Connect worker until SIGINT/SIGTERM. Exit codes as `brook start`:
 * 0 clean stop, 1 runtime failure, 2 bad command line or config.
 */
import { ConfigError } from '../config/config-error.js';
import { readPropertiesFile } from '../config/properties.js';
import { ConnectConfigError } from '../connect/api.js';
import { startDistributed } from '../connect/distributed.js';
import { readConnectorFile, startStandalone } from '../connect/standalone.js';
import { createLogger } from '../log/logger.js';
import { readVersion } from './version.js';

const USAGE = 'usage: brook connect standalone <worker.properties> [connector.properties|connector.json ...]\n       brook connect distributed <worker.properties>\n';

export interface ConnectCommandDeps {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  signals: { once(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown };
}

export async function runConnect(argv: readonly string[], deps: ConnectCommandDeps = { stdout: process.stdout, stderr: process.stderr, signals: process }): Promise<number> {
  const [mode, workerFile, ...connectorFiles] = argv;
  if (mode === '--help' || mode === '-h' || mode === undefined) {
    deps.stdout.write(USAGE);
    return mode === undefined ? 2 : 0;
  }
  if ((mode !== 'standalone' && mode !== 'distributed') || workerFile === undefined || (mode === 'distributed' && connectorFiles.length > 0)) {
    deps.stderr.write(`brook: ${USAGE}`);
    return 2;
  }
  const logger = createLogger({ level: 'info' });
  let running;
  try {
    const workerConfig = readPropertiesFile(workerFile);
    running =
      mode === 'standalone'
        ? await startStandalone({ workerConfig, connectorConfigs: connectorFiles.map(readConnectorFile), logger, version: readVersion() })
        : await startDistributed({ workerConfig, logger, version: readVersion() });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ConnectConfigError) {
      deps.stderr.write(`brook: ${err.message}\n`);
      return 2;
    }
    deps.stderr.write(`brook: ${(err as Error).message}\n`);
    return 1;
  }
  await new Promise<void>((resolve) => {
    deps.signals.once('SIGINT', resolve);
    deps.signals.once('SIGTERM', resolve);
  });
  await running.stop();
  return 0;
}
