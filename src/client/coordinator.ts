/** FindCoordinator for a consumer group (key type 0) or a transactional id (key type 1), in the v0-3 or the v4+ (batched) form. */
import { Api } from './apis.js';
import type { Cluster } from './cluster.js';
import type { Connection } from './connection.js';
import { throwIfError } from './errors.js';
import { withRetries } from './retry.js';

export const CoordinatorType = { GROUP: 0, TRANSACTION: 1 } as const;

export function findGroupCoordinator(cluster: Cluster, groupId: string): Promise<Connection> {
  return findCoordinator(cluster, groupId, CoordinatorType.GROUP);
}

export function findCoordinator(cluster: Cluster, key: string, keyType: number): Promise<Connection> {
  const what = keyType === CoordinatorType.TRANSACTION ? 'transactional id' : 'group';
  return withRetries(cluster.options, async () => {
    const conn = await cluster.anyConnection();
    const v = conn.versionOf(Api.findCoordinator);
    const res = await conn.send(Api.findCoordinator, v >= 4 ? { keyType, coordinatorKeys: [key] } : { key, keyType });
    const c = v >= 4 ? res.coordinators![0]! : { errorCode: res.errorCode!, errorMessage: res.errorMessage ?? null, host: res.host!, port: res.port! };
    throwIfError(c.errorCode, `FindCoordinator for ${what} ${key}`, c.errorMessage);
    return cluster.connectionToAddress(c.host, c.port);
  });
}
