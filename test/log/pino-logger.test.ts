// src/log on pino: what the switch must not change, and what it adds. (Format basics are in
// test/cli/logger.test.ts.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, type LoggerOptions } from '../../src/log/logger.js';
import { formatPrettyLine } from '../../src/log/pretty.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  let now = T0;
  const logger = createLogger({ clock: () => now, stream: { write: (s: string) => lines.push(s) }, ...options });
  return { logger, lines, tick: (ms: number) => (now += ms), records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('each line is written synchronously, once, with the injected clock', () => {
  const { logger, lines, tick, records } = capture();
  logger.info('a');
  assert.equal(lines.length, 1, 'written before info() returns');
  tick(1500);
  logger.warn({ n: 2 }, 'b');
  assert.deepEqual(records().map((r) => r['ts']), ['2024-05-01T12:00:00.000Z', '2024-05-01T12:00:01.500Z']);
});

test('a key bound twice appears once on the line, last value wins', () => {
  const { logger, lines } = capture();
  logger.child({ conn: 1 }).child({ conn: 2 }).info({ api: 'Fetch' }, 'x');
  assert.equal(lines[0]!.match(/"conn"/g)?.length, 1);
  assert.match(lines[0]!, /"conn":2/);
});

test('nested errors, causes and buffers are readable', () => {
  const { logger, records } = capture();
  const err = new Error('outer', { cause: new Error('inner') });
  logger.error({ context: { err, payload: Buffer.alloc(3) } }, 'failed');
  const context = records()[0]!['context'] as Record<string, Record<string, unknown>>;
  assert.equal(context['err']!['message'], 'outer');
  assert.equal((context['err']!['cause'] as Record<string, unknown>)['message'], 'inner');
  assert.equal(context['payload'], '<Buffer 3 bytes>');
});

test('pretty lines show errors by stack and quote what needs quoting', () => {
  const { logger, lines } = capture({ format: 'pretty', level: 'debug' });
  logger.debug({ client: '127.0.0.1:5000', api: 'Produce', note: 'a=b' }, 'request');
  assert.equal(lines[0], '2024-05-01T12:00:00.000Z DEBUG request client=127.0.0.1:5000 api=Produce note="a=b"\n');
  logger.error({ err: new Error('boom') }, 'failed');
  assert.match(lines[1]!, /^2024-05-01T12:00:00\.000Z ERROR failed err="Error: boom\\n/);
  assert.equal(formatPrettyLine('not json\n'), 'not json\n');
});
