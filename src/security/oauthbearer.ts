/**
 * SASL OAUTHBEARER (RFC 7628) server side with unsecured JWS tokens (`alg: none`, empty
 * signature), as Kafka's OAuthBearerUnsecuredValidatorCallbackHandler: the client's one message
 * is `n,[a=authzid],` SOH `auth=Bearer <token>` SOH [key=value SOH ...] SOH; the token's
 * principal claim (`sasl.oauthbearer.sub.claim.name`, default `sub`) names the user; `exp` is
 * required and, like `iat`, checked with `sasl.oauthbearer.clock.skew.seconds` of tolerance.
 * Signed tokens (validation against keys) are not supported: they are refused.
 */
export class OAuthBearerAuthError extends Error {}

export interface OAuthBearerOptions {
  principalClaim: string;
  clockSkewMs: number;
  nowMs: number;
}

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
  const claims = unsecuredClaims(token);
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

function unsecuredClaims(token: string): Record<string, unknown> {
  const parts = TOKEN.exec(token);
  if (!parts) throw new OAuthBearerAuthError('The token is not a compact JWS');
  const [, header, payload, signature] = parts as unknown as [string, string, string, string];
  if (signature !== '') throw new OAuthBearerAuthError('Signed tokens are not supported (only unsecured tokens)');
  const alg = decodeJson(header).alg;
  if (alg !== 'none') throw new OAuthBearerAuthError(`Unsecured token expected (alg none), got alg ${String(alg)}`);
  return decodeJson(payload);
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
