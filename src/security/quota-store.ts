/**
 * Client quota configs by entity, in memory and, with a data dir, in
 * `<dataDir>/brook-client-quotas.json`:
 *
 *   { "version": 1,
 *     "entries": [ { "entity": { "user": "alice", "client-id": null },
 *                    "quotas": { "producer_byte_rate": 1048576 } }, ... ] }
 *
 * An entity names a user, a client id, or both; or an IP alone (`connection_creation_rate`,
 * KIP-612). A null name is that type's default (`<default>` in Kafka's tools). The file is replaced atomically with the whole set on every
 * change (tmp, fsync, rename); memory storage keeps quotas in memory only. In cluster mode the same
 * JSON is the value of an etcd key (src/cluster/keys.ts) that every broker watches (document-store.ts).
 */
import { join } from 'node:path';
import { FileDocument, type DocumentStore } from './document-store.js';

export const QUOTAS_FILE = 'brook-client-quotas.json';
export const USER = 'user';
export const CLIENT_ID = 'client-id';
export const IP = 'ip';
export const ENTITY_TYPES = [USER, CLIENT_ID, IP] as const;
/** The quota keys Kafka knows for users and client ids (all but controller_mutation_rate enforced). */
export const QUOTA_KEYS = ['producer_byte_rate', 'consumer_byte_rate', 'request_percentage', 'controller_mutation_rate'] as const;
/** New connections per second from one IP: the only key of `ip` entities. */
export const CONNECTION_CREATION_RATE = 'connection_creation_rate';

/** entity type -> name (null = default). Only the types the entity has are present. */
export type QuotaEntity = ReadonlyMap<string, string | null>;

export interface QuotaEntry {
  entity: QuotaEntity;
  quotas: Map<string, number>;
}

/** `user=alice,client-id=<default>`: one key per entity, types in a fixed order. */
export function entityKey(entity: QuotaEntity): string {
  return ENTITY_TYPES.filter((t) => entity.has(t))
    .map((t) => `${t}=${entity.get(t) ?? '<default>'}`)
    .join(',');
}

type Entries = Map<string, QuotaEntry>;

export class QuotaStore {
  private entries: Entries = new Map();
  private readonly document: DocumentStore;
  /** Bumped on every change, so lookups cached by the manager know when to drop. */
  version = 0;

  /** A data dir (`<dir>/brook-client-quotas.json`), null for memory only, or a shared document (cluster mode). */
  constructor(source: string | null | DocumentStore) {
    this.document = typeof source === 'object' && source !== null ? source : new FileDocument(source === null ? null : join(source, QUOTAS_FILE));
  }

  /** Reads the stored quotas, then follows changes other brokers make. */
  async load(): Promise<void> {
    this.replace(parseQuotas(await this.document.read()));
    this.document.watch((text) => this.replace(parseQuotas(text)));
  }

  close(): Promise<void> {
    return this.document.close();
  }

  get isEmpty(): boolean {
    return this.entries.size === 0;
  }

  /** The value of `key` configured exactly on this entity key, if any. */
  get(key: string, quotaKey: string): number | undefined {
    return this.entries.get(key)?.quotas.get(quotaKey);
  }

  list(): QuotaEntry[] {
    return [...this.entries.values()];
  }

  /** Sets (value) or removes (null) quota keys of each entity; resolves once durable (and then in effect here). */
  async apply(changes: { entity: QuotaEntity; set: Map<string, number | null> }[]): Promise<void> {
    let next: Entries = new Map();
    const newest = await this.document.update((text) => {
      // The stored set, not ours: in cluster mode another broker may have changed it.
      next = parseQuotas(text);
      for (const { entity, set } of changes) {
        const key = entityKey(entity);
        const entry = next.get(key) ?? { entity, quotas: new Map<string, number>() };
        for (const [quotaKey, value] of set) {
          if (value === null) entry.quotas.delete(quotaKey);
          else entry.quotas.set(quotaKey, value);
        }
        if (entry.quotas.size === 0) next.delete(key);
        else next.set(key, entry);
      }
      return serialiseQuotas(next);
    });
    if (newest) this.replace(next);
  }

  private replace(entries: Entries): void {
    this.entries = entries;
    this.version++;
  }
}

function parseQuotas(text: string | null): Entries {
  const entries: Entries = new Map();
  if (text === null) return entries;
  const parsed = JSON.parse(text) as { version: number; entries: { entity: Record<string, string | null>; quotas: Record<string, number> }[] };
  if (parsed.version !== 1) throw new Error(`${QUOTAS_FILE}: unknown version ${parsed.version}`);
  for (const e of parsed.entries) {
    const entity = new Map(Object.entries(e.entity));
    entries.set(entityKey(entity), { entity, quotas: new Map(Object.entries(e.quotas)) });
  }
  return entries;
}

function serialiseQuotas(all: Entries): string {
  const entries = [...all.values()].map((e) => ({ entity: Object.fromEntries(e.entity), quotas: Object.fromEntries(e.quotas) }));
  return JSON.stringify({ version: 1, entries }, null, 2) + '\n';
}
