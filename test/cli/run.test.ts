import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { run, describeStartupError, type BrokerModule, type BrokerStartOptions, type RunDeps } from '../../src/cli/run.js';

const T0 = Date.UTC(2024, 4, 1);

interface FakeBroker {
  started: BrokerStartOptions[];
  stops: number;
  module: BrokerModule;
}

function fakeBroker(behaviour: { startError?: Error; stop?: () => Promise<void> } = {}): FakeBroker {
  const fake: FakeBroker = {
    started: [],
    stops: 0,
    module: {
      startBroker: async (options) => {
        fake.started.push(options);
        if (behaviour.startError) throw behaviour.startError;
        return {
          host: options.host,
          port: 5555,
          bootstrapServers: 'localhost:5555',
          stop: async () => {
            fake.stops++;
            await behaviour.stop?.();
          },
        };
      },
    },
  };
  return fake;
}

function harness(broker: FakeBroker) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const signals = new EventEmitter();
  const exits: number[] = [];
  let loads = 0;
  const deps: Partial<RunDeps> = {
    loadBroker: async () => {
      loads++;
      return broker.module;
    },
    stdout: { write: (s: string) => stdout.push(s) },
    stderr: { write: (s: string) => stderr.push(s) },
    signals: signals as unknown as RunDeps['signals'],
    exit: (code) => void exits.push(code),
    cwd: '/srv',
    clock: () => T0,
    version: '9.9.9',
    readFile: () => {
      throw new Error('no files in this test');
    },
  };
  const records = () => stderr.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { deps, stdout, stderr, signals, exits, records, loads: () => loads };
}

/** Lets pending promise callbacks run; bounded, no timers. */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  assert.ok(condition(), 'condition never became true');
}

test('start, listen, SIGTERM, stop: one log line per lifecycle event and exit 0', async () => {
  const broker = fakeBroker();
  const h = harness(broker);
  const done = run(['start', '--port', '0', '--storage', 'memory', '--set', 'num.partitions=3'], h.deps);
  await until(() => h.records().some((r) => r['msg'] === 'listening on 0.0.0.0:5555'));
  assert.equal(broker.stops, 0);
  h.signals.emit('SIGTERM', 'SIGTERM');
  assert.equal(await done, 0);

  const records = h.records();
  assert.deepEqual(records.map((r) => r['msg']), ['starting', 'listening on 0.0.0.0:5555', 'stopping', 'stopped']);
  assert.deepEqual(records[0], {
    ts: '2024-05-01T00:00:00.000Z',
    level: 'info',
    msg: 'starting',
    version: '9.9.9',
    nodeId: 0,
    storage: 'memory',
    dataDir: '/srv/data',
    host: '0.0.0.0',
    port: 0,
  });
  assert.equal(records[1]!['bootstrapServers'], 'localhost:5555');
  assert.equal(records[2]!['signal'], 'SIGTERM');
  assert.equal(broker.stops, 1);

  const options = broker.started[0]!;
  assert.equal(options.port, 0);
  assert.equal(options.host, '0.0.0.0');
  assert.equal(options.storage, 'memory');
  assert.equal(options.dataDir, '/srv/data');
  assert.equal(options.config.numPartitions, 3);
  assert.equal(typeof options.logger.info, 'function');
  assert.equal(h.signals.listenerCount('SIGTERM') + h.signals.listenerCount('SIGINT'), 0, 'signal handlers removed');
});

test('a signal that arrives during startup stops the broker once it is up', async () => {
  const broker = fakeBroker();
  const h = harness(broker);
  const done = run(['start'], h.deps);
  h.signals.emit('SIGINT', 'SIGINT');
  assert.equal(await done, 0);
  assert.equal(broker.stops, 1);
  assert.deepEqual(h.records().map((r) => r['msg']), ['starting', 'listening on 0.0.0.0:5555', 'stopping', 'stopped']);
});

test('a second signal while stopping forces exit with 128 + signal number', async () => {
  const broker = fakeBroker({ stop: () => new Promise(() => {}) });
  const h = harness(broker);
  void run(['start'], h.deps);
  await until(() => h.records().some((r) => r['msg'] === 'listening on 0.0.0.0:5555'));
  h.signals.emit('SIGTERM', 'SIGTERM');
  await until(() => broker.stops === 1);
  assert.deepEqual(h.exits, []);
  h.signals.emit('SIGINT', 'SIGINT');
  assert.deepEqual(h.exits, [130]);
  const last = h.records().at(-1)!;
  assert.equal(last['level'], 'warn');
  assert.match(String(last['msg']), /second SIGINT/);
});

test('port in use: one clear error line and exit 1', async () => {
  const inUse = Object.assign(new Error('listen EADDRINUSE: address already in use 0.0.0.0:9092'), {
    code: 'EADDRINUSE',
    syscall: 'listen',
  });
  const h = harness(fakeBroker({ startError: inUse }));
  assert.equal(await run(['start'], h.deps), 1);
  const errors = h.records().filter((r) => r['level'] === 'error');
  assert.equal(errors.length, 1);
  assert.equal(errors[0]!['msg'], 'startup failed: 0.0.0.0:9092 is already in use (EADDRINUSE); is another broker running?');
  assert.equal(errors[0]!['code'], 'EADDRINUSE');
  assert.equal(h.signals.listenerCount('SIGTERM'), 0);
});

test('other startup failures (data dir locked) keep their own message', async () => {
  const h = harness(fakeBroker({ startError: new Error('data directory /srv/data is locked by another process') }));
  assert.equal(await run(['start'], h.deps), 1);
  assert.equal(h.records().at(-1)!['msg'], 'startup failed: data directory /srv/data is locked by another process');
});

test('a failing stop exits 1', async () => {
  const broker = fakeBroker({ stop: async () => Promise.reject(new Error('flush failed')) });
  const h = harness(broker);
  const done = run(['start'], h.deps);
  h.signals.emit('SIGTERM', 'SIGTERM');
  assert.equal(await done, 1);
  assert.equal(h.records().at(-1)!['msg'], 'stop failed: flush failed');
});

test('bad config: exactly one `brook:` line, exit 2, broker never loaded', async () => {
  const h = harness(fakeBroker());
  assert.equal(await run(['start', '--set', 'num.partitions=abc'], h.deps), 2);
  assert.deepEqual(h.stderr, ['brook: Invalid value abc for configuration num.partitions: Not a number of type INT\n']);
  assert.equal(h.loads(), 0);
});

test('bad command line: `brook:` line without commander prefix, exit 2', async () => {
  const h = harness(fakeBroker());
  assert.equal(await run(['start', '--set', 'foo'], h.deps), 2);
  assert.equal(h.stderr.length, 1);
  assert.match(h.stderr[0]!, /^brook: option '--set <key=value>' argument 'foo' is invalid/);
  const h2 = harness(fakeBroker());
  assert.equal(await run(['launch'], h2.deps), 2);
  assert.match(h2.stderr.join(''), /^brook: unknown command 'launch'/);
});

test('unknown config names are logged as warnings before starting', async () => {
  const h = harness(fakeBroker());
  const done = run(['start', '--set', 'foo.bar=1', '--log-level', 'warn'], h.deps);
  h.signals.emit('SIGTERM', 'SIGTERM');
  assert.equal(await done, 0);
  assert.deepEqual(
    h.records().map((r) => [r['level'], r['msg']]),
    [['warn', "Unknown configuration 'foo.bar' ignored"]],
  );
});

test('pretty logs when asked', async () => {
  const h = harness(fakeBroker());
  const done = run(['start', '--log-format', 'pretty'], h.deps);
  h.signals.emit('SIGTERM', 'SIGTERM');
  assert.equal(await done, 0);
  assert.match(h.stderr[0]!, /^2024-05-01T00:00:00\.000Z INFO {2}starting version=9\.9\.9/);
});

test('--version and --help print to stdout and exit 0', async () => {
  const v = harness(fakeBroker());
  assert.equal(await run(['--version'], v.deps), 0);
  assert.deepEqual(v.stdout, ['9.9.9\n']);
  const help = harness(fakeBroker());
  assert.equal(await run(['--help'], help.deps), 0);
  assert.match(help.stdout.join(''), /Usage: brook/);
  assert.match(help.stdout.join(''), /start \[options\]/);
  const startHelp = harness(fakeBroker());
  assert.equal(await run(['start', '--help'], startHelp.deps), 0);
  assert.match(startHelp.stdout.join(''), /--set <key=value>/);
  assert.equal(startHelp.loads(), 0);
});

test('no command shows help on stderr and exits 1', async () => {
  const h = harness(fakeBroker());
  assert.equal(await run([], h.deps), 1);
  assert.match(h.stderr.join(''), /Usage: brook/);
});

test('describeStartupError explains listen failures and passes others through', () => {
  const err = (code: string) => Object.assign(new Error(code), { code, syscall: 'listen' });
  assert.match(describeStartupError(err('EADDRNOTAVAIL'), '10.9.9.9', 9092), /10\.9\.9\.9 is not an address of this machine/);
  assert.match(describeStartupError(err('EACCES'), '0.0.0.0', 80), /no permission to listen on 0\.0\.0\.0:80/);
  assert.equal(describeStartupError(new Error('disk full'), 'h', 1), 'disk full');
});
