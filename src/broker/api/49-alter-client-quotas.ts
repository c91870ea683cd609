/**
 * AlterClientQuotas v0-v1: sets or removes quota keys of user / client-id entities, or the
 * connection_creation_rate of an ip entity (alone, as Kafka); a null name is the type's default, answered once durable (src/security/quota-store.ts). Each entry is
 * checked on its own (INVALID_REQUEST for unknown entity types or keys, non-positive rates).
 * Needs ALTER_CONFIGS on the cluster.
 */
import type { AlterClientQuotasRequest, AlterClientQuotasResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { isIP } from 'node:net';
import { CONNECTION_CREATION_RATE, ENTITY_TYPES, IP, QUOTA_KEYS, type QuotaEntity } from '../../security/quota-store.js';
import { allowedOnCluster, Op } from '../../security/authorize.js';
import type { ApiHandler, RequestContext } from '../handler.js';

type Entry = AlterClientQuotasRequest['entries'][number];

export const handler: ApiHandler = {
  apiKey: 49,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx: RequestContext, request: AlterClientQuotasRequest): Promise<AlterClientQuotasResponse> {
    const result = (e: Entry, errorCode: number, errorMessage: string | null) => ({ errorCode, errorMessage, entity: e.entity });
    if (!allowedOnCluster(ctx, Op.ALTER_CONFIGS)) {
      return { throttleTimeMs: 0, entries: request.entries.map((e) => result(e, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null)) };
    }
    const problems = request.entries.map(entryProblem);
    const changes = request.entries
      .filter((_, i) => problems[i] === null)
      .map((e) => ({
        entity: new Map(e.entity.map((c) => [c.entityType, c.entityName])) as QuotaEntity,
        set: new Map(e.ops.map((op) => [op.key, op.remove ? null : op.value])),
      }));
    if (!request.validateOnly && changes.length > 0) await ctx.broker.security.quotas.store.apply(changes);
    return {
      throttleTimeMs: 0,
      entries: request.entries.map((e, i) => (problems[i] ? result(e, ErrorCode.INVALID_REQUEST, problems[i]) : result(e, ErrorCode.NONE, null))),
    };
  },
};

function entryProblem(e: Entry): string | null {
  if (e.entity.length === 0) return 'Invalid empty client quota entity';
  const types = new Set<string>();
  for (const c of e.entity) {
    if (!(ENTITY_TYPES as readonly string[]).includes(c.entityType)) return `Unsupported quota entity type ${c.entityType}`;
    if (types.has(c.entityType)) return `Duplicate quota entity type ${c.entityType}`;
    if (c.entityName === '') return `Invalid empty ${c.entityType} name`;
    types.add(c.entityType);
  }
  const ip = types.has(IP);
  if (ip && types.size > 1) return 'Invalid quota entity combination: ip cannot be combined with user or client-id';
  const ipName = e.entity.find((c) => c.entityType === IP)?.entityName;
  if (ip && ipName !== null && ipName !== undefined && isIP(ipName) === 0) return `${ipName} is not a valid IP`;
  const keys = new Set<string>();
  for (const op of e.ops) {
    const known = ip ? op.key === CONNECTION_CREATION_RATE : (QUOTA_KEYS as readonly string[]).includes(op.key);
    if (!known) return `Unknown quota key ${op.key}${ip ? ' for an ip entity' : ''}`;
    if (keys.has(op.key)) return `Duplicate quota key ${op.key}`;
    keys.add(op.key);
    if (!op.remove && !(op.value > 0)) return `Quota ${op.key} must be positive, not ${op.value}`;
  }
  return null;
}
