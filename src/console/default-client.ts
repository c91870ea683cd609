/**
 * The ClusterClient the console uses unless told otherwise, for `brook console` and for the
 * console a broker serves itself: one place to choose the implementation.
 */
import type { ClusterClient } from './cluster-client.js';
import { KafkajsClusterClient } from './kafkajs-client.js';

export function createClusterClient(bootstrapServers: string, options: { requestTimeoutMs?: number } = {}): ClusterClient {
  return new KafkajsClusterClient({ bootstrapServers, ...options });
}
