/**
 * ACL stores of two "brokers" (two etcd clients) sharing one EtcdDocument key against a real etcd:
 * concurrent CreateAcls-like adds on both all land (compare-and-swap retried on the newer value),
 * both stores end with the full set through their watches, and a removal on one reaches the other.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Etcd3 } from 'etcd3';
import { EtcdDocument } from '../../src/cluster/etcd-document.js';
import { createLogger } from '../../src/log/logger.js';
import { AclOperation, AclPermission, PatternType, ResourceType, type AclBinding, type AclFilter } from '../../src/security/acl.js';
import { AclStore } from '../../src/security/acl-store.js';
import { etcdMissing, startEtcd, type TestEtcd } from '../helpers/etcd.js';

const KEY = '/brook/test-cluster/acls';
let etcd: TestEtcd | null = null;
const clients: Etcd3[] = [];

before(async () => {
  if (!etcdMissing) etcd = await startEtcd();
});

after(async () => {
  for (const c of clients) c.close();
  await etcd?.stop();
});

function readOn(topic: string): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: topic,
    patternType: PatternType.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: AclOperation.READ,
    permissionType: AclPermission.ALLOW,
  };
}

async function until(what: string, done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('concurrent adds through two stores all land; both stores follow every change', { skip: etcdMissing, timeout: 20_000 }, async () => {
  const logger = createLogger({ level: 'silent' });
  const stores = [0, 1].map(() => {
    const client = new Etcd3({ hosts: etcd!.endpoint });
    clients.push(client);
    return new AclStore(new EtcdDocument(client, KEY, logger));
  });
  for (const store of stores) await store.load();
  const topics = Array.from({ length: 20 }, (_, i) => `topic-${i}`);
  await Promise.all(topics.map((t, i) => stores[i % 2]!.add([readOn(t)])));
  await until('both stores hold all 20 ACLs', () => stores.every((s) => s.size === topics.length));
  const all: AclFilter = { resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: AclOperation.ANY, permissionType: AclPermission.ANY };
  assert.deepEqual(stores[1]!.list(all).map((a) => a.resourceName).sort(), [...topics].sort());

  const removed = await stores[0]!.remove([{ ...all, resourceName: 'topic-3', patternType: PatternType.LITERAL }]);
  assert.equal(removed[0]!.length, 1);
  await until('the other store drops the removed ACL', () => stores[1]!.size === topics.length - 1);
  const out: AclBinding[] = [];
  stores[1]!.matching(ResourceType.TOPIC, 'topic-3', out);
  assert.deepEqual(out, []);
  await Promise.all(stores.map((s) => s.close()));
});
