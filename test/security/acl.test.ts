/**
 * ACL authorization end to end over SASL/SCRAM with kafkajs, kcat and a raw client: ACLs made
 * and listed with kafkajs' admin, a principal without READ gets TOPIC_AUTHORIZATION_FAILED and a
 * group it may not READ cannot commit, a prefixed ACL grants exactly its prefix, Metadata hides
 * what cannot be described, auto-creation needs CREATE, ACLs survive a restart.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs, { Kafka, logLevel, type Admin } from 'kafkajs';
import { kcat } from '../helpers/kcat.js';
import { removeDir, startTestBroker, type TestBroker } from '../helpers/broker.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { saslConnect, upsertion } from './sasl-client.js';

const CONFIG = {
  listeners: 'SASL_PLAINTEXT://127.0.0.1:0',
  'sasl.enabled.mechanisms': 'PLAIN,SCRAM-SHA-512',
  'sasl.plain.users': 'admin:admin-secret',
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
  'super.users': 'User:admin',
};

// kafkajs is CommonJS: its enums come from the default export (as values and as types).
const { AclOperationTypes: Op, AclPermissionTypes: Perm, AclResourceTypes: Res, ResourcePatternTypes: Pattern } = kafkajs;
type Op = kafkajs.AclOperationTypes;
type Res = kafkajs.AclResourceTypes;

let broker: TestBroker;
let admin: Admin;

function kafka(user: string, password: string, mechanism: 'plain' | 'scram-sha-512' = 'scram-sha-512'): Kafka {
  return new Kafka({
    clientId: `acl-${user}`,
    brokers: [broker.bootstrapServers],
    sasl: { mechanism, username: user, password } as never,
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
}

function allow(principal: string, resourceType: Res, resourceName: string, operation: Op, pattern = Pattern.LITERAL) {
  return { resourceType, resourceName, resourcePatternType: pattern, principal, host: '*', operation, permissionType: Perm.ALLOW };
}

before(async () => {
  broker = await startTestBroker({ config: CONFIG });
  const { client } = await saslConnect(broker.port, 'PLAIN', 'admin', 'admin-secret');
  await client.request(51, 0, { deletions: [], upsertions: ['alice', 'bob'].map((u) => upsertion(u, 'SCRAM-SHA-512', `${u}-secret`)) });
  client.close();
  admin = kafka('admin', 'admin-secret', 'plain').admin();
  await admin.connect();
  await admin.createTopics({ topics: ['secret', 'app-orders', 'app-payments', 'apple', 'other'].map((topic) => ({ topic, numPartitions: 1 })) });
  await admin.createAcls({
    acl: [
      allow('User:alice', Res.TOPIC, 'secret', Op.WRITE),
      allow('User:alice', Res.GROUP, 'alice-group', Op.READ),
      allow('User:bob', Res.TOPIC, 'app-', Op.READ, Pattern.PREFIXED),
      allow('User:bob', Res.TOPIC, 'app-', Op.WRITE, Pattern.PREFIXED),
      allow('User:bob', Res.GROUP, 'bob-', Op.READ, Pattern.PREFIXED),
    ],
  });
});

after(async () => {
  await admin?.disconnect();
  await broker?.stop();
  if (broker) removeDir(broker.dataDir);
});

/** Runs a kafkajs consumer of "secret" as alice until it crashes; resolves with the error. */
async function consumerCrash(groupId: string): Promise<string> {
  const consumer = kafka('alice', 'alice-secret').consumer({ groupId, retry: { retries: 0 } });
  const crashed = new Promise<string>((resolve) => consumer.on(consumer.events.CRASH, (e) => resolve(String(e.payload.error))));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: 'secret', fromBeginning: true });
    await consumer.run({ eachMessage: async () => assert.fail('alice read a message of "secret"') });
    return await crashed;
  } finally {
    await consumer.disconnect();
  }
}

async function protocolError(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    const e = err as { type?: string; originalError?: { type?: string }; message: string };
    return e.type ?? e.originalError?.type ?? e.message;
  }
  return 'no error';
}

test('a principal without READ on a topic gets TOPIC_AUTHORIZATION_FAILED and cannot commit on it', async () => {
  // alice may WRITE (so DESCRIBE) "secret" but not READ it.
  const producer = kafka('alice', 'alice-secret').producer();
  await producer.connect();
  await producer.send({ topic: 'secret', messages: [{ value: 'x' }] });
  await producer.disconnect();
  // A kafkajs consumer: its group may READ, the topic not: it crashes on the Fetch error.
  assert.match(await consumerCrash('alice-group'), /authoriz/i);
  // A group alice may not DESCRIBE: FindCoordinator is refused (kafkajs reports no coordinator).
  assert.match(await consumerCrash('other-group'), /authoriz|coordinator/i);
  const scram = ['-X', 'security.protocol=SASL_PLAINTEXT', '-X', 'sasl.mechanisms=SCRAM-SHA-512', '-X', 'sasl.username=alice', '-X', 'sasl.password=alice-secret'];
  const consumed = await kcat(['-b', broker.bootstrapServers, ...scram, '-C', '-t', 'secret', '-o', 'beginning', '-e', '-q']);
  assert.notEqual(consumed.code, 0);
  assert.match(consumed.stderr, /authoriz/i);
  assert.doesNotMatch(consumed.stdout, /x/);
  // The raw Fetch answer names the error.
  const { client } = await saslConnect(broker.port, 'SCRAM-SHA-512', 'alice', 'alice-secret');
  try {
    const fetched = await client.request(1, 11, {
      replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1,
      topics: [{ topic: 'secret', partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0, logStartOffset: -1, partitionMaxBytes: 1 << 20 }] }],
      forgottenTopicsData: [], rackId: '',
    });
    assert.equal(fetched.responses[0].partitions[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    const commit = (groupId: string) =>
      client.request(8, 8, { groupId, generationIdOrMemberEpoch: -1, memberId: '', groupInstanceId: null, topics: [{ name: 'secret', partitions: [{ partitionIndex: 0, committedOffset: 1, committedLeaderEpoch: -1, committedMetadata: null }] }] });
    assert.equal((await commit('alice-group')).topics[0].partitions[0].errorCode, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
    assert.equal((await commit('other-group')).topics[0].partitions[0].errorCode, ErrorCode.GROUP_AUTHORIZATION_FAILED);
  } finally {
    client.close();
  }
});

test('a prefixed ACL grants exactly its prefix; Metadata hides the rest; auto-creation needs CREATE', async () => {
  const producer = kafka('bob', 'bob-secret').producer({ allowAutoTopicCreation: true });
  await producer.connect();
  try {
    const [sent] = await producer.send({ topic: 'app-orders', messages: [{ value: 'o' }] });
    assert.equal(sent!.errorCode, 0);
    assert.match(await protocolError(producer.send({ topic: 'apple', messages: [{ value: 'no' }] })), /Topic authorization failed/);
  } finally {
    await producer.disconnect();
  }
  const { client } = await saslConnect(broker.port, 'SCRAM-SHA-512', 'bob', 'bob-secret');
  try {
    const all = await client.request(3, 9, { topics: null, allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
    assert.deepEqual(all.topics.map((t: { name: string }) => t.name).sort(), ['app-orders', 'app-payments']);
    const named = await client.request(3, 9, { topics: [{ name: 'other' }, { name: 'app-new' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    assert.deepEqual(named.topics.map((t: { errorCode: number }) => t.errorCode), [ErrorCode.TOPIC_AUTHORIZATION_FAILED, ErrorCode.TOPIC_AUTHORIZATION_FAILED]);
    assert.equal(broker.broker.topics.get('app-new'), undefined);
    await admin.createAcls({ acl: [allow('User:bob', Res.TOPIC, 'app-', Op.CREATE, Pattern.PREFIXED)] });
    const created = await client.request(3, 9, { topics: [{ name: 'app-new' }], allowAutoTopicCreation: true, includeTopicAuthorizedOperations: false });
    assert.equal(created.topics[0].errorCode, ErrorCode.NONE);
    // Not an admin: no ACL changes, no listing.
    const createAcls = await client.request(30, 1, { creations: [{ ...allow('User:bob', Res.TOPIC, '*', Op.ALL), resourcePatternType: 3 }] });
    assert.equal(createAcls.results[0].errorCode, ErrorCode.CLUSTER_AUTHORIZATION_FAILED);
  } finally {
    client.close();
  }
  // A consumer in a bob- group reads app-orders.
  const consumer = kafka('bob', 'bob-secret').consumer({ groupId: 'bob-readers' });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: 'app-orders', fromBeginning: true });
    const got = new Promise<string>((resolve) => void consumer.run({ eachMessage: async ({ message }) => resolve(String(message.value)) }));
    assert.equal(await got, 'o');
  } finally {
    await consumer.disconnect();
  }
});

test('DescribeAcls and DeleteAcls filters (kafkajs admin); ACLs survive a restart', async () => {
  const bobTopics = await admin.describeAcls({
    resourceType: Res.TOPIC, resourcePatternType: Pattern.ANY, principal: 'User:bob', host: '*', operation: Op.ANY, permissionType: Perm.ANY,
  } as never);
  assert.deepEqual(
    bobTopics.resources.map((r) => [r.resourceName, r.resourcePatternType, r.acls.map((a) => a.operation).sort()]),
    [['app-', Pattern.PREFIXED, [Op.READ, Op.WRITE, Op.CREATE]]],
  );
  const matching = await admin.describeAcls({
    resourceType: Res.TOPIC, resourceName: 'app-orders', resourcePatternType: Pattern.MATCH, operation: Op.ANY, permissionType: Perm.ANY,
  } as never);
  assert.equal(matching.resources.length, 1);
  const literalOnly = await admin.describeAcls({
    resourceType: Res.TOPIC, resourceName: 'app-', resourcePatternType: Pattern.LITERAL, operation: Op.ANY, permissionType: Perm.ANY,
  } as never);
  assert.equal(literalOnly.resources.length, 0);

  const deleted = await admin.deleteAcls({
    filters: [{ resourceType: Res.TOPIC, resourceName: 'app-', resourcePatternType: Pattern.PREFIXED, principal: 'User:bob', operation: Op.CREATE, permissionType: Perm.ALLOW } as never],
  });
  assert.equal(deleted.filterResponses[0]!.matchingAcls.length, 1);
  assert.equal(deleted.filterResponses[0]!.matchingAcls[0]!.operation, Op.CREATE);

  await admin.disconnect();
  const dataDir = broker.dataDir;
  await broker.stop();
  broker = await startTestBroker({ dataDir, config: CONFIG });
  admin = kafka('admin', 'admin-secret', 'plain').admin();
  await admin.connect();
  const all = await admin.describeAcls({ resourceType: Res.ANY, resourcePatternType: Pattern.ANY, operation: Op.ANY, permissionType: Perm.ANY } as never);
  assert.equal(all.resources.reduce((n, r) => n + r.acls.length, 0), 5);
});

test('transactions need WRITE on the transactional id; idempotent producers WRITE on a topic', async () => {
  await admin.createAcls({ acl: [allow('User:bob', Res.TRANSACTIONAL_ID, 'bob-tx', Op.WRITE)] });
  const bob = kafka('bob', 'bob-secret');
  const producer = bob.producer({ transactionalId: 'bob-tx', idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });
  await producer.connect();
  const txn = await producer.transaction();
  await txn.send({ topic: 'app-orders', messages: [{ value: 'in-txn' }] });
  await txn.sendOffsets({ consumerGroupId: 'bob-readers', topics: [{ topic: 'app-orders', partitions: [{ partition: 0, offset: '1' }] }] });
  await txn.commit();
  await producer.disconnect();
  const denied = bob.producer({ transactionalId: 'other-tx', idempotent: true, maxInFlightRequests: 1, retry: { retries: 1 } });
  const begin = async () => {
    await denied.connect();
    await denied.transaction();
  };
  // kafkajs reports its FindCoordinator refusal as "no coordinator"; the broker's answers say why.
  assert.match(await protocolError(begin()), /ransactional|coordinator/i);
  const { client } = await saslConnect(broker.port, 'SCRAM-SHA-512', 'bob', 'bob-secret');
  try {
    const init = await client.request(22, 4, { transactionalId: 'other-tx', transactionTimeoutMs: 60000, producerId: -1, producerEpoch: -1 });
    assert.equal(init.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
    const find = await client.request(10, 3, { key: 'other-tx', keyType: 1 });
    assert.equal(find.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  } finally {
    client.close();
  }
  await denied.disconnect();
  // alice may WRITE "secret": enough for an idempotent producer (KIP-679).
  const idempotent = kafka('alice', 'alice-secret').producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3 } });
  await idempotent.connect();
  const [sent] = await idempotent.send({ topic: 'secret', messages: [{ value: 'once' }] });
  assert.equal(sent!.errorCode, 0);
  await idempotent.disconnect();
});

test('authorized operations (KIP-430) in Metadata, DescribeGroups and DescribeCluster', async () => {
  const bits = (...ops: number[]) => ops.reduce((b, op) => b | (1 << op), 0);
  const { client } = await saslConnect(broker.port, 'SCRAM-SHA-512', 'bob', 'bob-secret');
  try {
    const metadata = await client.request(3, 9, { topics: [{ name: 'app-orders' }], allowAutoTopicCreation: false, includeClusterAuthorizedOperations: true, includeTopicAuthorizedOperations: true });
    // bob: READ and WRITE on app- (so DESCRIBE too), nothing on the cluster.
    assert.equal(metadata.topics[0].topicAuthorizedOperations, bits(Op.READ, Op.WRITE, Op.DESCRIBE));
    assert.equal(metadata.clusterAuthorizedOperations, 0);
    const groups = await client.request(15, 5, { groups: ['bob-readers'], includeAuthorizedOperations: true });
    assert.equal(groups.groups[0].authorizedOperations, bits(Op.READ, Op.DESCRIBE));
  } finally {
    client.close();
  }
  const { client: adminClient } = await saslConnect(broker.port, 'PLAIN', 'admin', 'admin-secret');
  try {
    const cluster = await adminClient.request(60, 0, { includeClusterAuthorizedOperations: true });
    assert.equal(cluster.clusterAuthorizedOperations, bits(5, 7, 8, 9, 10, 11, 12));
  } finally {
    adminClient.close();
  }
});

test('with no authorizer the ACL APIs answer SECURITY_DISABLED', async () => {
  const plain = await startTestBroker({ storage: 'memory' });
  try {
    const { RawClient } = await import('../helpers/raw-client.js');
    const client = await RawClient.connect(plain.port);
    const described = await client.request(29, 1, { resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1 });
    assert.equal(described.errorCode, ErrorCode.SECURITY_DISABLED);
    client.close();
  } finally {
    await plain.stop();
    removeDir(plain.dataDir);
  }
});
