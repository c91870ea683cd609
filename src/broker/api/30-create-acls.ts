/**
 * CreateAcls v0-v3: adds ACL bindings (v0 ones are LITERAL), each checked as Kafka does; answered
 * once the ACLs are durable (src/security/acl-store.ts). Needs ALTER on the cluster.
 */
import type { CreateAclsRequest, CreateAclsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { bindingProblem, PatternType, type AclBinding } from '../../security/acl.js';
import { allowedOnCluster, Op } from '../../security/authorize.js';
import type { ApiHandler, RequestContext } from '../handler.js';

export const handler: ApiHandler = {
  apiKey: 30,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx: RequestContext, request: CreateAclsRequest): Promise<CreateAclsResponse> {
    const all = (errorCode: number, errorMessage: string | null): CreateAclsResponse => ({
      throttleTimeMs: 0,
      results: request.creations.map(() => ({ errorCode, errorMessage })),
    });
    if (ctx.broker.security.authorizer === null) return all(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
    if (!allowedOnCluster(ctx, Op.ALTER)) return all(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    const bindings: AclBinding[] = request.creations.map((c) => ({
      resourceType: c.resourceType,
      resourceName: c.resourceName,
      patternType: c.resourcePatternType ?? PatternType.LITERAL,
      principal: c.principal,
      host: c.host,
      operation: c.operation,
      permissionType: c.permissionType,
    }));
    const problems = bindings.map(bindingProblem);
    const valid = bindings.filter((_, i) => problems[i] === null);
    if (valid.length > 0) await ctx.broker.security.acls.add(valid);
    if (valid.length > 0) ctx.broker.logger.info({ principal: ctx.principal, count: valid.length }, 'ACLs created');
    return {
      throttleTimeMs: 0,
      results: problems.map((p) => (p ? { errorCode: p.errorCode, errorMessage: p.message } : { errorCode: ErrorCode.NONE, errorMessage: null })),
    };
  },
};
