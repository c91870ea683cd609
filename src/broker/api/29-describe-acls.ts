/**
 * DescribeAcls v0-v3: the ACLs matching one filter, grouped by resource pattern. Needs DESCRIBE
 * on the cluster; SECURITY_DISABLED when no authorizer is configured, as Kafka.
 */
import type { DescribeAclsRequest, DescribeAclsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { filterProblem, type AclBinding } from '../../security/acl.js';
import { allowedOnCluster, Op } from '../../security/authorize.js';
import type { ApiHandler, RequestContext } from '../handler.js';

type Resource = DescribeAclsResponse['resources'][number];

export const handler: ApiHandler = {
  apiKey: 29,
  minVersion: 0,
  maxVersion: 3,
  handle(ctx: RequestContext, request: DescribeAclsRequest): DescribeAclsResponse {
    const fail = (errorCode: number, errorMessage: string | null): DescribeAclsResponse => ({ throttleTimeMs: 0, errorCode, errorMessage, resources: [] });
    if (ctx.broker.security.authorizer === null) return fail(ErrorCode.SECURITY_DISABLED, 'No Authorizer is configured on the broker');
    if (!allowedOnCluster(ctx, Op.DESCRIBE)) return fail(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
    const filter = {
      resourceType: request.resourceTypeFilter,
      resourceName: request.resourceNameFilter,
      patternType: request.patternTypeFilter ?? 3,
      principal: request.principalFilter,
      host: request.hostFilter,
      operation: request.operation,
      permissionType: request.permissionType,
    };
    const problem = filterProblem(filter);
    if (problem) return fail(ErrorCode.INVALID_REQUEST, problem);
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, resources: groupByResource(ctx.broker.security.acls.list(filter)) };
  },
};

export function groupByResource(acls: AclBinding[]): Resource[] {
  const byPattern = new Map<string, Resource>();
  for (const acl of acls) {
    const key = `${acl.resourceType}:${acl.patternType}:${acl.resourceName}`;
    let resource = byPattern.get(key);
    if (!resource) {
      resource = { resourceType: acl.resourceType, resourceName: acl.resourceName, patternType: acl.patternType, acls: [] };
      byPattern.set(key, resource);
    }
    resource.acls.push({ principal: acl.principal, host: acl.host, operation: acl.operation, permissionType: acl.permissionType });
  }
  return [...byPattern.values()];
}
