/**
 * AlterUserScramCredentials v0: upserts and deletes SCRAM credentials. Clients send the salt and
 * the salted password, so the broker never sees a password; it keeps StoredKey/ServerKey only
 * (src/security/credential-store.ts) and answers once they are durable. Results are per user: a
 * user with any invalid change gets that error and none of its changes applied, as Kafka.
 */
import type { AlterUserScramCredentialsRequest, AlterUserScramCredentialsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import {
  credentialFromSaltedPassword,
  SCRAM_MAX_ITERATIONS,
  SCRAM_MECHANISM_BY_CODE,
  SCRAM_MIN_ITERATIONS,
  type ScramCredential,
  type ScramMechanism,
} from '../../security/scram.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import { allowedOnCluster, Op } from '../../security/authorize.js';

type Result = AlterUserScramCredentialsResponse['results'][number];
interface Change {
  user: string;
  mechanismCode: number;
  upsert: { iterations: number; salt: Buffer; saltedPassword: Buffer } | null;
}
interface Problem {
  errorCode: number;
  errorMessage: string;
}

export const handler: ApiHandler = {
  apiKey: 51,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx: RequestContext, request: AlterUserScramCredentialsRequest): Promise<AlterUserScramCredentialsResponse> {
    const store = ctx.broker.security.credentials;
    if (!allowedOnCluster(ctx, Op.ALTER)) {
      const users = [...new Set([...request.deletions, ...request.upsertions].map((c) => c.name))];
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, errorMessage: null })) };
    }
    const changes: Change[] = [
      ...request.deletions.map((d) => ({ user: d.name, mechanismCode: d.mechanism, upsert: null })),
      ...request.upsertions.map((u) => ({ user: u.name, mechanismCode: u.mechanism, upsert: u })),
    ];
    const problems = new Map<string, Problem>();
    const seen = new Set<string>();
    for (const change of changes) {
      const key = `${change.user}\u0000${change.mechanismCode}`;
      const problem = seen.has(key)
        ? { errorCode: ErrorCode.DUPLICATE_RESOURCE, errorMessage: 'A user credential cannot be altered twice in the same request' }
        : problemOf(change, (user, mechanism) => store.get(user, mechanism) !== undefined);
      seen.add(key);
      if (problem && !problems.has(change.user)) problems.set(change.user, problem);
    }
    const valid = changes.filter((c) => !problems.has(c.user));
    await store.apply(
      valid.map((c) => {
        const mechanism = SCRAM_MECHANISM_BY_CODE.get(c.mechanismCode)!;
        const credential: ScramCredential | null = c.upsert
          ? credentialFromSaltedPassword(mechanism, c.upsert.salt, c.upsert.saltedPassword, c.upsert.iterations)
          : null;
        return { user: c.user, mechanism, credential };
      }),
    );
    const results: Result[] = [];
    for (const user of new Set(changes.map((c) => c.user))) {
      const problem = problems.get(user);
      results.push({ user, errorCode: problem?.errorCode ?? ErrorCode.NONE, errorMessage: problem?.errorMessage ?? null });
    }
    return { throttleTimeMs: 0, results };
  },
};

function problemOf(change: Change, exists: (user: string, mechanism: ScramMechanism) => boolean): Problem | null {
  const mechanism = SCRAM_MECHANISM_BY_CODE.get(change.mechanismCode);
  if (!mechanism) return { errorCode: ErrorCode.UNSUPPORTED_SASL_MECHANISM, errorMessage: 'Unknown SCRAM mechanism' };
  if (change.user === '') return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Username must not be empty' };
  if (!change.upsert) {
    if (!exists(change.user, mechanism)) return { errorCode: ErrorCode.RESOURCE_NOT_FOUND, errorMessage: 'Attempt to delete a user credential that does not exist' };
    return null;
  }
  const { iterations, salt, saltedPassword } = change.upsert;
  if (iterations < SCRAM_MIN_ITERATIONS) return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too few iterations' };
  if (iterations > SCRAM_MAX_ITERATIONS) return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Too many iterations' };
  if (salt.length === 0 || saltedPassword.length === 0) return { errorCode: ErrorCode.UNACCEPTABLE_CREDENTIAL, errorMessage: 'Salt and salted password must not be empty' };
  return null;
}
