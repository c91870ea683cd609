/**
 * Security state in cluster mode lives in etcd (/brook/<cluster id>/acls, scram-credentials,
 * client-quotas): etcd plus two `brook start --etcd` processes with SASL and the ACL authorizer.
 * An ACL created through broker 1 is enforced by broker 2 within seconds, it survives restarting
 * both brokers (no ACL file in either data dir), and a deletion through broker 2 is enforced by
 * broker 1. A SCRAM user made through one broker logs in at the other; a quota likewise.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { removeDir, type ChildBroker } from '../helpers/broker.js';
import { newMembers, startMember, stopMember, type ClusterMember } from '../helpers/cluster-members.js';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.js';
import { ErrorCode } from '../../src/protocol/errors.js';
import { ACLS_FILE } from '../../src/security/acl-store.js';
import { CREDENTIALS_FILE } from '../../src/security/credential-store.js';
import { saslConnect, upsertion } from '../security/sasl-client.js';

const TOPIC = 'guarded';
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
// Kafka's codes: resource TOPIC, pattern LITERAL, operation DESCRIBE, permission ALLOW.
const ALICE_DESCRIBE = { resourceType: 2, resourceName: TOPIC, resourcePatternType: 3, principal: 'User:alice', host: '*', operation: 8, permissionType: 3 };

let etcd: TestEtcd | null = null;
let members: ClusterMember[] = [];

function start(member: ClusterMember): Promise<ChildBroker> {
  return startMember(member, etcd!.endpoint, [
    '--set', 'broker.session.timeout.ms=2000',
    '--set', `listeners=SASL_PLAINTEXT://127.0.0.1:${member.port}`,
    '--set', 'sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-512',
    '--set', 'sasl.plain.users=admin:admin-secret,alice:alice-secret',
    '--set', 'authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    '--set', 'super.users=User:admin',
  ]);
}

/** A request as `user` (PLAIN) to one broker. */
async function asUser<T>(port: number, user: string, apiKey: number, version: number, body: unknown): Promise<T> {
  const { client, result } = await saslConnect(port, 'PLAIN', user, `${user}-secret`);
  try {
    assert.equal(result.errorCode, ErrorCode.NONE, `${user} could not log in`);
    return await client.request<T>(apiKey, version, body);
  } finally {
    client.close();
  }
}

/** The error alice's Metadata for TOPIC gets from one broker. */
async function aliceMetadataError(port: number): Promise<number> {
  const md = await asUser<any>(port, 'alice', 3, 12, { topics: [{ topicId: ZERO_UUID, name: TOPIC }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false });
  return md.topics[0].errorCode;
}

async function eventually(what: string, probe: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  for (;;) {
    try {
      if (await probe()) return;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  if (etcdMissing) return;
  etcd = await startEtcd();
  members = await newMembers([1, 2], 'brook-acl-');
  await Promise.all(members.map(start));
});

after(async () => {
  await Promise.all(members.map((m) => stopMember(m, 'SIGTERM')));
  for (const m of members) removeDir(m.dataDir);
  await etcd?.stop();
});

test('ACLs made through one broker are enforced by the other, survive restarts, deletions likewise', { skip: etcdMissing, timeout: 60_000 }, async (t) => {
  const [one, two] = members as [ClusterMember, ClusterMember];
  const created = await asUser<any>(one.port, 'admin', 19, 7, {
    topics: [{ name: TOPIC, numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }],
    timeoutMs: 10_000,
    validateOnly: false,
  });
  assert.equal(created.topics[0].errorCode, ErrorCode.NONE, created.topics[0].errorMessage);
  // Without an ACL alice may not even see the topic, on either broker.
  await eventually('broker 2 knows the topic', async () => (await asUser<any>(two.port, 'admin', 3, 12, { topics: [{ topicId: ZERO_UUID, name: TOPIC }], allowAutoTopicCreation: false, includeTopicAuthorizedOperations: false })).topics[0].errorCode === ErrorCode.NONE);
  assert.equal(await aliceMetadataError(two.port), ErrorCode.TOPIC_AUTHORIZATION_FAILED);

  const createAcls = await asUser<any>(one.port, 'admin', 30, 3, { creations: [ALICE_DESCRIBE] });
  assert.equal(createAcls.results[0].errorCode, ErrorCode.NONE);
  let startedAt = Date.now();
  await eventually('broker 2 enforces the ACL made through broker 1', async () => (await aliceMetadataError(two.port)) === ErrorCode.NONE, 3000);
  const propagationMs = Date.now() - startedAt;
  assert.equal(await aliceMetadataError(one.port), ErrorCode.NONE);

  // Both brokers down, then up again: the ACL comes back from etcd, not from a data dir.
  await Promise.all(members.map((m) => stopMember(m, 'SIGTERM')));
  for (const m of members) assert.equal(existsSync(join(m.dataDir, ACLS_FILE)), false, `${ACLS_FILE} written in cluster mode`);
  await Promise.all(members.map(start));
  for (const m of members) {
    await eventually(`broker ${m.id} enforces the ACL after a restart`, async () => (await aliceMetadataError(m.port)) === ErrorCode.NONE, 10_000);
  }
  const described = await asUser<any>(one.port, 'admin', 29, 3, {
    resourceTypeFilter: 1, resourceNameFilter: null, patternTypeFilter: 1, principalFilter: null, hostFilter: null, operation: 1, permissionType: 1,
  });
  assert.equal(described.resources.length, 1);
  assert.equal(described.resources[0].resourceName, TOPIC);

  const deleted = await asUser<any>(two.port, 'admin', 31, 3, {
    filters: [{ resourceTypeFilter: 2, resourceNameFilter: TOPIC, patternTypeFilter: 3, principalFilter: 'User:alice', hostFilter: null, operation: 8, permissionType: 3 }],
  });
  assert.equal(deleted.filterResults[0].errorCode, ErrorCode.NONE);
  assert.equal(deleted.filterResults[0].matchingAcls.length, 1);
  startedAt = Date.now();
  await eventually('broker 1 enforces the deletion made through broker 2', async () => (await aliceMetadataError(one.port)) === ErrorCode.TOPIC_AUTHORIZATION_FAILED, 3000);
  t.diagnostic(`ACL propagation: create ${propagationMs} ms, delete ${Date.now() - startedAt} ms`);
});

test('SCRAM credentials and client quotas set through one broker apply on the other', { skip: etcdMissing, timeout: 30_000 }, async () => {
  const [one, two] = members as [ClusterMember, ClusterMember];
  const altered = await asUser<any>(two.port, 'admin', 51, 0, { deletions: [], upsertions: [upsertion('carol', 'SCRAM-SHA-512', 'carol-secret')] });
  assert.deepEqual(altered.results, [{ user: 'carol', errorCode: 0, errorMessage: null }]);
  await eventually('carol logs in at broker 1', async () => {
    const { client, result } = await saslConnect(one.port, 'SCRAM-SHA-512', 'carol', 'carol-secret');
    client.close();
    return result.errorCode === ErrorCode.NONE;
  }, 3000);
  for (const m of members) assert.equal(existsSync(join(m.dataDir, CREDENTIALS_FILE)), false, `${CREDENTIALS_FILE} written in cluster mode`);

  const quota = await asUser<any>(one.port, 'admin', 49, 1, {
    validateOnly: false,
    entries: [{ entity: [{ entityType: 'user', entityName: 'carol' }], ops: [{ key: 'producer_byte_rate', value: 1024, remove: false }] }],
  });
  assert.equal(quota.entries[0].errorCode, ErrorCode.NONE);
  await eventually('broker 2 describes the quota set through broker 1', async () => {
    const described = await asUser<any>(two.port, 'admin', 48, 1, { components: [{ entityType: 'user', matchType: 0, match: 'carol' }], strict: true });
    return described.entries.length === 1 && described.entries[0].values[0]?.value === 1024;
  }, 3000);
});
