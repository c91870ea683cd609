/**
 * The ClusterClient the console uses unless told otherwise, for `brook console` and for the
 * console a broker serves itself: Brook's own client (brook-client.ts).
 */
import type { ClusterClient } from './cluster-client.js';
import { BrookClusterClient } from './brook-client.js';

export function createClusterClient(bootstrapServers: string, options: { requestTimeoutMs?: number } = {}): ClusterClient {
  return new BrookClusterClient({ bootstrapServers, ...options });
}
