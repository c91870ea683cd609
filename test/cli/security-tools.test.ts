/** `brook acls|users|quotas` through runTool against an in-process broker with the authorizer on. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { runTool } from '../../src/cli/tools/index.js';
import type { ToolIO } from '../../src/cli/tools/common.js';
import { removeDir, startTestBroker, type TestBroker } from '../helpers/broker.js';

let broker: TestBroker;

before(async () => {
  // PLAINTEXT clients are User:ANONYMOUS, made a super user here so the tools may manage ACLs.
  broker = await startTestBroker({
    storage: 'memory',
    config: { 'authorizer.class.name': 'brook', 'super.users': 'User:ANONYMOUS' },
  });
});

after(async () => {
  await broker.stop();
  removeDir(broker.dataDir);
});

async function brook(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: ToolIO = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    stdin: new PassThrough(),
    onSignal: () => () => undefined,
    clock: Date.now,
  };
  const code = await runTool([...args, '--bootstrap-server', broker.bootstrapServers], io);
  return { code, stdout, stderr };
}

test('brook acls add, list and remove', async () => {
  let r = await brook('acls', 'add', '--allow-principal', 'User:alice', '--operation', 'Read', '--operation', 'describe', '--topic', 'app-', '--resource-pattern-type', 'prefixed');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Added 2 ACLs:\n/);
  r = await brook('acls', 'add', '--deny-principal', 'User:bob', '--operation', 'Write', '--group', 'g1');
  assert.equal(r.code, 0, r.stderr);
  r = await brook('acls', 'list', '--output', 'json');
  assert.equal(r.code, 0, r.stderr);
  const all = JSON.parse(r.stdout) as Record<string, string>[];
  assert.equal(all.length, 3);
  assert.deepEqual(all.find((a) => a.principal === 'User:bob'), {
    'resource-type': 'GROUP', name: 'g1', pattern: 'LITERAL', principal: 'User:bob', host: '*', operation: 'WRITE', permission: 'DENY',
  });
  r = await brook('acls', 'list', '--topic', 'app-orders', '--resource-pattern-type', 'match');
  assert.equal(r.stdout.trim().split('\n').length, 3, r.stdout); // header + READ + DESCRIBE
  assert.match(r.stdout, /^RESOURCE-TYPE/);
  r = await brook('acls', 'list', '--principal', 'User:bob');
  assert.equal(r.stdout.trim().split('\n').length, 2);
  r = await brook('acls', 'remove', '--allow-principal', 'User:alice', '--operation', 'Read', '--topic', 'app-', '--resource-pattern-type', 'prefixed');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Removed 1 ACL:/);
  r = await brook('acls', 'remove');
  assert.equal(r.code, 2);
  assert.equal(broker.broker.security.acls.size, 2);
  r = await brook('acls', 'add', '--allow-principal', 'User:alice', '--operation', 'Fly', '--topic', 't');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown operation Fly/);
});

test('brook users scram set, list and delete', async () => {
  let r = await brook('users', 'scram', 'set', '--user', 'alice', '--mechanism', 'SCRAM-SHA-256', '--mechanism', 'SCRAM-SHA-512', '--password', 'pw', '--iterations', '8192');
  assert.equal(r.code, 0, r.stderr);
  r = await brook('users', 'scram', 'list', '--output', 'json');
  const listed = JSON.parse(r.stdout);
  assert.deepEqual(listed, [{ user: 'alice', mechanisms: [{ mechanism: 'SCRAM-SHA-256', iterations: 8192 }, { mechanism: 'SCRAM-SHA-512', iterations: 8192 }] }]);
  r = await brook('users', 'scram', 'delete', '--user', 'alice', '--mechanism', 'SCRAM-SHA-256');
  assert.equal(r.code, 0, r.stderr);
  r = await brook('users', 'scram', 'list');
  assert.match(r.stdout, /alice\s+SCRAM-SHA-512\s+8192/);
  assert.doesNotMatch(r.stdout, /SCRAM-SHA-256/);
  r = await brook('users', 'scram', 'delete', '--user', 'alice');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(broker.broker.security.credentials.list().size, 0);
  r = await brook('users', 'scram', 'set', '--user', 'weak', '--password', 'pw', '--iterations', '10');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /UNACCEPTABLE_CREDENTIAL/);
});

test('brook quotas set and describe', async () => {
  let r = await brook('quotas', 'set', '--user', 'alice', '--add', 'producer_byte_rate=1024,consumer_byte_rate=2048');
  assert.equal(r.code, 0, r.stderr);
  r = await brook('quotas', 'set', '--client-default', '--add', 'producer_byte_rate=512');
  assert.equal(r.code, 0, r.stderr);
  r = await brook('quotas', 'describe', '--user', 'alice');
  assert.match(r.stdout, /user=alice\s+producer_byte_rate\s+1024/);
  assert.match(r.stdout, /user=alice\s+consumer_byte_rate\s+2048/);
  r = await brook('quotas', 'set', '--user', 'alice', '--delete', 'consumer_byte_rate');
  assert.equal(r.code, 0, r.stderr);
  r = await brook('quotas', 'describe', '--output', 'json');
  assert.deepEqual(JSON.parse(r.stdout), [
    { entity: { user: 'alice' }, values: { producer_byte_rate: 1024 } },
    { entity: { 'client-id': null }, values: { producer_byte_rate: 512 } },
  ]);
  r = await brook('quotas', 'set', '--user', 'alice', '--add', 'bogus_rate=1');
  assert.equal(r.code, 1);
  assert.match(r.stderr, /INVALID_REQUEST/);
  r = await brook('quotas', 'set', '--ip', '10.1.2.3', '--add', 'connection_creation_rate=5');
  assert.equal(r.code, 0, r.stderr);
  r = await brook('quotas', 'describe', '--ip', '10.1.2.3');
  assert.match(r.stdout, /ip=10\.1\.2\.3\s+connection_creation_rate\s+5/);
  r = await brook('quotas', 'set', '--ip-default', '--add', 'producer_byte_rate=5');
  assert.equal(r.code, 1);
});

test('--command-config: the tools over SASL_SSL with PLAIN and SCRAM, as Kafka\'s tools', async () => {
  const { makeTestCerts } = await import('../security/certs.js');
  const { tempDir } = await import('../helpers/broker.js');
  const { writeFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const dir = tempDir('brook-cli-certs-');
  const certs = makeTestCerts(dir);
  const secured = await startTestBroker({
    storage: 'memory',
    config: {
      listeners: 'SASL_SSL://127.0.0.1:0',
      'ssl.keystore.location': certs.serverKeystorePem,
      'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
      'sasl.plain.users': 'admin:admin-secret',
      'authorizer.class.name': 'brook',
      'super.users': 'User:admin',
    },
  });
  const configFile = (name: string, mechanism: string, user: string, password: string) => {
    const path = join(dir, name);
    writeFileSync(
      path,
      [
        'security.protocol=SASL_SSL',
        `sasl.mechanism=${mechanism}`,
        `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${user}" password="${password}";`,
        `ssl.truststore.location=${certs.caPem}`,
      ].join('\n'),
    );
    return path;
  };
  const run = async (...args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io: ToolIO = { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) }, stdin: new PassThrough(), onSignal: () => () => undefined, clock: Date.now };
    const code = await runTool([...args, '--bootstrap-server', secured.bootstrapServers, '--timeout', '5000'], io);
    return { code, stdout, stderr };
  };
  try {
    const admin = configFile('admin.properties', 'PLAIN', 'admin', 'admin-secret');
    let r = await run('users', 'scram', 'set', '--user', 'alice', '--password', 'alice-secret', '--command-config', admin);
    assert.equal(r.code, 0, r.stderr);
    r = await run('acls', 'add', '--allow-principal', 'User:alice', '--operation', 'Describe', '--topic', '*', '--command-config', admin);
    assert.equal(r.code, 0, r.stderr);
    r = await run('topics', 'create', '--topic', 'secured', '--command-config', admin);
    assert.equal(r.code, 0, r.stderr);
    r = await run('topics', 'list', '--command-config', configFile('alice.properties', 'SCRAM-SHA-512', 'alice', 'alice-secret'));
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'secured\n');
    r = await run('acls', 'list', '--command-config', configFile('alice.properties', 'SCRAM-SHA-512', 'alice', 'alice-secret'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /CLUSTER_AUTHORIZATION_FAILED/);
    r = await run('topics', 'list', '--command-config', configFile('wrong.properties', 'SCRAM-SHA-512', 'alice', 'wrong'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /SASL_AUTHENTICATION_FAILED|SASL authentication/);
  } finally {
    await secured.stop();
    removeDir(secured.dataDir);
    removeDir(dir);
  }
});
