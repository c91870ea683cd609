/**
 * SaslHandshake v0-v1: picks the connection's SASL mechanism. v1 clients then send
 * SaslAuthenticate; v0 clients send raw tokens (handled in Connection). On a listener without
 * SASL the answer is ILLEGAL_SASL_STATE, as Kafka.
 */
import type { SaslHandshakeRequest, SaslHandshakeResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

export const handler: ApiHandler = {
  apiKey: 17,
  minVersion: 0,
  maxVersion: 1,
  handle(ctx: RequestContext, request: SaslHandshakeRequest): SaslHandshakeResponse {
    if (ctx.sasl === null) return { errorCode: ErrorCode.ILLEGAL_SASL_STATE, mechanisms: [] };
    return ctx.sasl.handshake(request.mechanism, ctx.apiVersion);
  },
};
