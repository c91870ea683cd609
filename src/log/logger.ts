/**
 * A small structured logger with a pino-like interface, so it can later be swapped for pino:
 *
 *   logger.info({ port: 9092 }, 'listening');   // fields first, message second
 *   logger.warn('disk almost full');            // or just a message
 *   logger.child({ conn: 7 }).debug('frame');   // bound fields on every line
 *
 * JSON format (default) writes one object per line to stderr:
 *   {"ts":"2024-05-01T12:00:00.000Z","level":"info","msg":"listening","port":9092}
 * Pretty format writes `2024-05-01T12:00:00.000Z INFO  listening port=9092` for people.
 * The output stream and clock are injectable so tests can read lines and fix the time.
 */

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** `silent` turns logging off (tests, embedding). */
export type LevelSetting = LogLevel | 'silent';
export type LogFormat = 'json' | 'pretty';
export type LogFields = Record<string, unknown>;

const SEVERITY: Record<LevelSetting, number> = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

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
  return new LineLogger(
    options.level ?? 'info',
    options.format === 'pretty' ? formatPretty : formatJson,
    options.stream ?? process.stderr,
    options.clock ?? Date.now,
    options.bindings ?? {},
  );
}

export function isLogLevel(value: string): value is LevelSetting {
  return Object.hasOwn(SEVERITY, value);
}

type Formatter = (timeMs: number, level: LogLevel, msg: string, fields: LogFields) => string;

class LineLogger implements Logger {
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  private readonly threshold: number;

  constructor(
    readonly level: LevelSetting,
    private readonly format: Formatter,
    private readonly stream: { write(line: string): unknown },
    private readonly clock: () => number,
    private readonly bindings: LogFields,
  ) {
    this.threshold = SEVERITY[level];
    this.debug = this.method('debug');
    this.info = this.method('info');
    this.warn = this.method('warn');
    this.error = this.method('error');
  }

  child(bindings: LogFields): Logger {
    return new LineLogger(this.level, this.format, this.stream, this.clock, { ...this.bindings, ...bindings });
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
      this.stream.write(this.format(this.clock(), level, text, { ...this.bindings, ...fields }) + '\n');
    };
  }
}

/** A logger that drops everything (defined after the class it instantiates). */
export const silentLogger: Logger = createLogger({ level: 'silent' });

function formatJson(timeMs: number, level: LogLevel, msg: string, fields: LogFields): string {
  const ts = new Date(timeMs).toISOString();
  // The core keys come first and cannot be overwritten by fields of the same name.
  const record: LogFields = { ts, level, msg, ...fields };
  record['ts'] = ts;
  record['level'] = level;
  record['msg'] = msg;
  return safeStringify(record);
}

function formatPretty(timeMs: number, level: LogLevel, msg: string, fields: LogFields): string {
  const parts = [new Date(timeMs).toISOString(), level.toUpperCase().padEnd(5), msg];
  for (const [key, value] of Object.entries(fields)) parts.push(`${key}=${prettyValue(value)}`);
  return parts.join(' ');
}

function prettyValue(value: unknown): string {
  if (typeof value === 'string' && /^[^\s"=]+$/.test(value)) return value;
  if (value === undefined) return 'undefined';
  if (value instanceof Error) return JSON.stringify(value.stack ?? value.message);
  return safeStringify(value);
}

/** JSON.stringify that shows Errors, BigInts and cycles instead of throwing or printing {}. */
function safeStringify(value: unknown): string {
  const seen = new WeakSet<object>();
  try {
    return JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Error) return serializeError(v);
      if (typeof v === 'object' && v !== null) {
        if (seen.has(v)) return '[Circular]';
        seen.add(v);
      }
      return v;
    });
  } catch {
    return JSON.stringify({ msg: '[unserializable log record]' });
  }
}

function serializeError(err: Error): LogFields {
  const out: LogFields = { type: err.name, message: err.message };
  const code = (err as NodeJS.ErrnoException).code;
  if (code !== undefined) out['code'] = code;
  if (err.stack) out['stack'] = err.stack;
  return out;
}
