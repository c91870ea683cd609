/**
 * `brook console` options. Kept apart from command.ts so the CLI can define the command without
 * loading the Kafka client that running it needs.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { LOG_LEVELS, type LevelSetting, type LogFormat } from '../log/logger.js';

export const DEFAULT_CONSOLE_PORT = 9021;

export interface ConsoleFlags {
  bootstrapServer: string;
  port: number;
  host: string;
  logFormat: LogFormat;
  logLevel: LevelSetting;
}

export function defineConsoleOptions(cmd: Command): Command {
  return cmd
    .description('serve a web console for a Kafka cluster (Brook or any other)')
    .requiredOption('--bootstrap-server <servers>', 'host:port of the cluster, comma-separated for several', parseServers)
    .option('--port <n>', `port of the console (default: ${DEFAULT_CONSOLE_PORT})`, parsePort, DEFAULT_CONSOLE_PORT)
    .option('--host <host>', 'address to listen on (default: 127.0.0.1, this machine only)', '127.0.0.1')
    .addOption(new Option('--log-format <format>', 'log line format').choices(['json', 'pretty']).default('json'))
    .addOption(new Option('--log-level <level>', 'lowest level logged').choices([...LOG_LEVELS, 'silent']).default('info'));
}

function parsePort(value: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(port >= 0 && port <= 65535)) throw new InvalidArgumentError('Expected a port number from 0 to 65535.');
  return port;
}

function parseServers(value: string): string {
  const servers = value.split(',').map((s) => s.trim());
  for (const s of servers) {
    if (!/^[^\s:]+:\d{1,5}$/.test(s) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(s)) throw new InvalidArgumentError(`Expected host:port, got '${s}'.`);
  }
  return servers.join(',');
}
