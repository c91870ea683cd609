/**
 * Kafka's ACL model: the wire codes of resource types, pattern types, operations and permissions
 * (org.apache.kafka.common.{resource,acl}), an ACL binding, and the filters of DescribeAcls and
 * DeleteAcls (AclBindingFilter.matches).
 */
import { ErrorCode } from '../protocol/errors.js';

export const ResourceType = { UNKNOWN: 0, ANY: 1, TOPIC: 2, GROUP: 3, CLUSTER: 4, TRANSACTIONAL_ID: 5, DELEGATION_TOKEN: 6, USER: 7 } as const;
export const PatternType = { UNKNOWN: 0, ANY: 1, MATCH: 2, LITERAL: 3, PREFIXED: 4 } as const;
export const AclOperation = {
  UNKNOWN: 0,
  ANY: 1,
  ALL: 2,
  READ: 3,
  WRITE: 4,
  CREATE: 5,
  DELETE: 6,
  ALTER: 7,
  DESCRIBE: 8,
  CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10,
  ALTER_CONFIGS: 11,
  IDEMPOTENT_WRITE: 12,
  CREATE_TOKENS: 13,
  DESCRIBE_TOKENS: 14,
} as const;
export const AclPermission = { UNKNOWN: 0, ANY: 1, DENY: 2, ALLOW: 3 } as const;

/** The one name a CLUSTER resource has. */
export const CLUSTER_NAME = 'kafka-cluster';
export const WILDCARD_RESOURCE = '*';
export const WILDCARD_PRINCIPAL = 'User:*';
export const WILDCARD_HOST = '*';

export interface AclBinding {
  resourceType: number;
  resourceName: string;
  patternType: number;
  principal: string;
  host: string;
  operation: number;
  permissionType: number;
}

/** Null strings and ANY codes match everything; pattern MATCH matches what would apply to the name. */
export interface AclFilter {
  resourceType: number;
  resourceName: string | null;
  patternType: number;
  principal: string | null;
  host: string | null;
  operation: number;
  permissionType: number;
}

export function matchesFilter(acl: AclBinding, f: AclFilter): boolean {
  if (f.resourceType !== ResourceType.ANY && f.resourceType !== acl.resourceType) return false;
  if (!patternMatches(acl, f.patternType, f.resourceName)) return false;
  if (f.principal !== null && f.principal !== acl.principal) return false;
  if (f.host !== null && f.host !== acl.host) return false;
  if (f.operation !== AclOperation.ANY && f.operation !== acl.operation) return false;
  return f.permissionType === AclPermission.ANY || f.permissionType === acl.permissionType;
}

function patternMatches(acl: AclBinding, patternType: number, name: string | null): boolean {
  if (patternType !== PatternType.ANY && patternType !== PatternType.MATCH && patternType !== acl.patternType) return false;
  if (name === null) return true;
  if (patternType !== PatternType.MATCH) return name === acl.resourceName;
  if (acl.patternType === PatternType.LITERAL) return name === acl.resourceName || acl.resourceName === WILDCARD_RESOURCE;
  return name.startsWith(acl.resourceName);
}

/** Why a binding may not be created (Kafka's checks), or null. */
export function bindingProblem(acl: AclBinding): { errorCode: number; message: string } | null {
  const invalid = (message: string) => ({ errorCode: ErrorCode.INVALID_REQUEST, message });
  if (!isConcrete(ResourceType, acl.resourceType, [ResourceType.UNKNOWN, ResourceType.ANY])) return invalid('Invalid resource type');
  if (acl.patternType !== PatternType.LITERAL && acl.patternType !== PatternType.PREFIXED) return invalid('Invalid resource pattern type');
  if (!isConcrete(AclOperation, acl.operation, [AclOperation.UNKNOWN, AclOperation.ANY])) return invalid('Invalid operation');
  if (acl.permissionType !== AclPermission.ALLOW && acl.permissionType !== AclPermission.DENY) return invalid('Invalid permission type');
  if (acl.resourceName === '') return invalid('Resource name must not be empty');
  if (!/^[^:]+:.+$/.test(acl.principal)) return invalid(`Could not parse principal from \`${acl.principal}\` (no colon is present separating the principal type from the principal name)`);
  if (acl.host === '') return invalid('Host must not be empty');
  if (acl.resourceType === ResourceType.CLUSTER && acl.resourceName !== CLUSTER_NAME) {
    return invalid(`The only valid name for the CLUSTER resource is ${CLUSTER_NAME}`);
  }
  return null;
}

/** Why a DescribeAcls/DeleteAcls filter is unusable, or null. */
export function filterProblem(f: AclFilter): string | null {
  if (f.resourceType === ResourceType.UNKNOWN || !isConcrete(ResourceType, f.resourceType, [])) return 'Invalid resource type filter';
  if (f.patternType === PatternType.UNKNOWN || !isConcrete(PatternType, f.patternType, [])) return 'Invalid resource pattern type filter';
  if (f.operation === AclOperation.UNKNOWN || !isConcrete(AclOperation, f.operation, [])) return 'Invalid operation filter';
  if (f.permissionType === AclPermission.UNKNOWN || !isConcrete(AclPermission, f.permissionType, [])) return 'Invalid permission type filter';
  return null;
}

function isConcrete(codes: Record<string, number>, code: number, excluded: number[]): boolean {
  return Object.values(codes).includes(code) && !excluded.includes(code);
}

export function sameBinding(a: AclBinding, b: AclBinding): boolean {
  return (
    a.resourceType === b.resourceType &&
    a.resourceName === b.resourceName &&
    a.patternType === b.patternType &&
    a.principal === b.principal &&
    a.host === b.host &&
    a.operation === b.operation &&
    a.permissionType === b.permissionType
  );
}

/** Name of a code (`READ` for 3), for the stored file and the CLI. */
export function codeName(codes: Record<string, number>, code: number): string {
  for (const [name, value] of Object.entries(codes)) if (value === code) return name;
  return String(code);
}

/** Code of a name, case-insensitive, `_`/`-` alike (`transactional-id`, `Read`); undefined when unknown. */
export function codeOf(codes: Record<string, number>, name: string): number | undefined {
  const key = name.trim().toUpperCase().replace(/-/g, '_');
  return Object.hasOwn(codes, key) ? codes[key] : undefined;
}
