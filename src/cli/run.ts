/**
 * The `brook` command: parses the command line, starts the broker, and stops it on SIGTERM or
 * SIGINT. Returns the process exit code:
 *   0  clean stop, --help, --version
 *   1  startup or shutdown failure (port in use, data dir locked...)
 *   2  bad command line or bad config (one `brook: <message>` line on stderr, no stack)
 * A second signal while stopping exits at once with 128 + the signal number.
 *
 * Everything the process touches (streams, signals, exit, the broker module) is injectable so
 * tests can drive a whole lifecycle in-process.
 */
import { constants as osConstants } from 'node:os';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config-error.js';
import type { BrokerConfig } from '../config/broker-config.js';
import { createLogger, type Logger } from '../log/logger.js';
import { commanderMessage, defineStartOptions, resolveStartOptions, UsageError, type StartFlags, type StartOptions, type StorageKind } from './start-args.js';
import { readVersion } from './version.js';
import { TOOL_COMMANDS } from './tools/names.js';
import { defineConsoleOptions, type ConsoleFlags } from '../console/console-args.js';

/** What run() needs from src/broker/index.ts. */
export interface BrokerStartOptions {
  config: BrokerConfig;
  host: string;
  port: number;
  dataDir: string;
  storage: StorageKind;
  logger: Logger;
  /** Omitted when --metrics-port was not given (the broker then reads metrics.port). */
  metricsPort?: number;
  /** Omitted when --console-port was not given (the broker then reads console.port). */
  consolePort?: number;
}

export interface RunningBroker {
  port: number;
  host: string;
  bootstrapServers: string;
  stop(): Promise<void>;
}

export interface BrokerModule {
  startBroker(options: BrokerStartOptions): Promise<RunningBroker>;
}

type ShutdownSignal = 'SIGINT' | 'SIGTERM';
const SHUTDOWN_SIGNALS: readonly ShutdownSignal[] = ['SIGINT', 'SIGTERM'];

export interface SignalSource {
  on(signal: ShutdownSignal, listener: (signal: NodeJS.Signals) => void): unknown;
  off(signal: ShutdownSignal, listener: (signal: NodeJS.Signals) => void): unknown;
}

export interface RunDeps {
  loadBroker: () => Promise<BrokerModule>;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  signals: SignalSource;
  /** Used only when a second signal forces the process down. */
  exit: (code: number) => void;
  readFile?: (path: string) => string;
  cwd: string;
  clock: () => number;
  version: string;
}

function defaultDeps(): RunDeps {
  return {
    // A variable specifier keeps tsc from requiring the broker at compile time, so the CLI's
    // own tests build and run without it.
    loadBroker: async () => {
      const specifier = '../broker/index.js';
      return (await import(specifier)) as BrokerModule;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    signals: process,
    exit: (code) => process.exit(code),
    cwd: process.cwd(),
    clock: Date.now,
    version: readVersion(),
  };
}

/** Runs `brook <argv...>` (arguments after the executable) and resolves to the exit code. */
export async function run(argv: readonly string[], overrides: Partial<RunDeps> = {}): Promise<number> {
  if (argv[0] === 'connect') return (await import('./connect-command.js')).runConnect(argv.slice(1));
  if (argv[0] === 'cluster') return (await import('./cluster-command.js')).runCluster(argv.slice(1));
  if (argv[0] !== undefined && TOOL_COMMANDS.has(argv[0])) {
    // The client tools (topics, produce, consume, ...) have their own parser in ./tools.
    const { runTool } = await import('./tools/index.js');
    return runTool(argv);
  }
  const deps: RunDeps = { ...defaultDeps(), ...overrides };
  let options: StartOptions;
  try {
    const flags = parseCommandLine(argv, deps);
    if (flags === null) return 0;
    if ('console' in flags) {
      // Loaded only for `brook console`, so `brook start` never loads a Kafka client library.
      const { runConsole } = await import('../console/command.js');
      return runConsole(flags.console, { stderr: deps.stderr, signals: deps.signals, clock: deps.clock });
    }
    options = resolveStartOptions(flags, { cwd: deps.cwd, ...(deps.readFile ? { readFile: deps.readFile } : {}) });
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version were already printed by commander.
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return err.exitCode;
      }
      deps.stderr.write(`brook: ${commanderMessage(err)}\n`);
      return 2;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      deps.stderr.write(`brook: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  return startAndWait(options, deps);
}

/** Returns the `start` (or `console`) flags, or null when the command line asked for nothing to run. */
function parseCommandLine(argv: readonly string[], deps: RunDeps): StartFlags | { console: ConsoleFlags } | null {
  const program = new Command('brook')
    .description('An event streaming broker that speaks the Apache Kafka protocol')
    .version(deps.version, '-V, --version')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => deps.stdout.write(s),
      writeErr: (s) => deps.stderr.write(s),
      outputError: () => {},
    });
  let flags: StartFlags | { console: ConsoleFlags } | null = null;
  const start = defineStartOptions(program.command('start'));
  start.action(() => {
    flags = start.opts<StartFlags>();
  });
  // Listed for --help only: run() hands these to ./tools before this parser runs.
  for (const [name, description] of TOOL_COMMANDS) program.command(name).description(description);
  program.command('cluster').description('run etcd and 3 brokers locally in cluster mode (see brook cluster --help)');
  const consoleCommand = defineConsoleOptions(program.command('console'));
  consoleCommand.action(() => {
    flags = { console: consoleCommand.opts<ConsoleFlags>() };
  });
  program.parse([...argv], { from: 'user' });
  return flags;
}

async function startAndWait(options: StartOptions, deps: RunDeps): Promise<number> {
  const logger = createLogger({ level: options.logLevel, format: options.logFormat, stream: deps.stderr, clock: deps.clock });
  for (const warning of options.warnings) logger.warn(warning);
  const shutdown = watchSignals(deps.signals, (signal) => {
    logger.warn({ signal }, `second ${signal} received, exiting without a clean stop`);
    deps.exit(128 + (osConstants.signals[signal] ?? 0));
  });
  try {
    const { host, port, dataDir, storage, config } = options;
    logger.info({ version: deps.version, nodeId: config.effectiveNodeId, storage, dataDir, host, port }, 'starting');
    let broker: RunningBroker;
    try {
      const { startBroker } = await deps.loadBroker();
      const metrics = options.metricsPort === null ? {} : { metricsPort: options.metricsPort };
      const webConsole = options.consolePort === null ? {} : { consolePort: options.consolePort };
      broker = await startBroker({ config, host, port, dataDir, storage, logger, ...metrics, ...webConsole });
    } catch (err) {
      logger.error({ code: (err as NodeJS.ErrnoException).code }, `startup failed: ${describeStartupError(err, host, port)}`);
      return 1;
    }
    logger.info(
      { host: broker.host, port: broker.port, bootstrapServers: broker.bootstrapServers },
      `listening on ${broker.host}:${broker.port}`,
    );
    const signal = await shutdown.first;
    logger.info({ signal }, 'stopping');
    try {
      await broker.stop();
    } catch (err) {
      logger.error({ err }, `stop failed: ${(err as Error).message}`);
      return 1;
    }
    logger.info('stopped');
    return 0;
  } finally {
    shutdown.dispose();
  }
}

/** The first shutdown signal resolves `first`; any later one calls `onForce`. */
function watchSignals(source: SignalSource, onForce: (signal: NodeJS.Signals) => void) {
  let received = 0;
  let resolveFirst!: (signal: NodeJS.Signals) => void;
  const first = new Promise<NodeJS.Signals>((resolve) => (resolveFirst = resolve));
  const listener = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) resolveFirst(signal);
    else onForce(signal);
  };
  for (const signal of SHUTDOWN_SIGNALS) source.on(signal, listener);
  return {
    first,
    dispose: () => {
      for (const signal of SHUTDOWN_SIGNALS) source.off(signal, listener);
    },
  };
}

/** One line a person can act on; Node's own messages for the common listen failures are terse. */
export function describeStartupError(err: unknown, host: string, port: number): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.syscall === 'listen' || e?.syscall === 'bind') {
    if (e.code === 'EADDRINUSE') return `${host}:${port} is already in use (EADDRINUSE); is another broker running?`;
    if (e.code === 'EADDRNOTAVAIL') return `${host} is not an address of this machine (EADDRNOTAVAIL)`;
    if (e.code === 'EACCES') return `no permission to listen on ${host}:${port} (EACCES)`;
  }
  return e instanceof Error ? e.message : String(err);
}
