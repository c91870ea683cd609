/**
 * The request time quota (`request_percentage`, KIP-124) applied to a finished request: its
 * local time (handler time without waits on others, Kafka's request thread time) is recorded for
 * its user and client id, and an over-quota client gets the larger of this throttle and the one
 * its handler set (byte rates) as `throttle_time_ms`; the Connection then mutes it that long.
 *
 * Exempt, as in Kafka: SASL exchanges (handled before the request pipeline there) and the
 * inter-broker requests (follower Fetch, WriteTxnMarkers) that need CLUSTER_ACTION.
 */
import type { RequestContext } from '../broker/handler.js';

const FETCH = 1;
const SASL_HANDSHAKE = 17;
const WRITE_TXN_MARKERS = 27;
const SASL_AUTHENTICATE = 36;

/** `response`, or a copy carrying the request quota's throttle when that is longer. */
export function withRequestThrottle<T>(ctx: RequestContext, request: unknown, response: T, localTimeMs: number): T {
  const quotas = ctx.broker.security.quotas;
  if (quotas.store.isEmpty || isExempt(ctx.apiKey, request)) return response;
  const throttleMs = quotas.recordRequestTime(ctx.principal, ctx.clientId, Math.max(0, localTimeMs));
  const current = (response as { throttleTimeMs?: number }).throttleTimeMs ?? 0;
  if (throttleMs <= current || typeof response !== 'object' || response === null) return response;
  // A copy: handlers may answer with shared objects.
  return { ...response, throttleTimeMs: throttleMs };
}

function isExempt(apiKey: number, request: unknown): boolean {
  if (apiKey === SASL_HANDSHAKE || apiKey === SASL_AUTHENTICATE || apiKey === WRITE_TXN_MARKERS) return true;
  if (apiKey !== FETCH) return false;
  const fetch = request as { replicaId?: number; replicaState?: { replicaId?: number } | null };
  return (fetch.replicaState?.replicaId ?? fetch.replicaId ?? -1) >= 0;
}
