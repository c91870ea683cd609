/**
 * DeleteAcls v0-v3: removes every ACL each filter matches and answers, per filter, what it
 * removed; answered once the change is durable. Needs ALTER on the cluster.
 */
import type { DeleteAclsRequest, DeleteAclsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { filterProblem, PatternType, type AclFilter } from '../../security/acl.js';
import { allowedOnCluster, Op } from '../../security/authorize.js';
import type { ApiHandler, RequestContext } from '../handler.js';

type FilterResult = DeleteAclsResponse['filterResults'][number];

export const handler: ApiHandler = {
  apiKey: 31,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx: RequestContext, request: DeleteAclsRequest): Promise<DeleteAclsResponse> {
    const all = (errorCode: number, errorMessage: string | null): DeleteAclsResponse => ({
      throttleTimeMs: 0,
      filterResults: request.filters.map(() => ({ errorCode, errorMessage, matchingAcls: [] })),
    });
    if (ctx.broker.security.authorizer === null) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
    if (!allowedOnCluster(ctx, Op.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    const filters: AclFilter[] = request.filters.map((f) => ({
      resourceType: f.resourceTypeFilter,
      resourceName: f.resourceNameFilter,
      patternType: f.patternTypeFilter ?? PatternType.LITERAL,
      principal: f.principalFilter,
      host: f.hostFilter,
      operation: f.operation,
      permissionType: f.permissionType,
    }));
    const problems = filters.map(filterProblem);
    const removed = await ctx.broker.security.acls.remove(filters.filter((_, i) => problems[i] === null));
    let next = 0;
    const filterResults = problems.map((problem): FilterResult => {
      if (problem) return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: problem, matchingAcls: [] };
      const matchingAcls = removed[next++]!.map((acl) => ({ errorCode: ErrorCode.NONE, errorMessage: null, ...acl }));
      return { errorCode: ErrorCode.NONE, errorMessage: null, matchingAcls };
    });
    if (removed.some((r) => r.length > 0)) ctx.broker.logger.info({ principal: ctx.principal, count: removed.flat().length }, 'ACLs deleted');
    return { throttleTimeMs: 0, filterResults };
  },
};
