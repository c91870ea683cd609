// Builds sample messages straight from the spec table, independently of the generated codecs:
// every field present at a version gets a non-default value (nested arrays and structs
// included), or null where the field is nullable (mode 'nulls'), or its default ('defaults').
// Fields absent from the version get the default the decoder must fill in.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProtocolFieldSpec } from '../../src/protocol/index.js';

export type SampleMode = 'full' | 'nulls' | 'defaults';

const MAXV = 0x7fff;
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const PRIMS = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'uuid', 'bytes', 'records']);

export interface Range {
  lo: number;
  hi: number;
}

export function parseRange(s: string | undefined | null): Range | null {
  if (s === undefined || s === null || s === 'none' || s === '') return null;
  let m = /^(\d+)\+$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: MAXV };
  m = /^(\d+)-(\d+)$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Number(m[2]) };
  m = /^(\d+)$/.exec(s);
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) };
  throw new Error(`bad range ${s}`);
}

export function inRange(version: number, s: string | undefined): boolean {
  const r = parseRange(s);
  return r !== null && version >= r.lo && version <= r.hi;
}

/** Small deterministic PRNG (mulberry32), so failures reproduce. */
export function makeRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rawDefault(f: ProtocolFieldSpec): string {
  // Kafka reads a JSON null default as "no default".
  return f.default === undefined || f.default === null ? '' : String(f.default);
}

function parseIntDefault(s: string): number {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const v = /^0x/i.test(body) ? parseInt(body.slice(2), 16) : Number(body);
  return neg ? -v : v;
}

/** The value the decoder fills in when a field is absent (Kafka's rules). */
export function defaultFor(f: ProtocolFieldSpec): unknown {
  const d = rawDefault(f);
  if (f.type.startsWith('[]')) return d === 'null' ? null : [];
  switch (f.type) {
    case 'bool':
      return d.toLowerCase() === 'true';
    case 'int8':
    case 'int16':
    case 'uint16':
    case 'int32':
    case 'uint32':
    case 'int64':
      return d === '' ? 0 : parseIntDefault(d);
    case 'float64':
      return d === '' ? 0 : Number(d);
    case 'string':
      return d === 'null' ? null : d;
    case 'uuid':
      return d === '' ? ZERO_UUID : d;
    case 'bytes':
      return d === 'null' ? null : Buffer.alloc(0);
    case 'records':
      return null;
    default:
      return d === 'null' ? null : buildSample(f.fields ?? [], -1, 'defaults', () => 0);
  }
}

class Sampler {
  private counter = 0;
  constructor(
    private readonly rng: () => number,
    private readonly mode: SampleMode,
  ) {}

  private differ<T>(candidate: T, alternative: T, dflt: unknown): T {
    return candidate === dflt ? alternative : candidate;
  }

  prim(type: string, f: ProtocolFieldSpec): unknown {
    const n = ++this.counter;
    const d = defaultFor(f);
    switch (type) {
      case 'bool':
        return d !== true;
      case 'int8':
        return this.differ(-(n % 100) - 3, 5, d);
      case 'int16':
        return this.differ(0x1234 + n, -2, d);
      case 'uint16':
        return this.differ(0xfe00 + (n % 0x100), 7, d);
      case 'int32':
        return this.differ(n % 2 === 0 ? 0x12345678 + n : -0x2345678 - n, 9, d);
      case 'uint32':
        return this.differ(0xfedcba98 - n, 11, d);
      case 'int64':
        return this.differ(n % 2 === 0 ? 2 ** 45 + n : -(2 ** 41) - n, 13, d);
      case 'float64':
        return this.differ(n + 0.25, -1.5, d);
      case 'string':
        return `s${n}-${f.jsName}-ü`;
      case 'uuid': {
        const b = Buffer.alloc(16);
        for (let i = 0; i < 16; i++) b[i] = Math.floor(this.rng() * 256);
        b[0] |= 1; // never the zero uuid
        return b.toString('base64url');
      }
      case 'bytes':
        return Buffer.from([n & 0xff, 1, 2, 3, 0xff]);
      case 'records': {
        const b = Buffer.alloc(70);
        for (let i = 0; i < b.length; i++) b[i] = (i * 7 + n) & 0xff;
        return b;
      }
    }
    throw new Error(`unknown type ${type}`);
  }

  field(f: ProtocolFieldSpec, version: number): unknown {
    if (!inRange(version, f.versions)) return defaultFor(f);
    if (this.mode === 'defaults') return defaultFor(f);
    if (this.mode === 'nulls' && inRange(version, f.nullableVersions)) return null;
    if (f.type.startsWith('[]')) {
      const et = f.type.slice(2);
      const out: unknown[] = [];
      for (let i = 0; i < 2; i++) {
        out.push(PRIMS.has(et) ? this.prim(et, f) : this.struct(f.fields ?? [], version));
      }
      return out;
    }
    if (PRIMS.has(f.type)) return this.prim(f.type, f);
    return this.struct(f.fields ?? [], version);
  }

  struct(fields: readonly ProtocolFieldSpec[], version: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const f of fields) out[f.jsName] = this.field(f, version);
    return out;
  }
}

/** A sample struct for `version` (version -1: all defaults). */
export function buildSample(
  fields: readonly ProtocolFieldSpec[],
  version: number,
  mode: SampleMode,
  rng: () => number,
): Record<string, unknown> {
  return new Sampler(rng, mode).struct(fields, version);
}

/**
 * Removes every field an encoder must be able to default on its own (fields with an explicit
 * default, and tagged fields), recursively.
 */
export function stripDefaultable(fields: readonly ProtocolFieldSpec[], value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.default !== undefined || f.tag !== undefined) continue;
    const v = value[f.jsName];
    if (f.fields && Array.isArray(v)) {
      out[f.jsName] = v.map((x) => stripDefaultable(f.fields!, x as Record<string, unknown>));
    } else if (f.fields && v !== null && typeof v === 'object') {
      out[f.jsName] = stripDefaultable(f.fields, v as Record<string, unknown>);
    } else {
      out[f.jsName] = v;
    }
  }
  return out;
}

/** The repository root, found by walking up from this (compiled) file. */
export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'scripts', 'gen-protocol.mjs')) && fs.existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
}

/** Removes // comments outside string literals (the schema files use them). */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (c === '"') {
        inString = false;
      }
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

export function schemaDirs(): { schemas: string; records: string } {
  const root = repoRoot();
  return {
    schemas: process.env.BROOK_SCHEMAS_DIR || path.resolve(root, '../shared/kafka-protocol/schemas'),
    records: process.env.BROOK_RECORDS_DIR || path.resolve(root, '../shared/kafka-protocol/records'),
  };
}
