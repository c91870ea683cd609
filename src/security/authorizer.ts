/**
 * The built-in authorizer (Kafka's AclAuthorizer / StandardAuthorizer rules), on when
 * `authorizer.class.name` is set:
 * - a `super.users` principal may do anything;
 * - the ACLs that apply to a resource are its literal ones, the literal `*` ones and the prefixed
 *   ones whose prefix starts its name; an ACL applies to a request when its principal is the
 *   request's or `User:*` and its host is the client's IP or `*`;
 * - with no ACL on the resource at all (for anyone), `allow.everyone.if.no.acl.found` decides;
 * - otherwise a DENY for the operation (or ALL) wins; else an ALLOW for it (or ALL) permits.
 *   DESCRIBE is implied by READ, WRITE, DELETE and ALTER; DESCRIBE_CONFIGS by ALTER_CONFIGS.
 */
import { AclOperation, AclPermission, WILDCARD_HOST, WILDCARD_PRINCIPAL, WILDCARD_RESOURCE, type AclBinding } from './acl.js';
import type { AclStore } from './acl-store.js';

export interface AuthorizerSettings {
  superUsers: ReadonlySet<string>;
  allowEveryoneIfNoAclFound: boolean;
}

const IMPLIED_BY: Record<number, readonly number[]> = {
  [AclOperation.DESCRIBE]: [AclOperation.DESCRIBE, AclOperation.READ, AclOperation.WRITE, AclOperation.DELETE, AclOperation.ALTER],
  [AclOperation.DESCRIBE_CONFIGS]: [AclOperation.DESCRIBE_CONFIGS, AclOperation.ALTER_CONFIGS],
};

export class Authorizer {
  /** Reused by every check: decisions are synchronous, so one scratch list is enough. */
  private readonly scratch: AclBinding[] = [];

  constructor(
    private readonly acls: AclStore,
    private readonly settings: AuthorizerSettings,
  ) {}

  /** `clientAddress` is `host:port` (the host only matters to ACLs naming a host). */
  authorize(principal: string, clientAddress: string, operation: number, resourceType: number, name: string): boolean {
    if (this.settings.superUsers.has(principal)) return true;
    const matching = this.scratch;
    matching.length = 0;
    this.acls.matching(resourceType, name, matching);
    if (matching.length === 0) return this.settings.allowEveryoneIfNoAclFound;
    const host = new LazyHost(clientAddress);
    const allowedOps = IMPLIED_BY[operation] ?? [operation];
    let allowed = false;
    for (const acl of matching) {
      if (!appliesTo(acl, principal, host)) continue;
      if (acl.permissionType === AclPermission.DENY) {
        if (acl.operation === operation || acl.operation === AclOperation.ALL) return false;
      } else if (acl.operation === AclOperation.ALL || allowedOps.includes(acl.operation)) {
        allowed = true;
      }
    }
    return allowed;
  }

  /**
   * Whether the principal may do `operation` on some resource of this type (Kafka's
   * authorizeByResourceType, used for idempotent producers: WRITE on any topic): an ALLOW that
   * applies, unless a DENY of every name (`*`) applies; with no ACL of the type at all,
   * `allow.everyone.if.no.acl.found`.
   */
  authorizeAny(principal: string, clientAddress: string, operation: number, resourceType: number): boolean {
    if (this.settings.superUsers.has(principal)) return true;
    if (!this.acls.hasType(resourceType)) return this.settings.allowEveryoneIfNoAclFound;
    const host = new LazyHost(clientAddress);
    let allowed = false;
    for (const acl of this.acls.ofType(resourceType)) {
      if (!appliesTo(acl, principal, host)) continue;
      const forOperation = acl.operation === operation || acl.operation === AclOperation.ALL;
      if (!forOperation) continue;
      if (acl.permissionType === AclPermission.DENY) {
        if (acl.resourceName === WILDCARD_RESOURCE) return false;
      } else {
        allowed = true;
      }
    }
    return allowed;
  }
}

function appliesTo(acl: AclBinding, principal: string, host: LazyHost): boolean {
  if (acl.principal !== principal && acl.principal !== WILDCARD_PRINCIPAL) return false;
  return acl.host === WILDCARD_HOST || acl.host === host.value;
}

/** The client's IP, parsed out of `host:port` only if an ACL names a host. */
class LazyHost {
  private parsed: string | null = null;
  constructor(private readonly address: string) {}
  get value(): string {
    return (this.parsed ??= hostOf(this.address));
  }
}

/** `1.2.3.4` from `1.2.3.4:5678` or `::ffff:1.2.3.4:5678` (IPv4 clients of a dual-stack listener). */
export function hostOf(address: string): string {
  const colon = address.lastIndexOf(':');
  const host = colon > 0 ? address.slice(0, colon) : address;
  return host.startsWith('::ffff:') && host.includes('.') ? host.slice(7) : host;
}

/** `super.users`: `User:alice;User:bob` (semicolons, as Kafka). */
export function parseSuperUsers(value: string | null): Set<string> {
  if (value === null) return new Set();
  return new Set(value.split(';').map((s) => s.trim()).filter((s) => s !== ''));
}
