/**
 * SCRAM credentials, kept in memory and (with a data dir) in `<dataDir>/brook-scram-credentials.json`:
 *
 *   { "version": 1, "users": { "<user>": { "SCRAM-SHA-512": { "salt": b64, "storedKey": b64,
 *                                                               "serverKey": b64, "iterations": n } } } }
 *
 * Only salted derivations are stored (RFC 5802 StoredKey/ServerKey), never a password. The file is
 * replaced atomically (write to .tmp, fsync, rename) and changes are serialised, so a crash leaves
 * either the old or the new set. In cluster mode the same JSON is the value of an etcd key
 * (src/cluster/keys.ts) that every broker watches (document-store.ts).
 */
import { join } from 'node:path';
import { FileDocument, type DocumentStore } from './document-store.js';
import type { ScramCredential, ScramMechanism } from './scram.js';

export const CREDENTIALS_FILE = 'brook-scram-credentials.json';

type StoredCredential = { salt: string; storedKey: string; serverKey: string; iterations: number };

type Users = Map<string, Map<ScramMechanism, ScramCredential>>;

export class CredentialStore {
  private users: Users = new Map();
  private readonly document: DocumentStore;

  /** A data dir (`<dir>/brook-scram-credentials.json`), null for memory only, or a shared document (cluster mode). */
  constructor(source: string | null | DocumentStore) {
    this.document = typeof source === 'object' && source !== null ? source : new FileDocument(source === null ? null : join(source, CREDENTIALS_FILE));
  }

  /** Reads the stored credentials, then follows changes other brokers make. */
  async load(): Promise<void> {
    this.users = parseCredentials(await this.document.read());
    this.document.watch((text) => (this.users = parseCredentials(text)));
  }

  close(): Promise<void> {
    return this.document.close();
  }

  get(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.get(mechanism);
  }

  /** Every user with their mechanisms, or only the named ones. */
  list(): ReadonlyMap<string, ReadonlyMap<ScramMechanism, ScramCredential>> {
    return this.users;
  }

  /** Applies the changes to the stored set; resolves once durable (and then in effect here). */
  async apply(changes: { user: string; mechanism: ScramMechanism; credential: ScramCredential | null }[]): Promise<void> {
    let next: Users = new Map();
    const newest = await this.document.update((text) => {
      // The stored set, not ours: in cluster mode another broker may have changed it.
      next = parseCredentials(text);
      for (const { user, mechanism, credential } of changes) {
        const map = next.get(user) ?? new Map<ScramMechanism, ScramCredential>();
        if (credential) map.set(mechanism, credential);
        else map.delete(mechanism);
        if (map.size === 0) next.delete(user);
        else next.set(user, map);
      }
      return serialiseCredentials(next);
    });
    if (newest) this.users = next;
  }
}

function parseCredentials(text: string | null): Users {
  const users: Users = new Map();
  if (text === null) return users;
  const parsed = JSON.parse(text) as { version: number; users: Record<string, Record<string, StoredCredential>> };
  if (parsed.version !== 1) throw new Error(`${CREDENTIALS_FILE}: unknown version ${parsed.version}`);
  for (const [user, mechanisms] of Object.entries(parsed.users)) {
    const map = new Map<ScramMechanism, ScramCredential>();
    for (const [mechanism, c] of Object.entries(mechanisms)) {
      map.set(mechanism as ScramMechanism, {
        salt: Buffer.from(c.salt, 'base64'),
        storedKey: Buffer.from(c.storedKey, 'base64'),
        serverKey: Buffer.from(c.serverKey, 'base64'),
        iterations: c.iterations,
      });
    }
    users.set(user, map);
  }
  return users;
}

function serialiseCredentials(all: Users): string {
  const users: Record<string, Record<string, StoredCredential>> = {};
  for (const [user, map] of all) {
    users[user] = {};
    for (const [mechanism, c] of map) {
      users[user][mechanism] = {
        salt: c.salt.toString('base64'),
        storedKey: c.storedKey.toString('base64'),
        serverKey: c.serverKey.toString('base64'),
        iterations: c.iterations,
      };
    }
  }
  return JSON.stringify({ version: 1, users }, null, 2) + '\n';
}
