/**
 * SASL OAUTHBEARER (RFC 7628) server side: the client's one message is `n,[a=authzid],` SOH
 * `auth=Bearer <token>` SOH [key=value SOH ...] SOH. The token is a JWS, either signed and checked
 * against the keys of `sasl.oauthbearer.jwks.endpoint.url` (jwks.ts, Kafka's
 * OAuthBearerValidatorCallbackHandler) or, only when `sasl.oauthbearer.unsecured.tokens.enable` is
 * set, unsecured (`alg: none`, empty signature; Kafka's unsecured handler). The principal claim
 * (`sasl.oauthbearer.sub.claim.name`, default `sub`) names the user; `exp` is required and, like
 * `iat`, checked with `sasl.oauthbearer.clock.skew.seconds` of tolerance; `aud` and `iss` must match
 * `sasl.oauthbearer.expected.audience` / `.expected.issuer` when those are set.
 */
import { jwsSignatureValid, type JwtKeys } from './jwks.js';

export class OAuthBearerAuthError extends Error {}

export interface OAuthBearerOptions {
  principalClaim: string;
  clockSkewMs: number;
  nowMs: number;
  /** Keys signed tokens are checked against; null: signed tokens are refused. */
  keys?: JwtKeys | null;
  /** Whether unsecured (alg none) tokens are accepted. */
  allowUnsecured?: boolean;
  /** Accepted audiences (any one in `aud`); empty: not checked. */
  expectedAudience?: readonly string[];
  /** Required `iss`; null: not checked. */
  expectedIssuer?: string | null;
}

/** What a listener validates tokens with (OAuthBearerOptions without the time). */
export type OAuthBearerSettings = Omit<OAuthBearerOptions, 'nowMs'>;

export interface OAuthBearerResult {
  user: string;
  /** When the token expires (ms since the epoch): the session may not outlive it. */
  expiresAtMs: number;
}

const SOH = '\u0001';
/** RFC 6750 b64token characters, the three dot-separated parts of a JWS. */
const TOKEN = /^([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)$/;

export function authenticateOAuthBearer(message: Buffer, options: OAuthBearerOptions): OAuthBearerResult {
  const text = message.toString('utf8');
  const first = text.indexOf(SOH);
  if (first < 0 || !text.endsWith(SOH + SOH)) throw new OAuthBearerAuthError('Invalid OAUTHBEARER client first message');
  const gs2 = text.slice(0, first);
  const gs2Match = /^n,(?:a=([^,]*))?,$/.exec(gs2);
  if (!gs2Match) throw new OAuthBearerAuthError('Invalid OAUTHBEARER GS2 header');
  const pairs = text.slice(first + 1, -2).split(SOH);
  const auth = pairs.find((p) => p.startsWith('auth='));
  if (!auth || !/^auth=Bearer +/i.test(auth)) throw new OAuthBearerAuthError('Invalid OAUTHBEARER client first message: no auth=Bearer');
  const token = auth.replace(/^auth=Bearer +/i, '');
  const claims = tokenClaims(token, options);
  checkAudienceAndIssuer(claims, options);
  const user = claims[options.principalClaim];
  if (typeof user !== 'string' || user === '') throw new OAuthBearerAuthError(`The token has no ${options.principalClaim} claim`);
  const authzid = gs2Match[1];
  if (authzid !== undefined && authzid !== '' && authzid !== user) throw new OAuthBearerAuthError('Authorization id differs from the token principal');
  const exp = claims.exp;
  if (typeof exp !== 'number') throw new OAuthBearerAuthError('The token has no numeric exp claim');
  const expiresAtMs = exp * 1000;
  if (options.nowMs >= expiresAtMs + options.clockSkewMs) throw new OAuthBearerAuthError('The token has expired');
  const iat = claims.iat;
  if (iat !== undefined && (typeof iat !== 'number' || iat * 1000 > options.nowMs + options.clockSkewMs)) {
    throw new OAuthBearerAuthError('The token was issued in the future');
  }
  return { user, expiresAtMs };
}

function tokenClaims(token: string, options: OAuthBearerOptions): Record<string, unknown> {
  const parts = TOKEN.exec(token);
  if (!parts) throw new OAuthBearerAuthError('The token is not a compact JWS');
  const [, header, payload, signature] = parts as unknown as [string, string, string, string];
  const { alg, kid } = decodeJson(header);
  if (alg === 'none' || signature === '') {
    if (!options.allowUnsecured) throw new OAuthBearerAuthError('Unsecured tokens are not accepted');
    if (alg !== 'none' || signature !== '') throw new OAuthBearerAuthError(`Unsecured token expected (alg none, no signature), got alg ${String(alg)}`);
    return decodeJson(payload);
  }
  if (!options.keys) throw new OAuthBearerAuthError('Signed tokens are not accepted: no sasl.oauthbearer.jwks.endpoint.url');
  if (!jwsSignatureValid(alg, kid, `${header}.${payload}`, Buffer.from(signature, 'base64url'), options.keys)) {
    throw new OAuthBearerAuthError(`The token's signature (alg ${String(alg)}) does not verify with the configured keys`);
  }
  return decodeJson(payload);
}

function checkAudienceAndIssuer(claims: Record<string, unknown>, options: OAuthBearerOptions): void {
  const expected = options.expectedAudience ?? [];
  if (expected.length > 0) {
    const aud = claims.aud;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.some((a) => typeof a === 'string' && expected.includes(a))) throw new OAuthBearerAuthError('The token is not for this audience');
  }
  if (options.expectedIssuer && claims.iss !== options.expectedIssuer) throw new OAuthBearerAuthError('The token has another issuer');
}

function decodeJson(part: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw new OAuthBearerAuthError('The token is not valid base64url JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new OAuthBearerAuthError('The token part is not a JSON object');
  return value as Record<string, unknown>;
}
