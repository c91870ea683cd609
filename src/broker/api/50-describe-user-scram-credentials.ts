/**
 * DescribeUserScramCredentials v0: which SCRAM mechanisms (and iteration counts) each user has;
 * never the credentials. No users (null or empty) means every user.
 */
import type { DescribeUserScramCredentialsRequest, DescribeUserScramCredentialsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { SCRAM_CODE_BY_MECHANISM } from '../../security/scram.js';
import type { ApiHandler, RequestContext } from '../handler.js';

import { allowedOnCluster, Op } from '../../security/authorize.js';

type Result = DescribeUserScramCredentialsResponse['results'][number];

export const handler: ApiHandler = {
  apiKey: 50,
  minVersion: 0,
  maxVersion: 0,
  handle(ctx: RequestContext, request: DescribeUserScramCredentialsRequest): DescribeUserScramCredentialsResponse {
    if (!allowedOnCluster(ctx, Op.DESCRIBE)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null, results: [] };
    const all = ctx.broker.security.credentials.list();
    const names = request.users && request.users.length > 0 ? request.users.map((u) => u.name) : [...all.keys()].sort();
    const seen = new Map<string, number>();
    for (const name of names) seen.set(name, (seen.get(name) ?? 0) + 1);
    const results: Result[] = [];
    for (const [name, count] of seen) {
      const mechanisms = all.get(name);
      if (count > 1) {
        results.push({ user: name, errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'Cannot describe SCRAM credentials for the same user twice in a single request', credentialInfos: [] });
      } else if (!mechanisms) {
        results.push({ user: name, errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: `Attempt to describe a user credential that does not exist: ${name}`, credentialInfos: [] });
      } else {
        const credentialInfos = [...mechanisms].map(([mechanism, c]) => ({ mechanism: SCRAM_CODE_BY_MECHANISM[mechanism], iterations: c.iterations }));
        results.push({ user: name, errorCode: ErrorCode.NONE, errorMessage: null, credentialInfos });
      }
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
  },
};
