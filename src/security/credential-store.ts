/**
 * SCRAM credentials, kept in memory and (with a data dir) in `<dataDir>/brook-scram-credentials.json`:
 *
 *   { "version": 1, "users": { "<user>": { "SCRAM-SHA-512": { "salt": b64, "storedKey": b64,
 *                                                               "serverKey": b64, "iterations": n } } } }
 *
 * Only salted derivations are stored (RFC 5802 StoredKey/ServerKey), never a password. The file is
 * replaced atomically (write to .tmp, fsync, rename) and changes are serialised, so a crash leaves
 * either the old or the new set.
 */
import { join } from 'node:path';
import { readIfExists, replaceFile } from './atomic-file.js';
import type { ScramCredential, ScramMechanism } from './scram.js';

export const CREDENTIALS_FILE = 'brook-scram-credentials.json';

type StoredCredential = { salt: string; storedKey: string; serverKey: string; iterations: number };

export class CredentialStore {
  private readonly users = new Map<string, Map<ScramMechanism, ScramCredential>>();
  private writing: Promise<void> = Promise.resolve();

  /** `dir` null keeps credentials in memory only (memory storage). */
  constructor(private readonly dir: string | null) {}

  async load(): Promise<void> {
    if (this.dir === null) return;
    const text = await readIfExists(join(this.dir, CREDENTIALS_FILE));
    if (text === null) return;
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
      this.users.set(user, map);
    }
  }

  get(user: string, mechanism: ScramMechanism): ScramCredential | undefined {
    return this.users.get(user)?.get(mechanism);
  }

  /** Every user with their mechanisms, or only the named ones. */
  list(): ReadonlyMap<string, ReadonlyMap<ScramMechanism, ScramCredential>> {
    return this.users;
  }

  /** Applies the changes in memory at once, then persists; resolves once the file is durable. */
  apply(changes: { user: string; mechanism: ScramMechanism; credential: ScramCredential | null }[]): Promise<void> {
    for (const { user, mechanism, credential } of changes) {
      const map = this.users.get(user) ?? new Map<ScramMechanism, ScramCredential>();
      if (credential) map.set(mechanism, credential);
      else map.delete(mechanism);
      if (map.size === 0) this.users.delete(user);
      else this.users.set(user, map);
    }
    const snapshot = this.serialise();
    // A failed write must not poison later ones: each write carries the whole set.
    this.writing = this.writing.catch(() => undefined).then(() => this.write(snapshot));
    return this.writing;
  }

  private serialise(): string {
    const users: Record<string, Record<string, StoredCredential>> = {};
    for (const [user, map] of this.users) {
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

  private async write(text: string): Promise<void> {
    if (this.dir === null) return;
    await replaceFile(join(this.dir, CREDENTIALS_FILE), text);
  }
}
