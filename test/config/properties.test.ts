import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProperties, readPropertiesFile } from '../../src/config/properties.js';
import { ConfigError } from '../../src/config/config-error.js';

test('key=value, key: value and key value forms', () => {
  assert.deepEqual(parseProperties('a=1\nb: 2\nc 3\nd\t4\ne = 5\n'), { a: '1', b: '2', c: '3', d: '4', e: '5' });
});

test('comments with # and !, blank lines, and leading whitespace are skipped', () => {
  const text = '# comment\n! also a comment\n\n   \n   indented = yes\n\t# indented comment\n';
  assert.deepEqual(parseProperties(text), { indented: 'yes' });
});

test('a # after the start of a line is part of the value', () => {
  assert.deepEqual(parseProperties('url=http://x#frag'), { url: 'http://x#frag' });
});

test('trailing whitespace of a value is kept, leading is not', () => {
  assert.deepEqual(parseProperties('k =   v  '), { k: 'v  ' });
});

test('only the first separator counts; later = and : belong to the value', () => {
  assert.deepEqual(parseProperties('listeners=PLAINTEXT://:9092\nk==v\nm : :n'), {
    listeners: 'PLAINTEXT://:9092',
    k: '=v',
    m: ':n',
  });
});

test('a key with no value maps to the empty string', () => {
  assert.deepEqual(parseProperties('alone\nempty=\n'), { alone: '', empty: '' });
});

test('line continuation joins lines and drops the next line indentation', () => {
  const text = 'log.dirs=/a,\\\n         /b,\\\n   /c\nnext=1';
  assert.deepEqual(parseProperties(text), { 'log.dirs': '/a,/b,/c', next: '1' });
});

test('an even number of trailing backslashes is an escaped backslash, not a continuation', () => {
  assert.deepEqual(parseProperties('path=C:\\\\\nnext=1'), { path: 'C:\\', next: '1' });
});

test('a continuation line starting with # is value, not comment', () => {
  assert.deepEqual(parseProperties('k=a\\\n#b'), { k: 'a#b' });
});

test('a comment line ending with a backslash does not swallow the next line', () => {
  assert.deepEqual(parseProperties('# note \\\nk=v'), { k: 'v' });
});

test('continuation at end of input ends the value', () => {
  assert.deepEqual(parseProperties('k=v\\'), { k: 'v' });
});

test('CRLF and CR line endings', () => {
  assert.deepEqual(parseProperties('a=1\r\nb=2\rc=3'), { a: '1', b: '2', c: '3' });
});

test('escapes: \\t \\n \\r \\f, \\uXXXX, and escaped separators in keys', () => {
  const text = 'tabs=a\\tb\\nc\\rd\\fe\nuni=\\u0041\\u00e9\nmy\\=key\\:x\\ y=v\nother=\\q';
  assert.deepEqual(parseProperties(text), {
    tabs: 'a\tb\nc\rd\fe',
    uni: 'Aé',
    'my=key:x y': 'v',
    other: 'q',
  });
});

test('a malformed \\u escape is an error naming the line', () => {
  assert.throws(() => parseProperties('a=1\nb=\\u12G4'), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /Malformed \\uxxxx encoding on line 2/);
    return true;
  });
});

test('later duplicates win', () => {
  assert.deepEqual(parseProperties('k=1\nk=2'), { k: '2' });
});

test('a UTF-8 byte order mark is ignored', () => {
  assert.deepEqual(parseProperties('\uFEFFk=v'), { k: 'v' });
});

test('__proto__ is stored as an ordinary key', () => {
  const props = parseProperties('__proto__=x\na=1');
  assert.equal(Object.getPrototypeOf(props), Object.prototype);
  assert.deepEqual(Object.keys(props), ['__proto__', 'a']);
  assert.equal(Object.getOwnPropertyDescriptor(props, '__proto__')?.value, 'x');
});

test('a typical Kafka server.properties', () => {
  const text = [
    '############################# Server Basics #############################',
    'process.roles=broker,controller',
    'node.id=1',
    'controller.quorum.voters=1@localhost:9093',
    'listeners=PLAINTEXT://:9092,CONTROLLER://:9093',
    'num.network.threads=3',
    'log.dirs=/tmp/kraft-combined-logs',
    'log.retention.hours=168',
  ].join('\n');
  const props = parseProperties(text);
  assert.equal(props['listeners'], 'PLAINTEXT://:9092,CONTROLLER://:9093');
  assert.equal(props['log.retention.hours'], '168');
  assert.equal(Object.keys(props).length, 7);
});

test('readPropertiesFile turns read failures into ConfigError naming the file', () => {
  const failing = () => {
    throw Object.assign(new Error('ENOENT: no such file or directory'), { code: 'ENOENT' });
  };
  assert.throws(() => readPropertiesFile('/etc/brook.properties', failing), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /^Unable to read config file \/etc\/brook\.properties: ENOENT/);
    return true;
  });
  assert.deepEqual(readPropertiesFile('x', () => 'a=b'), { a: 'b' });
});
