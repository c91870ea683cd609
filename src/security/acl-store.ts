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
 * old or the new set. Memory storage keeps ACLs in memory only. In cluster mode the same JSON is
 * the value of an etcd key (src/cluster/keys.ts) that every broker watches (document-store.ts).
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
import { FileDocument, type DocumentStore } from './document-store.js';

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
  private readonly document: DocumentStore;

  /** A data dir (`<dir>/brook-acls.json`), null for memory only, or a shared document (cluster mode). */
  constructor(source: string | null | DocumentStore) {
    this.document = typeof source === 'object' && source !== null ? source : new FileDocument(source === null ? null : join(source, ACLS_FILE));
  }

  /** Reads the stored set, then follows changes other brokers make. */
  async load(): Promise<void> {
    this.replace(parseAcls(await this.document.read()));
    this.document.watch((text) => this.replace(parseAcls(text)));
  }

  close(): Promise<void> {
    return this.document.close();
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
  async add(bindings: AclBinding[]): Promise<void> {
    let next: AclBinding[] = [];
    const newest = await this.document.update((text) => {
      // The stored set, not ours: in cluster mode another broker may have changed it.
      next = parseAcls(text);
      for (const b of bindings) if (!next.some((a) => sameBinding(a, b))) next.push(b);
      return serialiseAcls(next);
    });
    if (newest) this.replace(next);
  }

  /** Removes what each filter matches; returns the removed bindings per filter, once durable. */
  async remove(filters: AclFilter[]): Promise<AclBinding[][]> {
    let next: AclBinding[] = [];
    let removed: AclBinding[][] = [];
    const newest = await this.document.update((text) => {
      const current = parseAcls(text);
      removed = filters.map((f) => current.filter((a) => matchesFilter(a, f)));
      const gone = new Set(removed.flat());
      next = current.filter((a) => !gone.has(a));
      return serialiseAcls(next);
    });
    if (newest) this.replace(next);
    return removed;
  }

  /** Swaps in a whole new set (the authorizer reads through the index, so this is atomic for it). */
  private replace(acls: AclBinding[]): void {
    this.acls = acls;
    this.reindex();
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
}

export function parseAcls(text: string | null): AclBinding[] {
  if (text === null) return [];
  const parsed = JSON.parse(text) as { version: number; acls: Record<keyof AclBinding, string>[] };
  if (parsed.version !== 1) throw new Error(`${ACLS_FILE}: unknown version ${parsed.version}`);
  return parsed.acls.map((a) => ({
    resourceType: known(ResourceType, a.resourceType),
    resourceName: a.resourceName,
    patternType: known(PatternType, a.patternType),
    principal: a.principal,
    host: a.host,
    operation: known(AclOperation, a.operation),
    permissionType: known(AclPermission, a.permissionType),
  }));
}

export function serialiseAcls(list: readonly AclBinding[]): string {
  const acls = list.map((a) => ({
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

function known(codes: Record<string, number>, name: string): number {
  const code = codeOf(codes, name);
  if (code === undefined) throw new Error(`${ACLS_FILE}: unknown value ${name}`);
  return code;
}
