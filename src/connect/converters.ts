/**
 * Converters between Connect data (schema + value) and record bytes, named as Kafka's so worker
 * configs carry over: org.apache.kafka.connect.json.JsonConverter, ...storage.StringConverter,
 * ...converters.ByteArrayConverter (short names JsonConverter/StringConverter/ByteArrayConverter too),
 * and for `header.converter` ...storage.SimpleHeaderConverter (the default; the others work too).
 */
import { type Schema, SCHEMA_TYPES, isStruct } from './data.js';

export interface SchemaAndValue {
  schema: Schema | null;
  value: unknown;
}

export interface Converter {
  /** configs: the converter's own keys (prefix already removed, e.g. `schemas.enable`). */
  configure(configs: Record<string, string>, isKey: boolean): void;
  fromConnectData(topic: string, schema: Schema | null, value: unknown): Buffer | null;
  toConnectData(topic: string, bytes: Buffer | null): SchemaAndValue;
}

/** Thrown when bytes cannot be converted (counts as a conversion-stage error for errors.tolerance). */
export class DataError extends Error {
  override name = 'DataException';
}

export class StringConverter implements Converter {
  private encoding: BufferEncoding = 'utf8';
  configure(configs: Record<string, string>, _isKey = false): void {
    const enc = (configs['converter.encoding'] ?? 'utf8').toLowerCase().replace('utf-8', 'utf8');
    if (!Buffer.isEncoding(enc)) throw new DataError(`Unsupported encoding ${enc}`);
    this.encoding = enc;
  }
  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value)) return value;
    return Buffer.from(typeof value === 'string' ? value : isStruct(value) || Array.isArray(value) ? JSON.stringify(value) : String(value), this.encoding);
  }
  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: { type: 'string', optional: true }, value: bytes === null ? null : bytes.toString(this.encoding) };
  }
}

export class ByteArrayConverter implements Converter {
  configure(_configs: Record<string, string> = {}, _isKey = false): void {}
  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value)) return value;
    if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    throw new DataError(`ByteArrayConverter is not compatible with objects of type ${typeof value}`);
  }
  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    return { schema: { type: 'bytes', optional: true }, value: bytes };
  }
}

export class JsonConverter implements Converter {
  private schemasEnabled = true;
  configure(configs: Record<string, string>, _isKey = false): void {
    this.schemasEnabled = (configs['schemas.enable'] ?? 'true').trim().toLowerCase() !== 'false';
  }

  fromConnectData(_topic: string, schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    const payload = toJsonValue(schema, value);
    const doc = this.schemasEnabled ? { schema: schema ?? null, payload } : payload;
    return Buffer.from(JSON.stringify(doc), 'utf8');
  }

  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null || bytes.length === 0) return { schema: null, value: null };
    let doc: unknown;
    try {
      doc = JSON.parse(bytes.toString('utf8'));
    } catch (err) {
      throw new DataError(`Converting byte[] to Kafka Connect data failed due to serialization error: ${(err as Error).message}`);
    }
    if (!this.schemasEnabled) return { schema: null, value: doc };
    if (!isStruct(doc) || !('schema' in doc) || !('payload' in doc) || Object.keys(doc).length !== 2) {
      throw new DataError(
        'JsonConverter with schemas.enable requires "schema" and "payload" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.',
      );
    }
    const schema = doc.schema === null ? null : checkSchema(doc.schema);
    return { schema, value: fromJsonValue(schema, doc.payload) };
  }
}

function checkSchema(s: unknown): Schema {
  if (!isStruct(s) || typeof s.type !== 'string' || !SCHEMA_TYPES.has(s.type)) throw new DataError(`Unknown schema type: ${isStruct(s) ? String(s.type) : JSON.stringify(s)}`);
  return s as unknown as Schema;
}

/** Bytes travel as base64 in JSON, as Kafka's JsonConverter does. */
function toJsonValue(schema: Schema | null, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (schema?.type === 'struct' && isStruct(value)) {
    const out: Record<string, unknown> = {};
    for (const f of schema.fields ?? []) out[f.field] = toJsonValue(f, value[f.field]);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => toJsonValue(schema?.items ?? null, v));
  if (isStruct(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) out[k] = toJsonValue(schema?.values ?? null, value[k]);
    return out;
  }
  return value;
}

function fromJsonValue(schema: Schema | null, value: unknown): unknown {
  if (value === null || value === undefined || schema === null) return value ?? null;
  switch (schema.type) {
    case 'bytes':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    case 'struct': {
      if (!isStruct(value)) throw new DataError(`Struct schema's payload must be an object, got ${typeof value}`);
      const out: Record<string, unknown> = {};
      for (const f of schema.fields ?? []) out[f.field] = fromJsonValue(f, value[f.field]);
      return out;
    }
    case 'array':
      if (!Array.isArray(value)) throw new DataError('Array schema\'s payload must be an array');
      return value.map((v) => fromJsonValue(schema.items ?? null, v));
    default:
      return value;
  }
}

/**
 * Kafka's default header converter: values written as their string form, read back with the type
 * inferred from the text (Connect's Values.parseString): null, booleans, whole numbers (int32 or
 * int64), decimals (float64), JSON arrays and objects (array, map), otherwise a string. Buffers are
 * written as they are.
 */
export class SimpleHeaderConverter implements Converter {
  configure(_configs: Record<string, string> = {}, _isKey = false): void {}
  fromConnectData(_topic: string, _schema: Schema | null, value: unknown): Buffer | null {
    if (value === null || value === undefined) return null;
    if (Buffer.isBuffer(value)) return value;
    if (typeof value === 'object') return Buffer.from(JSON.stringify(value));
    return Buffer.from(String(value));
  }
  toConnectData(_topic: string, bytes: Buffer | null): SchemaAndValue {
    if (bytes === null) return { schema: null, value: null };
    return parseHeaderText(bytes.toString('utf8'));
  }
}

const INT32_RANGE = 2 ** 31;

function parseHeaderText(text: string): SchemaAndValue {
  const t = text.trim();
  if (t === 'true' || t === 'false') return { schema: { type: 'boolean' }, value: t === 'true' };
  if (/^-?\d+$/.test(t) && Number.isSafeInteger(Number(t))) {
    const n = Number(t);
    return { schema: { type: n >= -INT32_RANGE && n < INT32_RANGE ? 'int32' : 'int64' }, value: n };
  }
  if (/^-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?$/.test(t)) return { schema: { type: 'float64' }, value: Number(t) };
  if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
    try {
      const parsed = JSON.parse(t) as unknown;
      return { schema: { type: Array.isArray(parsed) ? 'array' : 'map' }, value: parsed };
    } catch {
      // Not JSON after all: a plain string.
    }
  }
  return { schema: { type: 'string' }, value: text };
}

const CONVERTERS: Record<string, new () => Converter> = {
  'org.apache.kafka.connect.storage.SimpleHeaderConverter': SimpleHeaderConverter,
  SimpleHeaderConverter,
  'org.apache.kafka.connect.json.JsonConverter': JsonConverter,
  'org.apache.kafka.connect.storage.StringConverter': StringConverter,
  'org.apache.kafka.connect.converters.ByteArrayConverter': ByteArrayConverter,
  JsonConverter,
  StringConverter,
  ByteArrayConverter,
};

/**
 * The converter `prefix` (key.converter / value.converter) names in `config`, configured with the
 * keys under `prefix.` (e.g. value.converter.schemas.enable). Connector configs override worker ones.
 */
export function createConverter(config: Record<string, string>, prefix: 'key.converter' | 'value.converter' | 'header.converter', fallback = 'org.apache.kafka.connect.json.JsonConverter'): Converter {
  const name = config[prefix] ?? fallback;
  const Cls = CONVERTERS[name];
  if (!Cls) throw new DataError(`Unknown converter class ${name}`);
  const own: Record<string, string> = {};
  for (const k of Object.keys(config)) if (k.startsWith(prefix + '.')) own[k.slice(prefix.length + 1)] = config[k]!;
  const converter = new Cls();
  converter.configure(own, prefix === 'key.converter');
  return converter;
}

export const CONVERTER_NAMES = Object.keys(CONVERTERS);
