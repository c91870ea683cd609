/** ApiVersions v0-v4: what this broker speaks, derived from the registered handlers. */
import type { ApiVersionsRequest, ApiVersionsResponse } from '../../protocol/generated/index.js';
import { apis } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

/** The advertised version ranges: each handler's range clipped to what the codecs know. */
export function apiVersionsBody(handlers: Iterable<ApiHandler>): ApiVersionsResponse {
  const apiKeys = [];
  for (const handler of handlers) {
    const spec = apis[handler.apiKey];
    if (!spec) continue;
    const minVersion = Math.max(handler.minVersion, spec.minVersion);
    const maxVersion = Math.min(handler.maxVersion, spec.maxVersion);
    if (minVersion <= maxVersion) apiKeys.push({ apiKey: handler.apiKey, minVersion, maxVersion });
  }
  apiKeys.sort((a, b) => a.apiKey - b.apiKey);
  return { errorCode: ErrorCode.NONE, apiKeys, throttleTimeMs: 0 };
}

export const handler: ApiHandler = {
  apiKey: 18,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, _request: ApiVersionsRequest): ApiVersionsResponse {
    return apiVersionsBody(ctx.broker.handlers.values());
  },
};
