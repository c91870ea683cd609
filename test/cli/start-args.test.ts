import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { parseStartArgs, splitSetPair, UsageError } from '../../src/cli/start-args.js';
import { ConfigError } from '../../src/config/config-error.js';

const cwd = '/srv/brook';

/** A fake file system holding one properties file. */
function files(contents: Record<string, string>) {
  return (p: string): string => {
    const text = contents[p];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: no such file or directory, open '${p}'`), { code: 'ENOENT' });
    return text;
  };
}

test('defaults: every interface on 9092, ./data, file storage, JSON logs at info', () => {
  const options = parseStartArgs([], { cwd });
  assert.equal(options.host, '0.0.0.0');
  assert.equal(options.port, 9092);
  assert.equal(options.dataDir, path.resolve(cwd, 'data'));
  assert.equal(options.storage, 'file');
  assert.equal(options.logFormat, 'json');
  assert.equal(options.logLevel, 'info');
  assert.equal(options.config.numPartitions, 1);
  assert.deepEqual(options.warnings, []);
});

test('flags: port, host, data dir, storage, log format and level', () => {
  const options = parseStartArgs(
    ['--port', '19092', '--host', '127.0.0.1', '--data-dir', '/var/lib/brook', '--storage', 'memory', '--log-format', 'pretty', '--log-level', 'debug'],
    { cwd },
  );
  assert.equal(options.port, 19092);
  assert.equal(options.host, '127.0.0.1');
  assert.equal(options.dataDir, '/var/lib/brook');
  assert.equal(options.storage, 'memory');
  assert.equal(options.logFormat, 'pretty');
  assert.equal(options.logLevel, 'debug');
  // Explicit flags are written into the Kafka configs they stand for.
  assert.equal(options.config.listeners, 'PLAINTEXT://127.0.0.1:19092');
  assert.deepEqual(options.config.logDirs, ['/var/lib/brook']);
});

test('--port 0 asks for an ephemeral port', () => {
  assert.equal(parseStartArgs(['--port', '0'], { cwd }).port, 0);
});

test('repeated --set: all applied, later wins', () => {
  const options = parseStartArgs(['--set', 'num.partitions=3', '--set', 'log.retention.hours=1', '--set', 'num.partitions=5'], { cwd });
  assert.equal(options.config.numPartitions, 5);
  assert.equal(options.config.effectiveLogRetentionMs, 3600000);
});

test('--set values may contain = and may be empty', () => {
  const options = parseStartArgs(['--set', 'cluster.id=a=b', '--set', 'broker.rack='], { cwd });
  assert.equal(options.config.clusterId, 'a=b');
  assert.equal(options.config.brokerRack, '');
});

test('--config file < --set < explicit flags', () => {
  const readFile = files({
    '/etc/brook.properties': [
      'num.partitions=2',
      'log.retention.hours=10',
      'listeners=PLAINTEXT://10.0.0.5:9500',
      'log.dirs=/from/file',
    ].join('\n'),
  });
  const fileOnly = parseStartArgs(['--config', '/etc/brook.properties'], { cwd, readFile });
  assert.equal(fileOnly.config.numPartitions, 2);
  assert.equal(fileOnly.host, '10.0.0.5');
  assert.equal(fileOnly.port, 9500);
  assert.equal(fileOnly.dataDir, '/from/file');

  const withSet = parseStartArgs(['--config', '/etc/brook.properties', '--set', 'num.partitions=7', '--set', 'listeners=PLAINTEXT://:9600'], {
    cwd,
    readFile,
  });
  assert.equal(withSet.config.numPartitions, 7);
  assert.equal(withSet.config.effectiveLogRetentionMs, 36000000);
  assert.equal(withSet.port, 9600);
  assert.equal(withSet.host, '0.0.0.0');

  // --port replaces only the port of the configured listener; --data-dir beats log.dirs.
  const withFlags = parseStartArgs(
    ['--set', 'log.dirs=/from/set', '--config', '/etc/brook.properties', '--port', '9700', '--data-dir', 'rel'],
    { cwd, readFile },
  );
  assert.equal(withFlags.host, '10.0.0.5');
  assert.equal(withFlags.port, 9700);
  assert.equal(withFlags.dataDir, path.resolve(cwd, 'rel'));
});

test('--host alone keeps the configured port', () => {
  const options = parseStartArgs(['--set', 'listeners=PLAINTEXT://:9555', '--host', '::1'], { cwd });
  assert.equal(options.host, '::1');
  assert.equal(options.port, 9555);
  assert.equal(options.config.listeners, 'PLAINTEXT://[::1]:9555');
});

test('--port moves the first listener and keeps the others', () => {
  const options = parseStartArgs(['--set', 'listeners=PLAINTEXT://:9092,SSL://127.0.0.1:9093', '--port', '9500'], { cwd });
  assert.equal(options.port, 9500);
  assert.equal(options.config.listeners, 'PLAINTEXT://:9500,SSL://127.0.0.1:9093');
  assert.deepEqual(options.config.clientListeners.map((l) => `${l.securityProtocol}:${l.port}`), ['PLAINTEXT:9500', 'SSL:9093']);
});

test('unknown config names become warnings', () => {
  const options = parseStartArgs(['--set', 'sasl.kerberos.service.name=kafka'], { cwd });
  assert.deepEqual(options.warnings, ["Unknown configuration 'sasl.kerberos.service.name' ignored"]);
});

test('bad config values throw ConfigError naming the key', () => {
  assert.throws(
    () => parseStartArgs(['--set', 'num.partitions=abc'], { cwd }),
    (err: unknown) => err instanceof ConfigError && err.message === 'Invalid value abc for configuration num.partitions: Not a number of type INT',
  );
  const readFile = files({ '/c.properties': 'log.segment.bytes=1' });
  assert.throws(() => parseStartArgs(['--config', '/c.properties'], { cwd, readFile }), /log\.segment\.bytes: Value must be at least 14/);
});

test('a missing --config file is a ConfigError naming the file', () => {
  assert.throws(
    () => parseStartArgs(['--config', '/nope.properties'], { cwd, readFile: files({}) }),
    (err: unknown) => err instanceof ConfigError && /Unable to read config file \/nope\.properties: ENOENT/.test(err.message),
  );
});

test('bad command lines throw UsageError with a clear message', () => {
  const cases: Array<[string[], RegExp]> = [
    [['--set', 'foo'], /'--set <key=value>' argument 'foo' is invalid\. Expected key=value/],
    [['--set', '=1'], /argument '=1' is invalid/],
    [['--port', 'abc'], /'--port <n>' argument 'abc' is invalid/],
    [['--port', '65536'], /argument '65536' is invalid/],
    [['--storage', 'disk'], /Allowed choices are file, memory/],
    [['--log-level', 'loud'], /Allowed choices are debug, info, warn, error, silent/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--port'], /option '--port <n>' argument missing/],
    [['extra'], /too many arguments/],
  ];
  for (const [args, message] of cases) {
    assert.throws(
      () => parseStartArgs(args, { cwd }),
      (err: unknown) => err instanceof UsageError && message.test(err.message) && !err.message.startsWith('error:'),
      args.join(' '),
    );
  }
});

test('splitSetPair splits at the first =', () => {
  assert.deepEqual(splitSetPair(' num.partitions =3'), { key: 'num.partitions', value: '3' });
  assert.throws(() => splitSetPair('novalue'), /--set expects key=value, got 'novalue'/);
});

test('cluster flags become broker.id, etcd.endpoints and advertised.listeners', () => {
  const options = parseStartArgs(['--broker-id', '3', '--etcd', 'http://127.0.0.1:2379,http://127.0.0.1:2380', '--advertised-listener', 'broker3.local:9095']);
  assert.equal(options.config.effectiveNodeId, 3);
  assert.deepEqual(options.config.etcdEndpoints, ['http://127.0.0.1:2379', 'http://127.0.0.1:2380']);
  assert.deepEqual(options.config.effectiveAdvertisedListener && { host: options.config.effectiveAdvertisedListener.host, port: options.config.effectiveAdvertisedListener.port }, { host: 'broker3.local', port: 9095 });
  assert.equal(options.config.brokerSessionTimeoutMs, 9000);
});
