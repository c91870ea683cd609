/**
 * Brook's structured logger: pino underneath, behind the small interface the rest of the code
 * uses, so callers never depend on pino directly.
 *
 *   logger.info({ port: 9092 }, 'listening');   // fields first, message second
 *   logger.warn('disk almost full');            // or just a message
 *   logger.child({ conn: 7 }).debug('frame');   // bound fields on every line
 *
 * JSON format (default) writes one object per line to stderr, core keys first:
 *   {"ts":"2024-05-01T12:00:00.000Z","level":"info","msg":"listening","port":9092}
 * Pretty format writes `2024-05-01T12:00:00.000Z INFO  listening port=9092` for people.
 * The output stream and clock are injectable so tests can read lines and fix the time.
 *
 * pino does level filtering, serialization and the write of each whole line (synchronously, to
 * the given stream). Fields are normalised here first so Errors anywhere, BigInts and cycles
 * print readably, and so `ts`/`level`/`msg` in fields can never shadow the real ones.
 */
import { pino, type Logger as PinoLogger } from 'pino';
import { formatPrettyLine } from './pretty.js';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `silent` turns logging off (tests, embedding). */
export type LevelSetting = LogLevel | 'silent';
export type LogFormat = 'json' | 'pretty';
export type LogFields = Record<string, unknown>;

const SEVERITY: Record<LevelSetting, number> = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };
const CORE_KEYS = new Set(['ts', 'level', 'msg']);

export interface LogFn {
  (msg: string): void;
  (fields: LogFields, msg?: string): void;
}

export interface Logger {
  readonly level: LevelSetting;
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  /** A logger writing to the same place, adding `bindings` to every line. */
  child(bindings: LogFields): Logger;
  isLevelEnabled(level: LogLevel): boolean;
}

export interface LoggerOptions {
  level?: LevelSetting;
  format?: LogFormat;
  /** Where lines go; each call writes one whole line. Default process.stderr. */
  stream?: { write(line: string): unknown };
  /** Milliseconds since the epoch; default Date.now. */
  clock?: () => number;
  bindings?: LogFields;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const clock = options.clock ?? Date.now;
  const stream = options.stream ?? process.stderr;
  const destination = options.format === 'pretty' ? { write: (line: string) => stream.write(formatPrettyLine(line)) } : stream;
  const backend = pino(
    {
      level,
      base: null,
      // Lines start `{"ts":...,"level":...,"msg":...`: pino writes the (cached) level prefix,
      // then the timestamp, then our record. The level prefix is made empty (`{`), the timestamp
      // supplies `"ts":"..."` without pino's usual leading comma, and `level` and `msg` lead the
      // record. test/cli/logger.test.ts pins the exact output, so a pino change shows up there.
      formatters: { level: () => ({}) },
      timestamp: () => `"ts":"${new Date(clock()).toISOString()}"`,
      // Errors are already plain objects (toLogValue); pino's own err serializer would relabel them.
      serializers: { err: (value: unknown) => value },
    },
    destination,
  );
  return new PinoBackedLogger(level, backend, options.bindings ?? {});
}

export function isLogLevel(value: string): value is LevelSetting {
  return Object.hasOwn(SEVERITY, value);
}

class PinoBackedLogger implements Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  private readonly threshold: number;

  constructor(
    readonly level: LevelSetting,
    private readonly backend: PinoLogger,
    private readonly bindings: LogFields,
  ) {
    this.threshold = SEVERITY[level];
    this.debug = this.method('debug');
    this.info = this.method('info');
    this.warn = this.method('warn');
    this.error = this.method('error');
  }

  child(bindings: LogFields): Logger {
    // Bindings are merged here rather than with pino's child(), which would repeat a key bound
    // twice on the same line; one key, last value wins, is what log processors expect.
    return new PinoBackedLogger(this.level, this.backend, { ...this.bindings, ...bindings });
  }

  isLevelEnabled(level: LogLevel): boolean {
    return SEVERITY[level] >= this.threshold;
  }

  private method(level: LogLevel): LogFn {
    // Disabled levels get a no-op so hot-path debug calls cost one call and nothing else.
    if (!this.isLevelEnabled(level)) return () => {};
    return (fieldsOrMsg: LogFields | string, msg?: string) => {
      const fields = typeof fieldsOrMsg === 'string' ? {} : fieldsOrMsg;
      const text = typeof fieldsOrMsg === 'string' ? fieldsOrMsg : (msg ?? '');
      const record: LogFields = { level, msg: text };
      copyFields(record, this.bindings);
      copyFields(record, fields);
      this.backend[level](record);
    };
  }
}

/** A logger that drops everything (defined after the class it instantiates). */
export const silentLogger: Logger = createLogger({ level: 'silent' });

function copyFields(target: LogFields, fields: LogFields): void {
  const seen = new WeakSet<object>();
  for (const key of Object.keys(fields)) {
    if (CORE_KEYS.has(key)) continue;
    target[key] = toLogValue(fields[key], seen);
  }
}

/** A JSON-safe copy: Errors as {type, message, code, stack}, BigInts as strings, cycles marked. */
function toLogValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  seen.add(value);
  if (value instanceof Error) return serializeError(value);
  if (Buffer.isBuffer(value)) return `<Buffer ${value.length} bytes>`;
  if (Array.isArray(value)) return value.map((v) => toLogValue(v, seen));
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return value;
  const out: LogFields = {};
  for (const key of Object.keys(value)) out[key] = toLogValue((value as LogFields)[key], seen);
  return out;
}

function serializeError(err: Error): LogFields {
  const out: LogFields = { type: err.name, message: err.message };
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined) out['code'] = code;
  if (err.stack) out['stack'] = err.stack;
  if (err.cause !== undefined) out['cause'] = err.cause instanceof Error ? serializeError(err.cause) : String(err.cause);
  return out;
}
