/**
 * The broker's ACLs, in memory (indexed for the authorizer) and, with a data dir, in
 * `<dataDir>/brook-acls.json`:
 *
 *   { "version": 1,
 *     "acls": [ { "resourceType": "TOPIC", "resourceName": "orders", "patternType": "LITERAL",
 *                 "principal": "User:alice", "host": "*", "operation": "READ",
 *                 "permissionType": "ALLOW" }, ... ] }
 *
 * Codes are stored by their Kafka names (acl.ts). The file is replaced atomically (tmp, fsync,
 * rename) with the whole set on every change, and changes are serialised, so a crash leaves the
 * old or the new set. Memory storage keeps ACLs in memory only.
 */
import { join } from 'node:path';
import {
  AclOperation,
  AclPermission,
  PatternType,
  ResourceType,
  codeName,
  codeOf,
  matchesFilter,
  sameBinding,
  type AclBinding,
  type AclFilter,
} from './acl.js';
import { readIfExists, SerialWriter } from './atomic-file.js';

export const ACLS_FILE = 'brook-acls.json';

/** The ACLs of one resource type: literal ones by name, prefixed ones by prefix. */
interface TypeIndex {
  literal: Map<string, AclBinding[]>;
  prefixed: Map<string, AclBinding[]>;
  /** Distinct prefix lengths, so a lookup tries only lengths some prefix has. */
  prefixLengths: Set<number>;
}

export class AclStore {
  private acls: AclBinding[] = [];
  private index = new Map<number, TypeIndex>();
  private readonly writer: SerialWriter;

  /** `dir` null keeps ACLs in memory only. */
  constructor(private readonly dir: string | null) {
    this.writer = new SerialWriter(dir === null ? null : join(dir, ACLS_FILE));
  }

  async load(): Promise<void> {
    if (this.dir === null) return;
    const text = await readIfExists(join(this.dir, ACLS_FILE));
    if (text === null) return;
    const parsed = JSON.parse(text) as { version: number; acls: Record<keyof AclBinding, string>[] };
    if (parsed.version !== 1) throw new Error(`${ACLS_FILE}: unknown version ${parsed.version}`);
    this.acls = parsed.acls.map((a) => ({
      resourceType: known(ResourceType, a.resourceType),
      resourceName: a.resourceName,
      patternType: known(PatternType, a.patternType),
      principal: a.principal,
      host: a.host,
      operation: known(AclOperation, a.operation),
      permissionType: known(AclPermission, a.permissionType),
    }));
    this.reindex();
  }

  get size(): number {
    return this.acls.length;
  }

  /** Whether any ACL exists for this resource type. */
  hasType(resourceType: number): boolean {
    return this.index.has(resourceType);
  }

  /** Every ACL of this type whose pattern covers `name`: literal, literal `*` and prefixed. */
  matching(resourceType: number, name: string, out: AclBinding[]): void {
    const byType = this.index.get(resourceType);
    if (!byType) return;
    const exact = byType.literal.get(name);
    if (exact) out.push(...exact);
    if (name !== '*') {
      const wildcard = byType.literal.get('*');
      if (wildcard) out.push(...wildcard);
    }
    for (const length of byType.prefixLengths) {
      if (length > name.length) continue;
      const prefixed = byType.prefixed.get(name.slice(0, length));
      if (prefixed) out.push(...prefixed);
    }
  }

  ofType(resourceType: number): AclBinding[] {
    return this.acls.filter((a) => a.resourceType === resourceType);
  }

  list(filter: AclFilter): AclBinding[] {
    return this.acls.filter((a) => matchesFilter(a, filter));
  }

  /** Adds the bindings not already present; resolves once durable. */
  add(bindings: AclBinding[]): Promise<void> {
    for (const b of bindings) if (!this.acls.some((a) => sameBinding(a, b))) this.acls.push(b);
    this.reindex();
    return this.writer.write(this.serialise());
  }

  /** Removes what each filter matches; returns the removed bindings per filter, once durable. */
  async remove(filters: AclFilter[]): Promise<AclBinding[][]> {
    const removed = filters.map((f) => this.acls.filter((a) => matchesFilter(a, f)));
    const gone = new Set(removed.flat());
    this.acls = this.acls.filter((a) => !gone.has(a));
    this.reindex();
    await this.writer.write(this.serialise());
    return removed;
  }

  private reindex(): void {
    const index = new Map<number, TypeIndex>();
    for (const acl of this.acls) {
      let byType = index.get(acl.resourceType);
      if (!byType) index.set(acl.resourceType, (byType = { literal: new Map(), prefixed: new Map(), prefixLengths: new Set() }));
      const map = acl.patternType === PatternType.PREFIXED ? byType.prefixed : byType.literal;
      if (acl.patternType === PatternType.PREFIXED) byType.prefixLengths.add(acl.resourceName.length);
      const list = map.get(acl.resourceName);
      if (list) list.push(acl);
      else map.set(acl.resourceName, [acl]);
    }
    this.index = index;
  }

  private serialise(): string {
    const acls = this.acls.map((a) => ({
      resourceType: codeName(ResourceType, a.resourceType),
      resourceName: a.resourceName,
      patternType: codeName(PatternType, a.patternType),
      principal: a.principal,
      host: a.host,
      operation: codeName(AclOperation, a.operation),
      permissionType: codeName(AclPermission, a.permissionType),
    }));
    return JSON.stringify({ version: 1, acls }, null, 2) + '\n';
  }
}

function known(codes: Record<string, number>, name: string): number {
  const code = codeOf(codes, name);
  if (code === undefined) throw new Error(`${ACLS_FILE}: unknown value ${name}`);
  return code;
}
