/**
 * What the client tools (`brook topics|produce|consume|groups|configs|perf`) share: the
 * connection flags spelled as in Kafka's tools, the I/O they use (injectable for tests), the
 * one-line error type, and output helpers.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ClientOptions } from '../../client/options.js';
import { securityOptionsFromFile } from './command-config.js';

export interface ToolIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  /** Registers a handler for SIGINT/SIGTERM; returns a function that removes it. */
  onSignal(handler: () => void): () => void;
  clock: () => number;
}

/** A failure the user can act on: printed as one `brook: <message>` line, exit 1. */
export class CliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ConnectionFlags {
  bootstrapServer: string;
  timeout: number;
  /** Kafka tools' --command-config: a properties file with security.protocol, sasl.*, ssl.* (command-config.ts). */
  commandConfig?: string;
}

export function parseIntFlag(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('Not an integer.');
  return n;
}

export function parsePositiveInt(value: string): number {
  const n = parseIntFlag(value);
  if (n <= 0) throw new InvalidArgumentError('Must be a positive integer.');
  return n;
}

/** Collects repeated `--x a=b` flags (and comma lists `a=b,c=d`). */
export function collectPairs(value: string, previous: string[] = []): string[] {
  return [...previous, ...value.split(',').filter((s) => s !== '')];
}

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** `k=v` pairs into a record; throws a usage error for a pair without '='. */
export function pairsToRecord(pairs: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new InvalidArgumentError(`${flag} expects key=value, got "${pair}"`);
    Object.defineProperty(out, pair.slice(0, i), { value: pair.slice(i + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** --bootstrap-server and --timeout on a command. */
export function withConnectionOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--bootstrap-server <host:port>', 'broker(s) to connect to, comma separated').default('localhost:9092').env('BROOK_BOOTSTRAP_SERVER'))
    .addOption(new Option('--timeout <ms>', 'fail if the broker does not answer within this time').default(15000).argParser(parsePositiveInt))
    .addOption(new Option('--command-config <file>', 'client security properties (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.truststore.location, ...)').env('BROOK_COMMAND_CONFIG'));
}

export function clientOptions(flags: ConnectionFlags, clock: () => number): ClientOptions {
  const timeoutMs = flags.timeout;
  return {
    bootstrapServers: flags.bootstrapServer,
    clientId: 'brook-cli',
    connectTimeoutMs: Math.min(timeoutMs, 10_000),
    requestTimeoutMs: timeoutMs,
    retries: 3,
    retryBackoffMs: 100,
    retryBackoffMaxMs: Math.max(100, Math.min(1000, timeoutMs / 8)),
    clock,
    ...(flags.commandConfig !== undefined ? securityOptionsFromFile(flags.commandConfig) : {}),
  };
}

/** Rejects with a CliError when `promise` takes longer than timeoutMs (the timer never holds the process). */
export async function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CliError(`${what} did not complete within ${timeoutMs} ms`)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Columns padded to the widest cell, as Kafka's tools print them. */
export function formatTable(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((r) => r.map(String))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd()).join('\n') + '\n';
}

/** Timestamps as ms since the epoch or an ISO-8601 date. */
export function parseTimestamp(value: string): number {
  if (/^-?\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new InvalidArgumentError(`"${value}" is neither epoch milliseconds nor an ISO-8601 date`);
  return ms;
}
