/** FindCoordinator for a consumer group (key type 0), in the v0-3 or the v4+ (batched) form. */
import { Api } from './apis.js';
import type { Cluster } from './cluster.js';
import type { Connection } from './connection.js';
import { throwIfError } from './errors.js';
import { withRetries } from './retry.js';

export function findGroupCoordinator(cluster: Cluster, groupId: string): Promise<Connection> {
  return withRetries(cluster.options, async () => {
    const conn = await cluster.anyConnection();
    const v = conn.versionOf(Api.findCoordinator);
    const res = await conn.send(Api.findCoordinator, v >= 4 ? { keyType: 0, coordinatorKeys: [groupId] } : { key: groupId, keyType: 0 });
    const c = v >= 4 ? res.coordinators![0]! : { errorCode: res.errorCode!, errorMessage: res.errorMessage ?? null, host: res.host!, port: res.port! };
    throwIfError(c.errorCode, `FindCoordinator for group ${groupId}`, c.errorMessage);
    return cluster.connectionToAddress(c.host, c.port);
  });
}
