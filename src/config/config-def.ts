/**
 * Config definitions in the style of Kafka's ConfigDef: a name, a type, a default, a validator
 * and a doc string, plus parsing from the strings found in .properties files, `--set` flags and
 * AlterConfigs requests. Parsing follows ConfigDef.parseType so values Kafka accepts are accepted
 * and values it rejects are rejected with the same message.
 *
 * Numbers are JS numbers. INT and SHORT are exact. LONG values are checked against the signed
 * 64-bit range (as Long.parseLong does) and then saturate at ±Number.MAX_SAFE_INTEGER: every
 * long Kafka defaults to Long.MAX_VALUE means "never" / "unlimited", and 2^53-1 ms or bytes is
 * just as unreachable. formatConfigValue prints a saturated long back as Long.MAX_VALUE.
 */
import { ConfigError } from './config-error.js';

export type ConfigType = 'boolean' | 'string' | 'int' | 'short' | 'long' | 'double' | 'list' | 'class' | 'password';
export type ConfigValue = boolean | string | number | readonly string[] | null;
export type Importance = 'high' | 'medium' | 'low';

/** Kafka's ConfigDef.Validator: throws ConfigError when the parsed value breaks the rule. */
export interface Validator {
  ensureValid(name: string, value: ConfigValue): void;
  /** The "Valid Values" column of Kafka's config docs, e.g. `[1,...]`. */
  toString(): string;
}

export interface ConfigDef<T extends ConfigValue = ConfigValue> {
  readonly name: string;
  readonly type: ConfigType;
  /** Value used when the config is not set; null is Kafka's "null" default (not set). */
  readonly defaultValue: T;
  readonly validator: Validator | null;
  readonly importance: Importance;
  readonly doc: string;
}

export interface DefOptions {
  doc: string;
  validator?: Validator;
  importance?: Importance;
}

export const INT_MAX = 2147483647;
/** Kafka's Long.MAX_VALUE, as Brook stores it (see the file comment). */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;
const LONG_MAX_TEXT = '9223372036854775807';
const LONG_MIN_TEXT = '-9223372036854775808';

const INTEGER_RANGES = {
  int: [-(2n ** 31n), 2n ** 31n - 1n],
  short: [-(2n ** 15n), 2n ** 15n - 1n],
  long: [-(2n ** 63n), 2n ** 63n - 1n],
} as const;

// ---------------------------------------------------------------------------------------------
// Validators (ConfigDef.Range, ValidString, ValidList)

/** Range.atLeast(min): `Value must be at least <min>`. */
export function atLeast(min: number): Validator {
  return range(min, null);
}

/** Range.between(min, max). */
export function between(min: number, max: number): Validator {
  return range(min, max);
}

function range(min: number | null, max: number | null): Validator {
  return {
    ensureValid(name, value) {
      if (value === null) throw ConfigError.invalid(name, null, 'Value must be non-null');
      const n = value as number;
      if (min !== null && n < min) throw ConfigError.invalid(name, n, `Value must be at least ${min}`);
      if (max !== null && n > max) throw ConfigError.invalid(name, n, `Value must be no more than ${max}`);
    },
    toString: () => (min === null ? `[...,${max}]` : max === null ? `[${min},...]` : `[${min},...,${max}]`),
  };
}

/** ValidString.in(...): case-sensitive, like Kafka. */
export function oneOf(...allowed: string[]): Validator {
  return {
    ensureValid(name, value) {
      if (!allowed.includes(value as string)) {
        throw ConfigError.invalid(name, value, `String must be one of: ${allowed.join(', ')}`);
      }
    },
    toString: () => `[${allowed.join(', ')}]`,
  };
}

/** ValidList.in(...): every element must be one of `allowed`. */
export function eachOneOf(...allowed: string[]): Validator {
  const element = oneOf(...allowed);
  return {
    ensureValid(name, value) {
      for (const item of value as readonly string[]) element.ensureValid(name, item);
    },
    toString: () => element.toString(),
  };
}

// ---------------------------------------------------------------------------------------------
// Definition constructors. Overloads make a null default show up in the value type.

function define<T extends ConfigValue>(type: ConfigType, name: string, defaultValue: T, opts: DefOptions): ConfigDef<T> {
  const def: ConfigDef<T> = {
    name,
    type,
    defaultValue,
    validator: opts.validator ?? null,
    importance: opts.importance ?? 'medium',
    doc: opts.doc,
  };
  // Kafka's ConfigKey validates its default at definition time; a table typo fails at load.
  if (def.validator && defaultValue !== null) def.validator.ensureValid(name, defaultValue);
  return def;
}

export function bool(name: string, defaultValue: boolean, opts: DefOptions): ConfigDef<boolean> {
  return define('boolean', name, defaultValue, opts);
}

export function str(name: string, defaultValue: string, opts: DefOptions): ConfigDef<string>;
export function str(name: string, defaultValue: null, opts: DefOptions): ConfigDef<string | null>;
export function str(name: string, defaultValue: string | null, opts: DefOptions): ConfigDef<string | null> {
  return define('string', name, defaultValue, opts);
}

/** CLASS configs keep the class name as a string: Brook loads no Java classes. */
export function cls(name: string, defaultValue: null, opts: DefOptions): ConfigDef<string | null> {
  return define('class', name, defaultValue, opts);
}

export function password(name: string, defaultValue: null, opts: DefOptions): ConfigDef<string | null> {
  return define('password', name, defaultValue, opts);
}

export function int(name: string, defaultValue: number, opts: DefOptions): ConfigDef<number>;
export function int(name: string, defaultValue: null, opts: DefOptions): ConfigDef<number | null>;
export function int(name: string, defaultValue: number | null, opts: DefOptions): ConfigDef<number | null> {
  return define('int', name, defaultValue, opts);
}

export function short(name: string, defaultValue: number, opts: DefOptions): ConfigDef<number> {
  return define('short', name, defaultValue, opts);
}

export function long(name: string, defaultValue: number, opts: DefOptions): ConfigDef<number>;
export function long(name: string, defaultValue: null, opts: DefOptions): ConfigDef<number | null>;
export function long(name: string, defaultValue: number | null, opts: DefOptions): ConfigDef<number | null> {
  return define('long', name, defaultValue, opts);
}

export function double(name: string, defaultValue: number, opts: DefOptions): ConfigDef<number> {
  return define('double', name, defaultValue, opts);
}

export function list(name: string, defaultValue: readonly string[], opts: DefOptions): ConfigDef<readonly string[]>;
export function list(name: string, defaultValue: null, opts: DefOptions): ConfigDef<readonly string[] | null>;
export function list(name: string, defaultValue: readonly string[] | null, opts: DefOptions): ConfigDef<readonly string[] | null> {
  return define('list', name, defaultValue, opts);
}

// ---------------------------------------------------------------------------------------------
// Parsing and formatting

/** Parses `raw` as ConfigDef.parseType does, then applies the validator. Throws ConfigError. */
export function parseConfigValue<T extends ConfigValue>(def: ConfigDef<T>, raw: string): T {
  const value = parseType(def.name, def.type, raw);
  def.validator?.ensureValid(def.name, value);
  return value as T;
}

function parseType(name: string, type: ConfigType, raw: string): ConfigValue {
  const trimmed = javaTrim(raw);
  switch (type) {
    case 'boolean': {
      const lower = trimmed.toLowerCase();
      if (lower === 'true') return true;
      if (lower === 'false') return false;
      throw ConfigError.invalid(name, raw, 'Expected value to be either true or false');
    }
    case 'string':
    case 'class':
    case 'password':
      return trimmed;
    case 'int':
    case 'short':
    case 'long':
      return parseInteger(name, type, raw, trimmed);
    case 'double':
      // Double.parseDouble's decimal forms, with Java's optional f/d suffix.
      if (!/^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?)$/.test(trimmed)) {
        throw notANumber(name, raw, type);
      }
      return Number(trimmed.replace(/[fFdD]$/, ''));
    case 'list':
      return trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
  }
}

function parseInteger(name: string, type: 'int' | 'short' | 'long', raw: string, trimmed: string): number {
  if (!/^[+-]?\d+$/.test(trimmed)) throw notANumber(name, raw, type);
  const big = BigInt(trimmed);
  const [min, max] = INTEGER_RANGES[type];
  if (big < min || big > max) throw notANumber(name, raw, type);
  if (big > BigInt(LONG_MAX)) return LONG_MAX;
  if (big < -BigInt(LONG_MAX)) return -LONG_MAX;
  return Number(big);
}

function notANumber(name: string, raw: string, type: ConfigType): ConfigError {
  return ConfigError.invalid(name, raw, `Not a number of type ${type.toUpperCase()}`);
}

/** Java's String.trim(): strips code points <= U+0020 only. */
function javaTrim(s: string): string {
  return s.replace(/^[\x00-\x20]+|[\x00-\x20]+$/g, '');
}

/**
 * Kafka's ConfigDef.convertToString: the text DescribeConfigs reports. Lists are joined with
 * commas, doubles print as Java does (`1.0`), saturated longs print as Long.MAX_VALUE.
 */
export function formatConfigValue(def: ConfigDef, value: ConfigValue): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'number') {
    if (def.type === 'long' && value >= LONG_MAX) return LONG_MAX_TEXT;
    if (def.type === 'long' && value <= -LONG_MAX) return LONG_MIN_TEXT;
    if (def.type === 'double') return javaDoubleString(value);
  }
  return String(value);
}

function javaDoubleString(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(n) && Math.abs(n) < 1e7 ? n.toFixed(1) : String(n);
}

/** `log.retention.ms` -> `logRetentionMs`: how definition tables name their fields. */
export function camelCaseOf(name: string): string {
  return name.replace(/[.\-]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** A table of definitions keyed by the camelCase of each Kafka name. */
export type ConfigTable = Readonly<Record<string, ConfigDef>>;

/** The typed values of a table: `{ numPartitions: number, logRollMs: number | null, ... }`. */
export type ValuesOf<T extends ConfigTable> = {
  readonly [K in keyof T]: T[K] extends ConfigDef<infer V> ? V : never;
};
