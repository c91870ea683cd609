/**
 * Input checks for the console API. Each throws BadRequest with a message a person can act on;
 * the server answers 400 with it. Nothing from a request reaches the cluster unchecked.
 */
export class BadRequest extends Error {
  override name = 'BadRequest';
}

const TOPIC_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_TOPIC_NAME_CHARS = 249;

/** Kafka's own rules (Topic.validate), with its wording. */
export function topicName(value: unknown, what = 'topic name'): string {
  if (typeof value !== 'string' || value === '') throw new BadRequest(`${what} is required`);
  if (value === '.' || value === '..') throw new BadRequest(`${what} cannot be '.' or '..'`);
  if (value.length > MAX_TOPIC_NAME_CHARS) throw new BadRequest(`${what} is longer than ${MAX_TOPIC_NAME_CHARS} characters`);
  if (!TOPIC_NAME.test(value)) throw new BadRequest(`${what} '${value}' may only contain ASCII letters, digits, '.', '_' and '-'`);
  return value;
}

/** An integer in [min, max] from a JSON number or a query string. */
export function integer(value: unknown, name: string, min: number, max: number): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n)) throw new BadRequest(`${name} must be a whole number, got ${JSON.stringify(value)}`);
  if (n < min || n > max) throw new BadRequest(`${name} must be between ${min} and ${max}, got ${n}`);
  return n;
}

export function optionalInteger(value: unknown, name: string, min: number, max: number, fallback: number): number {
  return value === undefined || value === null || value === '' ? fallback : integer(value, name, min, max);
}

/** A string, null, or absent (null); anything else is refused. */
export function nullableString(value: unknown, name: string, maxChars: number): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new BadRequest(`${name} must be a string or null`);
  if (value.length > maxChars) throw new BadRequest(`${name} is longer than ${maxChars} characters`);
  return value;
}

export function object(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new BadRequest(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

/** Topic configs: string (or number/boolean) values by Kafka config name. */
export function configs(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(object(value, 'configs'))) {
    if (!/^[a-z0-9.]+$/.test(name)) throw new BadRequest(`config name '${name}' is not a Kafka config name`);
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new BadRequest(`config '${name}' must be a string, number or boolean`);
    out[name] = String(v);
  }
  return out;
}

/** Config changes: a value sets an override, null removes it. */
export function configChanges(value: unknown): Record<string, string | null> {
  const body = object(value, 'configs');
  const out: Record<string, string | null> = {};
  const entries = Object.entries(body);
  if (entries.length === 0) throw new BadRequest('configs must name at least one config to change');
  for (const [name, v] of entries) {
    if (v === null) {
      if (!/^[a-z0-9.]+$/.test(name)) throw new BadRequest(`config name '${name}' is not a Kafka config name`);
      out[name] = null;
    } else {
      Object.assign(out, configs({ [name]: v }));
    }
  }
  return out;
}

export function headers(value: unknown): { key: string; value: string | null }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new BadRequest('headers must be a list of {key, value}');
  if (value.length > 100) throw new BadRequest('at most 100 headers');
  return value.map((h, i) => {
    const header = object(h, `headers[${i}]`);
    const key = header['key'];
    if (typeof key !== 'string' || key === '') throw new BadRequest(`headers[${i}].key must be a non-empty string`);
    return { key, value: nullableString(header['value'], `headers[${i}].value`, 1_000_000) };
  });
}
