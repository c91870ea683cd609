// Tests for src/log/logger.ts (kept here because test/log/ is not part of this work's folders).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, isLogLevel, silentLogger, type LoggerOptions } from '../../src/log/logger.js';

const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

function capture(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const logger = createLogger({ clock: () => T0, stream: { write: (s: string) => lines.push(s) }, ...options });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('JSON lines: ts, level, msg first, then fields; one write per line', () => {
  const { logger, lines } = capture();
  logger.info({ port: 9092, host: '0.0.0.0' }, 'listening');
  assert.deepEqual(lines, ['{"ts":"2024-05-01T12:00:00.000Z","level":"info","msg":"listening","port":9092,"host":"0.0.0.0"}\n']);
});

test('a message alone, or fields alone', () => {
  const { logger, records } = capture();
  logger.warn('disk almost full');
  logger.error({ code: 'EIO' });
  assert.deepEqual(records(), [
    { ts: '2024-05-01T12:00:00.000Z', level: 'warn', msg: 'disk almost full' },
    { ts: '2024-05-01T12:00:00.000Z', level: 'error', msg: '', code: 'EIO' },
  ]);
});

test('levels below the threshold are dropped', () => {
  const { logger, records } = capture({ level: 'warn' });
  logger.debug('d');
  logger.info('i');
  logger.warn('w');
  logger.error('e');
  assert.deepEqual(records().map((r) => r['level']), ['warn', 'error']);
  assert.equal(logger.isLevelEnabled('info'), false);
  assert.equal(logger.isLevelEnabled('error'), true);
});

test('debug is off by default and on when asked', () => {
  const quiet = capture();
  quiet.logger.debug('hidden');
  assert.equal(quiet.lines.length, 0);
  const loud = capture({ level: 'debug' });
  loud.logger.debug({ n: 1 }, 'shown');
  assert.equal(loud.records()[0]!['msg'], 'shown');
});

test('child loggers add bound fields; call fields win over bindings; core keys win over both', () => {
  const { logger, records } = capture({ bindings: { service: 'brook' } });
  const child = logger.child({ conn: 7, role: 'a' }).child({ role: 'b' });
  child.info({ api: 'Fetch' }, 'request');
  child.info({ conn: 8, level: 'fake', msg: 'fake' }, 'real');
  const [first, second] = records();
  assert.deepEqual(first, { ts: '2024-05-01T12:00:00.000Z', level: 'info', msg: 'request', service: 'brook', conn: 7, role: 'b', api: 'Fetch' });
  assert.equal(second!['conn'], 8);
  assert.equal(second!['level'], 'info');
  assert.equal(second!['msg'], 'real');
});

test('errors, bigints and cycles serialize instead of throwing', () => {
  const { logger, records } = capture();
  const err = Object.assign(new Error('boom'), { code: 'EADDRINUSE' });
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic['self'] = cyclic;
  logger.error({ err, offset: 12345678901234567890n, cyclic }, 'failed');
  const r = records()[0]!;
  const e = r['err'] as Record<string, unknown>;
  assert.equal(e['type'], 'Error');
  assert.equal(e['message'], 'boom');
  assert.equal(e['code'], 'EADDRINUSE');
  assert.match(String(e['stack']), /boom/);
  assert.equal(r['offset'], '12345678901234567890');
  assert.deepEqual(r['cyclic'], { a: 1, self: '[Circular]' });
});

test('pretty format for people', () => {
  const { logger, lines } = capture({ format: 'pretty' });
  logger.info({ host: '0.0.0.0', port: 9092, note: 'two words' }, 'listening');
  logger.error('bad');
  assert.deepEqual(lines, [
    '2024-05-01T12:00:00.000Z INFO  listening host=0.0.0.0 port=9092 note="two words"\n',
    '2024-05-01T12:00:00.000Z ERROR bad\n',
  ]);
});

test('silent logs nothing; isLogLevel knows the settings', () => {
  assert.equal(silentLogger.isLevelEnabled('error'), false);
  silentLogger.error('nothing');
  const { logger, lines } = capture({ level: 'silent' });
  logger.error('nothing');
  assert.equal(lines.length, 0);
  assert.ok(isLogLevel('warn'));
  assert.ok(isLogLevel('silent'));
  assert.ok(!isLogLevel('trace'));
});
