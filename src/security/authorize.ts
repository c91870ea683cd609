/**
 * The one check API handlers call: may this request's principal do `operation` on a resource?
 * With the authorizer off (`authorizer.class.name` unset) every answer is yes after one null
 * check, so handlers pay nothing. Which operation each API needs is Kafka's table
 * ("Operations and Resources on Protocols"); each handler names its own.
 */
import type { RequestContext } from '../broker/handler.js';
import { ErrorCode } from '../protocol/errors.js';
import { AclOperation, CLUSTER_NAME, ResourceType } from './acl.js';

export { AclOperation as Op, ResourceType as Resource, CLUSTER_NAME as CLUSTER } from './acl.js';

export function allowed(ctx: RequestContext, operation: number, resourceType: number, name: string): boolean {
  const authorizer = ctx.broker.security.authorizer;
  return authorizer === null || authorizer.authorize(ctx.principal, ctx.clientAddress, operation, resourceType, name);
}

export function allowedOnCluster(ctx: RequestContext, operation: number): boolean {
  return allowed(ctx, operation, ResourceType.CLUSTER, CLUSTER_NAME);
}

/** Creating a topic needs CREATE on the cluster or on the topic. */
export function mayCreateTopic(ctx: RequestContext, name: string): boolean {
  return allowedOnCluster(ctx, AclOperation.CREATE) || allowed(ctx, AclOperation.CREATE, ResourceType.TOPIC, name);
}

/** An idempotent producer needs IDEMPOTENT_WRITE on the cluster or WRITE on some topic (KIP-679). */
export function mayWriteIdempotently(ctx: RequestContext): boolean {
  const authorizer = ctx.broker.security.authorizer;
  if (authorizer === null) return true;
  return (
    allowedOnCluster(ctx, AclOperation.IDEMPOTENT_WRITE) ||
    authorizer.authorizeAny(ctx.principal, ctx.clientAddress, AclOperation.WRITE, ResourceType.TOPIC)
  );
}

/** The items whose `name` the principal may not `operation` as topics; empty when all may. */
export function deniedTopics(ctx: RequestContext, operation: number, names: Iterable<string>): Set<string> {
  const denied = new Set<string>();
  if (ctx.broker.security.authorizer === null) return denied;
  for (const name of names) if (!allowed(ctx, operation, ResourceType.TOPIC, name)) denied.add(name);
  return denied;
}

/** Only the items the principal may `operation` (Metadata and list APIs hide the rest). */
export function filterAllowed<T>(ctx: RequestContext, operation: number, resourceType: number, items: T[], nameOf: (item: T) => string): T[] {
  if (ctx.broker.security.authorizer === null) return items;
  return items.filter((item) => allowed(ctx, operation, resourceType, nameOf(item)));
}

/** Config resources (DescribeConfigs, AlterConfigs): a topic, or the broker (the cluster's ACLs). */
const CONFIG_TOPIC = 2;

/** The error for a config resource the principal may not `operation`, or null. */
export function configAccessError(ctx: RequestContext, configResourceType: number, name: string, operation: number): number | null {
  if (ctx.broker.security.authorizer === null) return null;
  if (configResourceType === CONFIG_TOPIC) return allowed(ctx, operation, ResourceType.TOPIC, name) ? null : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
  return allowedOnCluster(ctx, operation) ? null : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
}

/** The operations each resource type has, for KIP-430's authorized-operations answers. */
const OPERATIONS_OF: Record<number, readonly number[]> = {
  [ResourceType.TOPIC]: [AclOperation.READ, AclOperation.WRITE, AclOperation.CREATE, AclOperation.DELETE, AclOperation.ALTER, AclOperation.DESCRIBE, AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
  [ResourceType.GROUP]: [AclOperation.READ, AclOperation.DELETE, AclOperation.DESCRIBE],
  [ResourceType.CLUSTER]: [
    AclOperation.CREATE,
    AclOperation.ALTER,
    AclOperation.DESCRIBE,
    AclOperation.CLUSTER_ACTION,
    AclOperation.DESCRIBE_CONFIGS,
    AclOperation.ALTER_CONFIGS,
    AclOperation.IDEMPOTENT_WRITE,
  ],
};

/**
 * KIP-430: what the principal may do on a resource, as a bit field of `1 << operation`; every
 * operation of the type when the authorizer is off, as Kafka answers without one.
 */
export function authorizedOperations(ctx: RequestContext, resourceType: number, name: string): number {
  let bits = 0;
  for (const operation of OPERATIONS_OF[resourceType] ?? []) if (allowed(ctx, operation, resourceType, name)) bits |= 1 << operation;
  return bits;
}
