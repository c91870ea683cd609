/** Kafka principals as strings, `User:<name>` (KafkaPrincipal.toString). */
import type { X509Certificate } from 'node:crypto';

export const ANONYMOUS = 'User:ANONYMOUS';

export function userPrincipal(name: string): string {
  return `User:${name}`;
}

/**
 * Kafka's DefaultKafkaPrincipalBuilder with no ssl.principal.mapping.rules: `User:` and the subject
 * DN in RFC 2253 form (most specific first, `CN=alice,OU=eng,O=Acme,C=US`). Node lists the subject
 * one attribute per line, least specific first, so the lines are reversed.
 */
export function principalFromCertificate(cert: X509Certificate): string {
  const parts = cert.subject.split('\n').filter((line) => line !== '');
  return userPrincipal(parts.reverse().map(escapeRdnValue).join(','));
}

/** RFC 2253 escaping of the value part of `TYPE=value`. */
function escapeRdnValue(rdn: string): string {
  const at = rdn.indexOf('=');
  const value = rdn.slice(at + 1).replace(/([,+"\\<>;])/g, '\\$1');
  return `${rdn.slice(0, at)}=${value}`;
}
