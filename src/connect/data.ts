/**
 * Connect's data model, reduced to what converters and transforms need: a Schema describes a
 * value; values themselves are plain JS (struct = object, bytes = Buffer, int64 = number).
 */
export type SchemaType = 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'boolean' | 'string' | 'bytes' | 'array' | 'map' | 'struct';

export interface Schema {
  type: SchemaType;
  optional?: boolean;
  name?: string;
  version?: number;
  doc?: string;
  default?: unknown;
  parameters?: Record<string, string>;
  /** struct: its fields in order. */
  fields?: Field[];
  /** array: element schema. */
  items?: Schema;
  /** map: key and value schemas. */
  keys?: Schema;
  values?: Schema;
}

export interface Field extends Schema {
  field: string;
}

export const SCHEMA_TYPES: ReadonlySet<string> = new Set(['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string', 'bytes', 'array', 'map', 'struct']);

export function isStruct(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** A struct schema's field, by name. */
export function schemaField(schema: Schema | null, name: string): Field | undefined {
  return schema?.fields?.find((f) => f.field === name);
}
