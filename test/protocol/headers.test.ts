import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Reader,
  Writer,
  apis,
  decodeRequestHeader,
  encodeRequestHeader,
  encodeResponseHeader,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../src/protocol/index.js';

test('header versions follow flexibility, with the ApiVersions and ControlledShutdown exceptions', () => {
  for (const api of Object.values(apis)) {
    for (let v = api.minVersion; v <= api.maxVersion; v++) {
      const flexible = v >= api.firstFlexibleVersion;
      const req = api.apiKey === 7 && v === 0 ? 0 : flexible ? 2 : 1;
      const res = api.apiKey === 18 ? 0 : flexible ? 1 : 0;
      assert.equal(requestHeaderVersion(api.apiKey, v), req, `${api.name} v${v} request header`);
      assert.equal(responseHeaderVersion(api.apiKey, v), res, `${api.name} v${v} response header`);
    }
  }
  assert.equal(requestHeaderVersion(18, 3), 2);
  assert.equal(responseHeaderVersion(18, 3), 0);
  assert.equal(requestHeaderVersion(7, 0), 0);
  assert.equal(requestHeaderVersion(0, 9), 2);
  assert.equal(responseHeaderVersion(0, 8), 0);
});

test('request header v2 keeps the classic client id string before the tagged fields', () => {
  const w = new Writer();
  encodeRequestHeader(w, { requestApiKey: 18, requestApiVersion: 3, correlationId: 7, clientId: 'ab' }, 2);
  assert.equal(w.toBuffer().toString('hex'), '0012' + '0003' + '00000007' + '00026162' + '00');
  const w0 = new Writer();
  encodeRequestHeader(w0, { requestApiKey: 7, requestApiVersion: 0, correlationId: 1, clientId: 'ignored' }, 0);
  assert.equal(w0.toBuffer().toString('hex'), '0007000000000001');
  assert.deepStrictEqual(decodeRequestHeader(new Reader(w0.toBuffer()), 0), {
    requestApiKey: 7,
    requestApiVersion: 0,
    correlationId: 1,
    clientId: '',
  });
  const w1 = new Writer();
  encodeRequestHeader(w1, { requestApiKey: 3, requestApiVersion: 1, correlationId: 1, clientId: null }, 1);
  assert.equal(decodeRequestHeader(new Reader(w1.toBuffer()), 1).clientId, null);
  const r = new Writer();
  encodeResponseHeader(r, { correlationId: 9 }, 1);
  assert.equal(r.toBuffer().toString('hex'), '0000000900');
});
