/**
 * SaslAuthenticate v0-v2: one SASL token each way. A failed exchange answers
 * SASL_AUTHENTICATION_FAILED and the connection then closes (see Connection.flush).
 * session_lifetime_ms is what connections.max.reauth.ms leaves (0: no limit); the client must
 * re-authenticate on the same connection before it runs out (KIP-368).
 */
import type { SaslAuthenticateRequest, SaslAuthenticateResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

export const handler: ApiHandler = {
  apiKey: 36,
  minVersion: 0,
  maxVersion: 2,
  handle(ctx: RequestContext, request: SaslAuthenticateRequest): SaslAuthenticateResponse {
    if (ctx.sasl === null) {
      return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, errorMessage: 'This listener does not use SASL', authBytes: Buffer.alloc(0), sessionLifetimeMs: 0 };
    }
    const result = ctx.sasl.authenticate(request.authBytes);
    if (result.errorCode !== ErrorCode.NONE) {
      ctx.broker.logger.info({ client: ctx.clientAddress, error: result.errorMessage }, 'SASL authentication failed');
    }
    return result;
  },
};
