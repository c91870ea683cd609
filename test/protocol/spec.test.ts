// The generated spec table (and the api registry) must say exactly what the JSON schemas say.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { apis, specTable } from '../../src/protocol/index.js';
import type { ProtocolFieldSpec } from '../../src/protocol/index.js';
import { parseRange, schemaDirs, stripJsonComments } from './sample-messages.js';

interface JsonField {
  name: string;
  type: string;
  versions?: string;
  nullableVersions?: string;
  taggedVersions?: string;
  tag?: number | string;
  default?: unknown;
  ignorable?: boolean;
  flexibleVersions?: string;
  fields?: JsonField[];
}

interface JsonSchema {
  name: string;
  type: string;
  apiKey?: number;
  validVersions: string;
  flexibleVersions: string;
  latestVersionUnstable?: boolean;
  listeners?: string[];
  fields: JsonField[];
  commonStructs?: { name: string; fields: JsonField[] }[];
}

const PRIMS = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'string', 'uuid', 'bytes', 'records']);

function loadSchemas(): JsonSchema[] {
  const { schemas, records } = schemaDirs();
  const out: JsonSchema[] = [];
  for (const dir of [schemas, records]) {
    if (!fs.existsSync(dir)) continue;
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json'))) {
      out.push(JSON.parse(stripJsonComments(fs.readFileSync(path.join(dir, f), 'utf8'))) as JsonSchema);
    }
  }
  return out;
}

const same = (a: string | undefined, b: string | undefined): boolean =>
  JSON.stringify(parseRange(a)) === JSON.stringify(parseRange(b));

function compareFields(where: string, json: readonly JsonField[], spec: readonly ProtocolFieldSpec[], schema: JsonSchema): void {
  assert.deepStrictEqual(
    spec.map((f) => f.name),
    json.map((f) => f.name),
    `${where}: field names/order`,
  );
  json.forEach((jf, i) => {
    const sf = spec[i]!;
    const at = `${where}.${jf.name}`;
    assert.equal(sf.type, jf.type, `${at}: type`);
    assert.equal(sf.jsName, jf.name.charAt(0).toLowerCase() + jf.name.slice(1), `${at}: jsName`);
    // A field without versions takes its tagged versions (Kafka's FieldSpec rule).
    assert.ok(same(sf.versions, jf.versions ?? jf.taggedVersions), `${at}: versions ${sf.versions} vs ${jf.versions}`);
    assert.ok(same(sf.nullableVersions, jf.nullableVersions), `${at}: nullableVersions`);
    assert.ok(same(sf.taggedVersions, jf.taggedVersions), `${at}: taggedVersions`);
    assert.equal(sf.tag, jf.tag === undefined ? undefined : Number(jf.tag), `${at}: tag`);
    assert.deepStrictEqual(sf.default, jf.default, `${at}: default`);
    assert.equal(sf.ignorable === true, jf.ignorable === true, `${at}: ignorable`);
    assert.ok(same(sf.flexibleVersions, jf.flexibleVersions), `${at}: flexibleVersions`);
    const elem = jf.type.startsWith('[]') ? jf.type.slice(2) : jf.type;
    if (PRIMS.has(elem)) {
      assert.equal(sf.fields, undefined, `${at}: primitive has no fields`);
      return;
    }
    const structFields = jf.fields ?? schema.commonStructs?.find((c) => c.name === elem)?.fields ?? findStruct(schema.fields, elem);
    assert.ok(structFields, `${at}: struct ${elem} resolvable in the JSON`);
    assert.ok(sf.fields, `${at}: spec table has the nested fields`);
    compareFields(at, structFields, sf.fields, schema);
  });
}

/** A struct type defined inline elsewhere in the same schema. */
function findStruct(fields: readonly JsonField[], typeName: string): JsonField[] | undefined {
  for (const f of fields) {
    const elem = f.type.startsWith('[]') ? f.type.slice(2) : f.type;
    if (elem === typeName && f.fields) return f.fields;
    const inner = f.fields && findStruct(f.fields, typeName);
    if (inner) return inner;
  }
  return undefined;
}

test('every JSON schema has a spec-table entry that matches it field by field', () => {
  const schemas = loadSchemas();
  assert.ok(schemas.length > 200, `loaded ${schemas.length} schemas`);
  assert.equal(Object.keys(specTable).length, schemas.length, 'no extra or missing messages');
  for (const schema of schemas) {
    const spec = specTable[schema.name];
    assert.ok(spec, `${schema.name} in spec table`);
    assert.equal(spec.type, schema.type);
    assert.equal(spec.apiKey, schema.apiKey);
    assert.ok(same(spec.validVersions, schema.validVersions), `${schema.name}: validVersions`);
    assert.ok(same(spec.flexibleVersions, schema.flexibleVersions), `${schema.name}: flexibleVersions`);
    assert.equal(spec.latestVersionUnstable === true, schema.latestVersionUnstable === true);
    assert.deepStrictEqual(spec.listeners, schema.listeners);
    compareFields(schema.name, schema.fields, spec.fields, schema);
  }
});

test('the api registry covers every request/response pair with the schema version ranges', () => {
  const schemas = loadSchemas().filter((s) => s.type === 'request');
  assert.equal(Object.keys(apis).length, schemas.length);
  for (const req of schemas) {
    const api = apis[req.apiKey!];
    assert.ok(api, `api ${req.apiKey}`);
    assert.equal(`${api.name}Request`, req.name);
    const valid = parseRange(req.validVersions)!;
    assert.equal(api.minVersion, valid.lo);
    assert.equal(api.maxVersion, valid.hi);
    const flex = parseRange(req.flexibleVersions);
    assert.equal(api.firstFlexibleVersion, flex ? flex.lo : Infinity);
    assert.equal(api.latestVersionUnstable, req.latestVersionUnstable === true);
    assert.deepStrictEqual(api.listeners, req.listeners ?? []);
    for (const fn of [api.decodeRequest, api.encodeRequest, api.decodeResponse, api.encodeResponse]) {
      assert.equal(typeof fn, 'function');
    }
  }
  assert.equal(apis[0]!.name, 'Produce');
  assert.equal(apis[18]!.name, 'ApiVersions');
});
