/** The authorizer's decisions (Kafka's rules) and the ACL store's filters and file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AclOperation as Op, AclPermission, PatternType, ResourceType, bindingProblem, filterProblem, type AclBinding } from '../../src/security/acl.js';
import { AclStore, ACLS_FILE } from '../../src/security/acl-store.js';
import { Authorizer, hostOf } from '../../src/security/authorizer.js';
import { removeDir, tempDir } from '../helpers/broker.js';

const ADDR = '10.0.0.5:40000';

function acl(partial: Partial<AclBinding>): AclBinding {
  return {
    resourceType: ResourceType.TOPIC,
    resourceName: 'orders',
    patternType: PatternType.LITERAL,
    principal: 'User:alice',
    host: '*',
    operation: Op.READ,
    permissionType: AclPermission.ALLOW,
    ...partial,
  };
}

async function authorizerWith(acls: AclBinding[], opts: { superUsers?: string[]; allowEveryone?: boolean } = {}) {
  const store = new AclStore(null);
  await store.add(acls);
  return new Authorizer(store, { superUsers: new Set(opts.superUsers ?? []), allowEveryoneIfNoAclFound: opts.allowEveryone ?? false });
}

test('an ALLOW grants its operation only; DESCRIBE is implied by READ, DESCRIBE_CONFIGS by ALTER_CONFIGS', async () => {
  const a = await authorizerWith([acl({}), acl({ operation: Op.ALTER_CONFIGS })]);
  assert.equal(a.authorize('User:alice', ADDR, Op.READ, ResourceType.TOPIC, 'orders'), true);
  assert.equal(a.authorize('User:alice', ADDR, Op.DESCRIBE, ResourceType.TOPIC, 'orders'), true);
  assert.equal(a.authorize('User:alice', ADDR, Op.DESCRIBE_CONFIGS, ResourceType.TOPIC, 'orders'), true);
  assert.equal(a.authorize('User:alice', ADDR, Op.WRITE, ResourceType.TOPIC, 'orders'), false);
  assert.equal(a.authorize('User:bob', ADDR, Op.READ, ResourceType.TOPIC, 'orders'), false);
  assert.equal(a.authorize('User:alice', ADDR, Op.READ, ResourceType.GROUP, 'orders'), false);
});

test('DENY wins over ALLOW, also through ALL and wildcard principals; a DENY READ does not deny DESCRIBE', async () => {
  const a = await authorizerWith([
    acl({ operation: Op.ALL }),
    acl({ operation: Op.WRITE, permissionType: AclPermission.DENY, principal: 'User:*' }),
    acl({ resourceName: 'pay', operation: Op.ALL, permissionType: AclPermission.DENY }),
    acl({ resourceName: 'pay', operation: Op.READ }),
    acl({ resourceName: 'logs', operation: Op.READ, permissionType: AclPermission.DENY }),
    acl({ resourceName: 'logs', operation: Op.WRITE }),
  ]);
  assert.equal(a.authorize('User:alice', ADDR, Op.READ, ResourceType.TOPIC, 'orders'), true);
  assert.equal(a.authorize('User:alice', ADDR, Op.WRITE, ResourceType.TOPIC, 'orders'), false);
  assert.equal(a.authorize('User:alice', ADDR, Op.READ, ResourceType.TOPIC, 'pay'), false);
  assert.equal(a.authorize('User:alice', ADDR, Op.READ, ResourceType.TOPIC, 'logs'), false);
  assert.equal(a.authorize('User:alice', ADDR, Op.DESCRIBE, ResourceType.TOPIC, 'logs'), true);
});

test('prefixed ACLs cover exactly their prefix; literal * covers every name', async () => {
  const a = await authorizerWith([
    acl({ resourceName: 'app-', patternType: PatternType.PREFIXED }),
    acl({ resourceType: ResourceType.GROUP, resourceName: '*', principal: 'User:bob' }),
  ]);
  for (const name of ['app-', 'app-orders', 'app-x.y']) assert.equal(a.authorize('User:alice', ADDR, Op.READ, ResourceType.TOPIC, name), true, name);
  for (const name of ['app', 'apple', 'ap', 'xapp-1']) assert.equal(a.authorize('User:alice', ADDR, Op.READ, ResourceType.TOPIC, name), false, name);
  assert.equal(a.authorize('User:bob', ADDR, Op.READ, ResourceType.GROUP, 'anything'), true);
  assert.equal(a.authorize('User:alice', ADDR, Op.READ, ResourceType.GROUP, 'anything'), false);
});

test('hosts, super users and allow.everyone.if.no.acl.found', async () => {
  const a = await authorizerWith([acl({ host: '10.0.0.5' })], { superUsers: ['User:admin'], allowEveryone: true });
  assert.equal(a.authorize('User:alice', ADDR, Op.READ, ResourceType.TOPIC, 'orders'), true);
  assert.equal(a.authorize('User:alice', '10.0.0.6:1', Op.READ, ResourceType.TOPIC, 'orders'), false);
  assert.equal(a.authorize('User:alice', '::ffff:10.0.0.5:1', Op.READ, ResourceType.TOPIC, 'orders'), true);
  // No ACL on the resource at all: allowed everyone; some ACL (for someone else) on it: not.
  assert.equal(a.authorize('User:carol', ADDR, Op.WRITE, ResourceType.TOPIC, 'free'), true);
  assert.equal(a.authorize('User:carol', ADDR, Op.READ, ResourceType.TOPIC, 'orders'), false);
  assert.equal(a.authorize('User:admin', ADDR, Op.ALTER, ResourceType.CLUSTER, 'kafka-cluster'), true);
  const strict = await authorizerWith([]);
  assert.equal(strict.authorize('User:carol', ADDR, Op.WRITE, ResourceType.TOPIC, 'free'), false);
  assert.equal(hostOf('[::1]:9'), '[::1]');
  assert.equal(hostOf('127.0.0.1:9'), '127.0.0.1');
});

test('authorizeAny: WRITE on some topic (idempotent producers), unless a DENY on * applies', async () => {
  const a = await authorizerWith([acl({ operation: Op.WRITE, resourceName: 'x-', patternType: PatternType.PREFIXED })]);
  assert.equal(a.authorizeAny('User:alice', ADDR, Op.WRITE, ResourceType.TOPIC), true);
  assert.equal(a.authorizeAny('User:bob', ADDR, Op.WRITE, ResourceType.TOPIC), false);
  const denied = await authorizerWith([acl({ operation: Op.WRITE }), acl({ operation: Op.ALL, resourceName: '*', permissionType: AclPermission.DENY })]);
  assert.equal(denied.authorizeAny('User:alice', ADDR, Op.WRITE, ResourceType.TOPIC), false);
});

test('bindings are validated as Kafka does', () => {
  assert.equal(bindingProblem(acl({})), null);
  assert.match(bindingProblem(acl({ resourceType: ResourceType.ANY }))!.message, /resource type/);
  assert.match(bindingProblem(acl({ patternType: PatternType.MATCH }))!.message, /pattern type/);
  assert.match(bindingProblem(acl({ operation: Op.ANY }))!.message, /operation/);
  assert.match(bindingProblem(acl({ principal: 'alice' }))!.message, /principal/);
  assert.match(bindingProblem(acl({ resourceType: ResourceType.CLUSTER, resourceName: 'c' }))!.message, /kafka-cluster/);
  assert.match(bindingProblem(acl({ operation: 99 }))!.message, /operation/);
  assert.match(bindingProblem(acl({ resourceType: -1 }))!.message, /resource type/);
  const any = { resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY, principal: null, host: null, operation: Op.ANY, permissionType: AclPermission.ANY };
  assert.equal(filterProblem(any), null);
  assert.match(filterProblem({ ...any, resourceType: ResourceType.UNKNOWN })!, /resource type/);
  assert.match(filterProblem({ ...any, patternType: 42 })!, /pattern type/);
  assert.match(filterProblem({ ...any, operation: Op.UNKNOWN })!, /operation/);
  assert.match(filterProblem({ ...any, permissionType: 7 })!, /permission/);
});

test('the store filters like DescribeAcls (MATCH, ANY, LITERAL) and keeps ACLs in its file', async () => {
  const dir = tempDir();
  try {
    const store = new AclStore(dir);
    await store.add([
      acl({}),
      acl({ resourceName: '*' }),
      acl({ resourceName: 'ord', patternType: PatternType.PREFIXED, principal: 'User:bob' }),
      acl({ resourceType: ResourceType.GROUP, resourceName: 'g' }),
    ]);
    await store.add([acl({})]); // a duplicate is not added twice
    assert.equal(store.size, 4);
    const filter = { resourceType: ResourceType.TOPIC, resourceName: 'orders', patternType: PatternType.MATCH, principal: null, host: null, operation: Op.ANY, permissionType: AclPermission.ANY };
    assert.equal(store.list(filter).length, 3);
    assert.equal(store.list({ ...filter, patternType: PatternType.LITERAL }).length, 1);
    assert.equal(store.list({ ...filter, patternType: PatternType.ANY, resourceName: null }).length, 3);
    assert.equal(store.list({ ...filter, patternType: PatternType.ANY, resourceName: null, principal: 'User:bob' }).length, 1);
    assert.equal(store.list({ ...filter, resourceType: ResourceType.ANY, resourceName: null, patternType: PatternType.ANY }).length, 4);
    const [removed] = await store.remove([{ ...filter, patternType: PatternType.PREFIXED, resourceName: 'ord' }]);
    assert.equal(removed!.length, 1);
    const file = JSON.parse(readFileSync(join(dir, ACLS_FILE), 'utf8'));
    assert.equal(file.version, 1);
    assert.deepEqual(file.acls[0], { resourceType: 'TOPIC', resourceName: 'orders', patternType: 'LITERAL', principal: 'User:alice', host: '*', operation: 'READ', permissionType: 'ALLOW' });
    const reloaded = new AclStore(dir);
    await reloaded.load();
    assert.equal(reloaded.size, 3);
  } finally {
    removeDir(dir);
  }
});
