/**
 * DescribeClientQuotas v0-v1: the quota configs of the entities matching every filter component
 * (exact name, default, or any name of a type); `strict` leaves out entities of other types too.
 * Needs DESCRIBE_CONFIGS on the cluster.
 */
import type { DescribeClientQuotasRequest, DescribeClientQuotasResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { ENTITY_TYPES, type QuotaEntity } from '../../security/quota-store.js';
import { allowedOnCluster, Op } from '../../security/authorize.js';
import type { ApiHandler, RequestContext } from '../handler.js';

type Component = DescribeClientQuotasRequest['components'][number];

const MATCH_EXACT = 0;
const MATCH_DEFAULT = 1;
const MATCH_ANY = 2;

export const handler: ApiHandler = {
  apiKey: 48,
  minVersion: 0,
  maxVersion: 1,
  handle(ctx: RequestContext, request: DescribeClientQuotasRequest): DescribeClientQuotasResponse {
    const fail = (errorCode: number, errorMessage: string | null) => ({ throttleTimeMs: 0, errorCode, errorMessage, entries: null });
    if (!allowedOnCluster(ctx, Op.DESCRIBE_CONFIGS)) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    const problem = filterProblem(request.components);
    if (problem) return fail(ErrorCode.INVALID_REQUEST, problem);
    const entries = ctx.broker.security.quotas.store
      .list()
      .filter((e) => matches(e.entity, request.components, request.strict))
      .map((e) => ({
        entity: [...e.entity].map(([entityType, entityName]) => ({ entityType, entityName })),
        values: [...e.quotas].map(([key, value]) => ({ key, value })),
      }));
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, entries };
  },
};

function filterProblem(components: Component[]): string | null {
  const seen = new Set<string>();
  for (const c of components) {
    if (seen.has(c.entityType)) return `Duplicate ${c.entityType} filter component entity type`;
    seen.add(c.entityType);
    if (c.entityType === '') return 'Unexpected empty filter component entity type';
    if (c.matchType === MATCH_EXACT && c.match === null) return `Unexpected null match for an exact ${c.entityType} component`;
    if (c.matchType !== MATCH_EXACT && c.matchType !== MATCH_DEFAULT && c.matchType !== MATCH_ANY) return `Unknown match type ${c.matchType}`;
  }
  return null;
}

function matches(entity: QuotaEntity, components: Component[], strict: boolean): boolean {
  for (const c of components) {
    if (!entity.has(c.entityType)) return false;
    const name = entity.get(c.entityType);
    if (c.matchType === MATCH_EXACT && name !== c.match) return false;
    if (c.matchType === MATCH_DEFAULT && name !== null) return false;
  }
  if (!strict) return true;
  return ENTITY_TYPES.every((t) => !entity.has(t) || components.some((c) => c.entityType === t));
}
