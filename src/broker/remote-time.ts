/**
 * Lets a handler report time spent waiting on others (Kafka's RemoteTimeMs): a Fetch long poll,
 * a JoinGroup/SyncGroup parked until the rest of the group arrives, a Produce with acks=all
 * waiting for followers. The connection subtracts it from the handler time to get local time.
 */
import { performance } from 'node:perf_hooks';
import type { RequestContext } from './handler.js';

/** Resolves as `wait` does, adding the time it took to `ctx.remoteTimeMs`. */
export async function trackRemote<T>(ctx: RequestContext, wait: Promise<T> | T): Promise<T> {
  const startMs = performance.now();
  try {
    return await wait;
  } finally {
    ctx.remoteTimeMs = (ctx.remoteTimeMs ?? 0) + (performance.now() - startMs);
  }
}
