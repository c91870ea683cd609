/** Between PostgreSQL column types and Connect schemas, both ways. */
import type { Field, Schema } from '../../data.js';

/** Connect schema of a PostgreSQL type (by name, as information_schema's udt_name). */
export function schemaOfColumn(udt: string, nullable: boolean, field: string): Field {
  const type = ((): Schema['type'] => {
    switch (udt) {
      case 'int2':
        return 'int16';
      case 'int4':
        return 'int32';
      case 'int8':
        return 'int64';
      case 'float4':
        return 'float32';
      case 'float8':
        return 'float64';
      case 'bool':
        return 'boolean';
      case 'bytea':
        return 'bytes';
      case 'timestamp':
      case 'timestamptz':
      case 'date':
        return 'int64';
      default:
        return 'string'; // text, varchar, numeric, uuid, json... travel as text
    }
  })();
  const f: Field = { field, type, optional: nullable };
  if (type === 'int64' && udt.startsWith('timestamp')) f.name = 'org.apache.kafka.connect.data.Timestamp';
  return f;
}

/** A row value as Connect data: timestamps as epoch ms, int8 as number, the rest as text. */
export function connectValue(v: unknown, f: Field): unknown {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.getTime();
  if (f.type === 'int64' || f.type === 'int32' || f.type === 'int16') return Number(v);
  if (f.type === 'float64' || f.type === 'float32') return Number(v);
  if (f.type === 'string' && typeof v === 'object' && !Buffer.isBuffer(v)) return JSON.stringify(v);
  return v;
}

/** PostgreSQL column type for a Connect field (table auto-creation). */
export function columnType(f: Schema): string {
  if (f.name === 'org.apache.kafka.connect.data.Timestamp') return 'TIMESTAMPTZ';
  switch (f.type) {
    case 'int8':
    case 'int16':
      return 'SMALLINT';
    case 'int32':
      return 'INTEGER';
    case 'int64':
      return 'BIGINT';
    case 'float32':
      return 'REAL';
    case 'float64':
      return 'DOUBLE PRECISION';
    case 'boolean':
      return 'BOOLEAN';
    case 'bytes':
      return 'BYTEA';
    case 'string':
      return 'TEXT';
    default:
      return 'JSONB';
  }
}

/** Infers a schema from a schemaless JSON map (numbers: integer -> int64, else float64). */
export function inferSchema(value: Record<string, unknown>): Schema {
  const fields: Field[] = Object.entries(value).map(([field, v]) => {
    if (typeof v === 'boolean') return { field, type: 'boolean', optional: true };
    if (typeof v === 'number') return { field, type: Number.isInteger(v) ? 'int64' : 'float64', optional: true };
    if (typeof v === 'string' || v === null) return { field, type: 'string', optional: true };
    return { field, type: 'map', optional: true };
  });
  return { type: 'struct', fields };
}

/** Double-quoted SQL identifier. */
export function ident(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
