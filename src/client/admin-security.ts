/**
 * The Admin calls for ACLs, SCRAM credentials and client quotas (kafka-acls.sh,
 * kafka-configs.sh --entity-type users|clients): each takes a connection to any broker and
 * throws a KafkaError for the first per-item error. SCRAM passwords are salted here, so the
 * broker only ever receives the salted password (as Kafka's admin client does).
 */
import { randomBytes } from 'node:crypto';
import { Api } from './apis.js';
import type { Connection } from './connection.js';
import { throwIfError } from './errors.js';
import type { AclBinding, AclFilter } from '../security/acl.js';
import { saltPassword, SCRAM_CODE_BY_MECHANISM, SCRAM_MECHANISM_BY_CODE, type ScramMechanism } from '../security/scram.js';

export type { AclBinding, AclFilter } from '../security/acl.js';
export type { ScramMechanism } from '../security/scram.js';

export async function createAcls(conn: Connection, acls: AclBinding[]): Promise<void> {
  const res = await conn.send(Api.createAcls, {
    creations: acls.map((a) => ({ ...a, resourcePatternType: a.patternType })),
  });
  res.results.forEach((r, i) => throwIfError(r.errorCode, `create ACL ${describeAcl(acls[i]!)}`, r.errorMessage));
}

export async function describeAcls(conn: Connection, filter: AclFilter): Promise<AclBinding[]> {
  const res = await conn.send(Api.describeAcls, {
    resourceTypeFilter: filter.resourceType,
    resourceNameFilter: filter.resourceName,
    patternTypeFilter: filter.patternType,
    principalFilter: filter.principal,
    hostFilter: filter.host,
    operation: filter.operation,
    permissionType: filter.permissionType,
  });
  throwIfError(res.errorCode, 'describe ACLs', res.errorMessage);
  return res.resources.flatMap((r) =>
    r.acls.map((a) => ({ resourceType: r.resourceType, resourceName: r.resourceName, patternType: r.patternType ?? 3, ...a })),
  );
}

/** Deletes what each filter matches; returns the deleted bindings per filter. */
export async function deleteAcls(conn: Connection, filters: AclFilter[]): Promise<AclBinding[][]> {
  const res = await conn.send(Api.deleteAcls, {
    filters: filters.map((f) => ({
      resourceTypeFilter: f.resourceType,
      resourceNameFilter: f.resourceName,
      patternTypeFilter: f.patternType,
      principalFilter: f.principal,
      hostFilter: f.host,
      operation: f.operation,
      permissionType: f.permissionType,
    })),
  });
  return res.filterResults.map((r) => {
    throwIfError(r.errorCode, 'delete ACLs', r.errorMessage);
    return r.matchingAcls.map((a) => ({
      resourceType: a.resourceType,
      resourceName: a.resourceName,
      patternType: a.patternType ?? 3,
      principal: a.principal,
      host: a.host,
      operation: a.operation,
      permissionType: a.permissionType,
    }));
  });
}

export interface ScramCredentialInfo {
  user: string;
  mechanisms: Array<{ mechanism: ScramMechanism | 'UNKNOWN'; iterations: number }>;
}

/** Every user's SCRAM mechanisms (never the credentials), or only the named users'. */
export async function describeUserScramCredentials(conn: Connection, users?: string[]): Promise<ScramCredentialInfo[]> {
  const res = await conn.send(Api.describeUserScramCredentials, { users: users && users.length > 0 ? users.map((name) => ({ name })) : null });
  throwIfError(res.errorCode, 'describe SCRAM credentials', res.errorMessage);
  return res.results.map((r) => {
    throwIfError(r.errorCode, `describe SCRAM credentials of ${r.user}`, r.errorMessage);
    return {
      user: r.user,
      mechanisms: r.credentialInfos.map((c) => ({ mechanism: SCRAM_MECHANISM_BY_CODE.get(c.mechanism) ?? 'UNKNOWN', iterations: c.iterations })),
    };
  });
}

export interface ScramUpsertion {
  user: string;
  mechanism: ScramMechanism;
  password: string;
  /** Default 4096 (Kafka's minimum). */
  iterations?: number;
}

export async function alterUserScramCredentials(
  conn: Connection,
  changes: { upsertions?: ScramUpsertion[]; deletions?: Array<{ user: string; mechanism: ScramMechanism }> },
): Promise<void> {
  const upsertions = (changes.upsertions ?? []).map((u) => {
    const iterations = u.iterations ?? 4096;
    const salt = randomBytes(32);
    return { name: u.user, mechanism: SCRAM_CODE_BY_MECHANISM[u.mechanism], iterations, salt, saltedPassword: saltPassword(u.mechanism, u.password, salt, iterations) };
  });
  const deletions = (changes.deletions ?? []).map((d) => ({ name: d.user, mechanism: SCRAM_CODE_BY_MECHANISM[d.mechanism] }));
  const res = await conn.send(Api.alterUserScramCredentials, { deletions, upsertions });
  for (const r of res.results) throwIfError(r.errorCode, `alter SCRAM credentials of ${r.user}`, r.errorMessage);
}

/** A quota entity: `user` and/or `client-id`, or `ip` alone; a null name means the type's default. */
export type QuotaEntity = Partial<Record<'user' | 'client-id' | 'ip', string | null>>;

export interface QuotaFilterComponent {
  entityType: 'user' | 'client-id' | 'ip';
  /** A name, 'default' for the default entity, or 'any' for every name. */
  match: { name: string } | 'default' | 'any';
}

export async function describeClientQuotas(
  conn: Connection,
  components: QuotaFilterComponent[],
  strict = false,
): Promise<Array<{ entity: QuotaEntity; values: Record<string, number> }>> {
  const res = await conn.send(Api.describeClientQuotas, {
    components: components.map((c) => ({
      entityType: c.entityType,
      matchType: c.match === 'default' ? 1 : c.match === 'any' ? 2 : 0,
      match: typeof c.match === 'object' ? c.match.name : null,
    })),
    strict,
  });
  throwIfError(res.errorCode, 'describe client quotas', res.errorMessage);
  return (res.entries ?? []).map((e) => ({
    entity: Object.fromEntries(e.entity.map((c) => [c.entityType, c.entityName])) as QuotaEntity,
    values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
  }));
}

/** Sets (number) or removes (null) quota keys of each entity. */
export async function alterClientQuotas(conn: Connection, entries: Array<{ entity: QuotaEntity; quotas: Record<string, number | null> }>, validateOnly = false): Promise<void> {
  const res = await conn.send(Api.alterClientQuotas, {
    entries: entries.map((e) => ({
      entity: Object.entries(e.entity).map(([entityType, entityName]) => ({ entityType, entityName: entityName ?? null })),
      ops: Object.entries(e.quotas).map(([key, value]) => ({ key, value: value ?? 0, remove: value === null })),
    })),
    validateOnly,
  });
  for (const r of res.entries) {
    const name = r.entity.map((c) => `${c.entityType}=${c.entityName ?? '<default>'}`).join(',');
    throwIfError(r.errorCode, `alter client quotas of ${name}`, r.errorMessage);
  }
}

function describeAcl(a: AclBinding): string {
  return `${a.principal} ${a.operation} on ${a.resourceType}:${a.resourceName}`;
}
