/**
 * Connector config definitions (a small ConfigDef): each key's type, default and validator.
 * validate() produces the body Kafka Connect's /config/validate answers with; parse() returns typed
 * values or throws ConnectConfigError naming the first bad field.
 */
import { ConnectConfigError } from './api.js';

export type ConfigType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'list' | 'class' | 'password';
export type Importance = 'HIGH' | 'MEDIUM' | 'LOW';

export interface ConfigKey {
  name: string;
  type: ConfigType;
  /** undefined: required. */
  defaultValue?: string | null;
  importance?: Importance;
  documentation?: string;
  group?: string;
  /** Returns an error message, or null when the value is fine. */
  validator?: (value: unknown, name: string) => string | null;
}

export type ParsedValue = string | number | boolean | string[] | null;

export interface ConfigValueInfo {
  definition: {
    name: string;
    type: string;
    required: boolean;
    default_value: string | null;
    importance: string;
    documentation: string;
    group: string | null;
    width: string;
    display_name: string;
    dependents: string[];
    order: number;
  };
  value: { name: string; value: string | null; recommended_values: string[]; errors: string[]; visible: boolean };
}

export class ConfigDef {
  private readonly keys = new Map<string, ConfigKey>();

  define(key: ConfigKey): this {
    this.keys.set(key.name, key);
    return this;
  }

  /** Adds every key of another definition (later definitions win). */
  merge(other: ConfigDef): this {
    for (const k of other.configKeys()) this.keys.set(k.name, k);
    return this;
  }

  configKeys(): ConfigKey[] {
    return [...this.keys.values()];
  }

  /** Typed values; throws ConnectConfigError for the first missing or invalid field. */
  parse(props: Record<string, string>): Record<string, ParsedValue> {
    const out: Record<string, ParsedValue> = {};
    for (const key of this.keys.values()) {
      const { value, error } = parseKey(key, props[key.name]);
      if (error !== null) throw new ConnectConfigError(error, key.name);
      out[key.name] = value;
    }
    return out;
  }

  /** Per-key results in Kafka's validate format, plus the error count. */
  validate(props: Record<string, string>): { errorCount: number; configs: ConfigValueInfo[] } {
    let errorCount = 0;
    let order = 0;
    const configs = this.configKeys().map((key) => {
      const { error } = parseKey(key, props[key.name]);
      if (error !== null) errorCount++;
      return {
        definition: {
          name: key.name,
          type: key.type.toUpperCase(),
          required: key.defaultValue === undefined,
          default_value: key.defaultValue ?? null,
          importance: key.importance ?? 'MEDIUM',
          documentation: key.documentation ?? '',
          group: key.group ?? null,
          width: 'NONE',
          display_name: key.name,
          dependents: [],
          order: ++order,
        },
        value: { name: key.name, value: props[key.name] ?? key.defaultValue ?? null, recommended_values: [], errors: error === null ? [] : [error], visible: true },
      };
    });
    return { errorCount, configs };
  }
}

function parseKey(key: ConfigKey, raw: string | undefined): { value: ParsedValue; error: string | null } {
  const text = raw ?? key.defaultValue;
  if (text === undefined) return { value: null, error: `Missing required configuration "${key.name}" which has no default value.` };
  if (text === null) return { value: null, error: null };
  const value = convert(key.type, text.trim());
  if (value === undefined) return { value: null, error: `Invalid value ${text} for configuration ${key.name}: Expected a ${key.type}` };
  const message = key.validator?.(value, key.name) ?? null;
  return { value, error: message === null ? null : `Invalid value ${text} for configuration ${key.name}: ${message}` };
}

function convert(type: ConfigType, text: string): ParsedValue | undefined {
  switch (type) {
    case 'int':
    case 'long':
      return /^-?\d+$/.test(text) ? Number(text) : undefined;
    case 'double':
      return text !== '' && Number.isFinite(Number(text)) ? Number(text) : undefined;
    case 'boolean':
      return text.toLowerCase() === 'true' ? true : text.toLowerCase() === 'false' ? false : undefined;
    case 'list':
      return text === '' ? [] : text.split(',').map((s) => s.trim()).filter((s) => s !== '');
    default:
      return text;
  }
}

/** Validator helpers. */
export const atLeast = (min: number) => (v: unknown) => (typeof v === 'number' && v >= min ? null : `Value must be at least ${min}`);
export const oneOf = (...allowed: string[]) => (v: unknown) =>
  typeof v === 'string' && allowed.includes(v.toLowerCase()) ? null : `String must be one of: ${allowed.join(', ')}`;
export const nonEmpty = (v: unknown) => ((typeof v === 'string' && v !== '') || (Array.isArray(v) && v.length > 0) ? null : 'must not be empty');
