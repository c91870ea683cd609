import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  LONG_MAX,
  atLeast,
  between,
  bool,
  camelCaseOf,
  double,
  eachOneOf,
  formatConfigValue,
  int,
  list,
  long,
  oneOf,
  parseConfigValue,
  short,
  str,
  type ConfigDef,
} from '../../src/config/config-def.js';
import { ConfigError } from '../../src/config/config-error.js';

const doc = 'test';

function rejects(def: ConfigDef, raw: string, message: string): void {
  assert.throws(
    () => parseConfigValue(def, raw),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError, 'a ConfigError');
      assert.equal(err.message, message);
      assert.equal(err.key, def.name);
      return true;
    },
  );
}

test('int: decimal integers with optional sign and surrounding whitespace', () => {
  const def = int('n', 1, { doc });
  assert.equal(parseConfigValue(def, '42'), 42);
  assert.equal(parseConfigValue(def, ' +7 '), 7);
  assert.equal(parseConfigValue(def, '-2147483648'), -2147483648);
  assert.equal(parseConfigValue(def, '2147483647'), 2147483647);
});

test('int: Kafka wording for values that are not 32-bit integers', () => {
  const def = int('num.partitions', 1, { doc });
  for (const raw of ['abc', '1.5', '', '2147483648', '1e3', '0x10']) {
    rejects(def, raw, `Invalid value ${raw} for configuration num.partitions: Not a number of type INT`);
  }
});

test('short and long ranges', () => {
  assert.equal(parseConfigValue(short('s', 1, { doc }), '32767'), 32767);
  rejects(short('s', 1, { doc }), '32768', 'Invalid value 32768 for configuration s: Not a number of type SHORT');
  const l = long('l', 0, { doc });
  assert.equal(parseConfigValue(l, '604800000'), 604800000);
  assert.equal(parseConfigValue(l, '-1'), -1);
  rejects(l, '9223372036854775808', 'Invalid value 9223372036854775808 for configuration l: Not a number of type LONG');
  rejects(l, '12ms', 'Invalid value 12ms for configuration l: Not a number of type LONG');
});

test('long: values past 2^53 saturate at LONG_MAX and print as Long.MAX_VALUE', () => {
  const l = long('log.flush.interval.messages', LONG_MAX, { doc });
  assert.equal(parseConfigValue(l, '9223372036854775807'), LONG_MAX);
  assert.equal(parseConfigValue(l, '9007199254740993'), LONG_MAX);
  assert.equal(parseConfigValue(l, '-9223372036854775808'), -LONG_MAX);
  assert.equal(formatConfigValue(l, LONG_MAX), '9223372036854775807');
  assert.equal(formatConfigValue(l, 1000), '1000');
});

test('boolean: true/false in any case, anything else rejected', () => {
  const def = bool('auto.create.topics.enable', true, { doc });
  assert.equal(parseConfigValue(def, 'TRUE'), true);
  assert.equal(parseConfigValue(def, ' False '), false);
  rejects(def, 'yes', 'Invalid value yes for configuration auto.create.topics.enable: Expected value to be either true or false');
  rejects(def, '1', 'Invalid value 1 for configuration auto.create.topics.enable: Expected value to be either true or false');
});

test('double: decimals, exponents, Java suffixes', () => {
  const def = double('r', 0.5, { doc });
  assert.equal(parseConfigValue(def, '0.25'), 0.25);
  assert.equal(parseConfigValue(def, '.5'), 0.5);
  assert.equal(parseConfigValue(def, '1e-1'), 0.1);
  assert.equal(parseConfigValue(def, '0.75d'), 0.75);
  rejects(def, 'half', 'Invalid value half for configuration r: Not a number of type DOUBLE');
  assert.equal(formatConfigValue(def, 1), '1.0');
  assert.equal(formatConfigValue(def, 0.5), '0.5');
});

test('list: comma separated with whitespace around commas; empty string is empty list', () => {
  const def = list('l', [], { doc });
  assert.deepEqual(parseConfigValue(def, 'a, b ,c'), ['a', 'b', 'c']);
  assert.deepEqual(parseConfigValue(def, ' '), []);
  assert.deepEqual(parseConfigValue(def, 'a,,b'), ['a', '', 'b']);
  assert.equal(formatConfigValue(def, ['a', 'b']), 'a,b');
});

test('string: trimmed', () => {
  assert.equal(parseConfigValue(str('s', null, { doc }), '  x y  '), 'x y');
});

test('range validators use Kafka wording with the parsed value', () => {
  rejects(int('num.partitions', 1, { doc, validator: atLeast(1) }), ' 0', 'Invalid value 0 for configuration num.partitions: Value must be at least 1');
  rejects(double('ratio', 0.5, { doc, validator: between(0, 1) }), '1.5', 'Invalid value 1.5 for configuration ratio: Value must be no more than 1');
  assert.equal(atLeast(14).toString(), '[14,...]');
  assert.equal(between(0, 1).toString(), '[0,...,1]');
});

test('string and list validators', () => {
  rejects(
    str('log.message.timestamp.type', 'CreateTime', { doc, validator: oneOf('CreateTime', 'LogAppendTime') }),
    'createtime',
    'Invalid value createtime for configuration log.message.timestamp.type: String must be one of: CreateTime, LogAppendTime',
  );
  const policy = list('log.cleanup.policy', ['delete'], { doc, validator: eachOneOf('compact', 'delete') });
  assert.deepEqual(parseConfigValue(policy, 'compact,delete'), ['compact', 'delete']);
  rejects(policy, 'delete,shred', 'Invalid value shred for configuration log.cleanup.policy: String must be one of: compact, delete');
});

test('a default that breaks its own validator fails at definition time', () => {
  assert.throws(() => int('bad', 0, { doc, validator: atLeast(1) }), /Value must be at least 1/);
});

test('camelCaseOf maps Kafka names to table keys', () => {
  assert.equal(camelCaseOf('log.retention.ms'), 'logRetentionMs');
  assert.equal(camelCaseOf('broker.id'), 'brokerId');
});
