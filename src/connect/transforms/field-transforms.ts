/**
 * Field-level SMTs, as Kafka's: InsertField, ReplaceField, MaskField, ValueToKey, ExtractField.
 * They work on schemaless maps and on structs with a schema (the schema is rewritten to match).
 */
import type { ConnectRecord, SinkRecord } from '../api.js';
import { ConnectConfigError } from '../api.js';
import { type Field, type Schema, isStruct } from '../data.js';
import { type Target, type Transformation, list, required, targetOf, withTarget } from './transformation.js';

function requireMap(value: unknown, purpose: string): Record<string, unknown> {
  if (!isStruct(value)) throw new ConnectConfigError(`Only Map objects supported in absence of schema for [${purpose}], found: ${value === null ? 'null' : typeof value}`);
  return value;
}

function structFields(schema: Schema, purpose: string): Field[] {
  if (schema.type !== 'struct') throw new ConnectConfigError(`Only Struct objects supported for [${purpose}], found: ${schema.type}`);
  return schema.fields ?? [];
}

/** `name!` marks a required field, `name?` (or none) optional, as in Kafka. */
function fieldSpec(raw: string | undefined): { name: string; optional: boolean } | null {
  if (raw === undefined || raw.trim() === '') return null;
  const s = raw.trim();
  if (s.endsWith('!')) return { name: s.slice(0, -1), optional: false };
  if (s.endsWith('?')) return { name: s.slice(0, -1), optional: true };
  return { name: s, optional: true };
}

export class InsertField implements Transformation {
  private topicField: ReturnType<typeof fieldSpec> = null;
  private partitionField: ReturnType<typeof fieldSpec> = null;
  private offsetField: ReturnType<typeof fieldSpec> = null;
  private timestampField: ReturnType<typeof fieldSpec> = null;
  private staticField: ReturnType<typeof fieldSpec> = null;
  private staticValue: string | null = null;
  constructor(private readonly target: Target) {}

  configure(c: Record<string, string>): void {
    this.topicField = fieldSpec(c['topic.field']);
    this.partitionField = fieldSpec(c['partition.field']);
    this.offsetField = fieldSpec(c['offset.field']);
    this.timestampField = fieldSpec(c['timestamp.field']);
    this.staticField = fieldSpec(c['static.field']);
    this.staticValue = c['static.value'] ?? null;
    if (this.staticField && this.staticValue === null) throw new ConnectConfigError('static.value is required with static.field', 'static.value');
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = targetOf(record, this.target);
    if (value === null && this.target === 'value') return record; // tombstones pass through
    const additions: Array<[NonNullable<ReturnType<typeof fieldSpec>>, Schema['type'], unknown]> = [];
    const add = (spec: ReturnType<typeof fieldSpec>, type: Schema['type'], v: unknown) => {
      if (spec) additions.push([spec, type, v]);
    };
    add(this.topicField, 'string', record.topic);
    add(this.partitionField, 'int32', record.kafkaPartition);
    const offset = (record as Partial<SinkRecord>).kafkaOffset;
    if (offset !== undefined) add(this.offsetField, 'int64', offset);
    add(this.timestampField, 'int64', record.timestamp);
    add(this.staticField, 'string', this.staticValue);
    if (schema === null) {
      const out = { ...requireMap(value, 'field insertion') };
      for (const [spec, , v] of additions) out[spec.name] = v;
      return withTarget(record, this.target, null, out);
    }
    const fields = [...structFields(schema, 'field insertion')];
    for (const [spec, type] of additions) fields.push({ field: spec.name, type, optional: spec.optional });
    const out = { ...(value as Record<string, unknown>) };
    for (const [spec, , v] of additions) out[spec.name] = v;
    return withTarget(record, this.target, { ...schema, fields }, out);
  }
}

export class ReplaceField implements Transformation {
  private exclude = new Set<string>();
  private include = new Set<string>();
  private renames = new Map<string, string>();
  constructor(private readonly target: Target) {}

  configure(c: Record<string, string>): void {
    this.exclude = new Set([...list(c, 'exclude'), ...list(c, 'blacklist')]);
    this.include = new Set([...list(c, 'include'), ...list(c, 'whitelist')]);
    for (const pair of list(c, 'renames')) {
      const [from, to, extra] = pair.split(':');
      if (!from || !to || extra !== undefined) throw new ConnectConfigError(`Invalid rename mapping: ${pair}`, 'renames');
      this.renames.set(from, to);
    }
  }

  private keeps(name: string): boolean {
    return !this.exclude.has(name) && (this.include.size === 0 || this.include.has(name));
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = targetOf(record, this.target);
    if (value === null) return record;
    const src = schema === null ? requireMap(value, 'field replacement') : (value as Record<string, unknown>);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(src)) if (this.keeps(k)) out[this.renames.get(k) ?? k] = src[k];
    if (schema === null) return withTarget(record, this.target, null, out);
    const fields = structFields(schema, 'field replacement')
      .filter((f) => this.keeps(f.field))
      .map((f) => ({ ...f, field: this.renames.get(f.field) ?? f.field }));
    return withTarget(record, this.target, { ...schema, fields }, out);
  }
}

export class MaskField implements Transformation {
  private fields: string[] = [];
  private replacement: string | null = null;
  constructor(private readonly target: Target) {}

  configure(c: Record<string, string>): void {
    this.fields = list(c, 'fields');
    if (this.fields.length === 0) throw new ConnectConfigError('Missing required configuration "fields" which has no default value.', 'fields');
    this.replacement = c['replacement'] ?? null;
  }

  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = targetOf(record, this.target);
    if (value === null) return record;
    const out = { ...(schema === null ? requireMap(value, 'masking') : (value as Record<string, unknown>)) };
    for (const f of this.fields) if (f in out) out[f] = this.masked(out[f]);
    return withTarget(record, this.target, schema, out);
  }

  /** The type's "empty" value, or the replacement converted to the field's type. */
  private masked(v: unknown): unknown {
    if (typeof v === 'number') {
      if (this.replacement === null) return 0;
      const n = Number(this.replacement);
      if (!Number.isFinite(n)) throw new ConnectConfigError(`Unable to convert ${this.replacement} to a number`, 'replacement');
      return n;
    }
    if (typeof v === 'string') return this.replacement ?? '';
    if (typeof v === 'boolean') return false;
    if (Array.isArray(v)) return [];
    if (isStruct(v)) return {};
    return null;
  }
}

/** Replaces the key with a struct (or map) of some of the value's fields. */
export class ValueToKey implements Transformation {
  private fields: string[] = [];
  configure(c: Record<string, string>): void {
    this.fields = list(c, 'fields');
    if (this.fields.length === 0) throw new ConnectConfigError('Missing required configuration "fields" which has no default value.', 'fields');
  }
  apply(record: ConnectRecord): ConnectRecord {
    if (record.value === null) return record;
    const value = record.valueSchema === null ? requireMap(record.value, 'copying fields from value to key') : (record.value as Record<string, unknown>);
    const key: Record<string, unknown> = {};
    for (const f of this.fields) key[f] = value[f];
    if (record.valueSchema === null) return { ...record, keySchema: null, key };
    const fields = this.fields.map((name) => {
      const f = structFields(record.valueSchema!, 'copying fields from value to key').find((x) => x.field === name);
      if (!f) throw new ConnectConfigError(`Field does not exist: ${name}`, 'fields');
      return f;
    });
    return { ...record, keySchema: { type: 'struct', fields }, key };
  }
}

/** Replaces the key or value with one of its fields. */
export class ExtractField implements Transformation {
  private field = '';
  constructor(private readonly target: Target) {}
  configure(c: Record<string, string>): void {
    this.field = required(c, 'field');
  }
  apply(record: ConnectRecord): ConnectRecord {
    const { schema, value } = targetOf(record, this.target);
    if (value === null) return record;
    if (schema === null) return withTarget(record, this.target, null, requireMap(value, 'field extraction')[this.field] ?? null);
    const f = structFields(schema, 'field extraction').find((x) => x.field === this.field);
    if (!f) throw new ConnectConfigError(`Unknown field: ${this.field}`, 'field');
    const { field: _name, ...fieldSchema } = f;
    return withTarget(record, this.target, fieldSchema, (value as Record<string, unknown>)[this.field] ?? null);
  }
}
