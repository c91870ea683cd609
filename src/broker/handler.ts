/**
 * The shape every API handler has. One file per API key under ./api registers one handler; the
 * list in ./api/index.ts is what the router dispatches on and what ApiVersions advertises.
 */
import type { Broker } from './broker.js';
import type { SaslSession } from '../security/sasl-session.js';
import type { ResponseMemory } from './response-memory.js';

export interface RequestContext {
  readonly apiKey: number;
  readonly apiVersion: number;
  readonly correlationId: number;
  readonly clientId: string | null;
  /** `host:port` of the peer, for logs. */
  readonly clientAddress: string;
  /** Name of the listener the request came through (absent outside connections: the first). */
  readonly listenerName?: string;
  readonly broker: Broker;
  /** Who sent the request: `User:ANONYMOUS`, `User:<SASL user>` or `User:<TLS subject DN>`. */
  readonly principal: string;
  /** The connection's SASL state on a SASL listener, else null. */
  readonly sasl: SaslSession | null;
  /** Time the handler waited on others so far (trackRemote() in remote-time.ts adds to it). */
  remoteTimeMs?: number;
  /** What the connection holds for responses; Fetch reads within it. Absent outside connections. */
  readonly responseMemory?: ResponseMemory;
}

/** Returned by a handler that must not answer (Produce with acks=0). */
export const NO_RESPONSE = Symbol('no response');

export interface ApiHandler {
  readonly apiKey: number;
  readonly minVersion: number;
  readonly maxVersion: number;
  // Request and response types come from the generated codec of this API key; the router decodes
  // with the generated decoder of the same key, so the pairing is checked where each handler is
  // written (it types its own parameter).
  handle(ctx: RequestContext, request: any): unknown | Promise<unknown>;
}
