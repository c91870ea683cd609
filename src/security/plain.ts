/** SASL PLAIN (RFC 4616) server side: `[authzid] NUL authcid NUL passwd`, as Kafka's PlainSaslServer. */
import { createHash, timingSafeEqual } from 'node:crypto';

export class PlainAuthError extends Error {}

/** Returns the authenticated user or throws PlainAuthError. */
export function authenticatePlain(token: Buffer, users: ReadonlyMap<string, string>): string {
  const parts = token.toString('utf8').split('\u0000');
  if (parts.length !== 3) throw new PlainAuthError('Invalid SASL/PLAIN response: expected 3 tokens');
  const [authzid, user, password] = parts as [string, string, string];
  if (user === '') throw new PlainAuthError('Authentication failed: username not specified');
  if (authzid !== '' && authzid !== user) throw new PlainAuthError('Authentication failed: Client requested an authorization id that is different from username');
  const expected = users.get(user);
  // Compare digests so the time taken says nothing about the password's length or prefix.
  const given = createHash('sha256').update(password).digest();
  const wanted = createHash('sha256').update(expected ?? '\u0000unknown').digest();
  if (!timingSafeEqual(given, wanted) || expected === undefined) throw new PlainAuthError('Authentication failed: Invalid username or password');
  return user;
}

/** `sasl.plain.users` (Brook extension): `user:password,user:password`; a password may contain ':'. */
export function parsePlainUsers(value: string | null): Map<string, string> {
  const users = new Map<string, string>();
  if (value === null || value.trim() === '') return users;
  for (const entry of value.split(',')) {
    const at = entry.indexOf(':');
    if (at <= 0) throw new Error(`sasl.plain.users: expected user:password, got '${entry.trim().split(':')[0]}...'`);
    users.set(entry.slice(0, at).trim(), entry.slice(at + 1));
  }
  return users;
}
