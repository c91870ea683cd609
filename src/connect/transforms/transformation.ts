/**
 * Single message transforms: each takes a record and returns a new one (or null to drop it).
 * `$Key`/`$Value` variants operate on the record's key or value; `Target` picks which.
 */
import type { ConnectRecord } from '../api.js';
import { ConnectConfigError } from '../api.js';
import type { Schema } from '../data.js';

export interface Transformation<R extends ConnectRecord = ConnectRecord> {
  configure(config: Record<string, string>): void;
  apply(record: R): R | null;
  close?(): void;
}

export type Target = 'key' | 'value';

export function targetOf<R extends ConnectRecord>(record: R, target: Target): { schema: Schema | null; value: unknown } {
  return target === 'key' ? { schema: record.keySchema, value: record.key } : { schema: record.valueSchema, value: record.value };
}

export function withTarget<R extends ConnectRecord>(record: R, target: Target, schema: Schema | null, value: unknown): R {
  return target === 'key' ? { ...record, keySchema: schema, key: value } : { ...record, valueSchema: schema, value };
}

export function required(config: Record<string, string>, name: string): string {
  const v = config[name];
  if (v === undefined || v.trim() === '') throw new ConnectConfigError(`Missing required configuration "${name}" which has no default value.`, name);
  return v.trim();
}

export function list(config: Record<string, string>, name: string): string[] {
  const v = config[name];
  return v === undefined ? [] : v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}
