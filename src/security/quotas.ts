/**
 * Client quotas: produce and fetch byte rates and request time per user and client id, enforced as
 * Kafka does (KIP-13, KIP-55, KIP-124, KIP-219). A request's bytes are recorded against the quota that applies to its
 * (user, client id); when the rate goes over it, the response carries throttle_time_ms and the
 * connection stops reading for that long (the Connection mutes itself on any throttled response).
 *
 * Which quota applies: the first configured of, in Kafka's order,
 *   user=U,client-id=C · user=U,client-id=<default> · user=U · user=<default>,client-id=C ·
 *   user=<default>,client-id=<default> · user=<default> · client-id=C · client-id=<default>
 * and the rate is shared by everything the matched entity names: `user=U` alone is one rate for
 * all of U's clients; a default quota gives each user (or client id) a rate of its own.
 */
import { RateBudget, type RateWindow } from './quota-rate.js';
import { QuotaStore } from './quota-store.js';

export const PRODUCE_BYTE_RATE = 'producer_byte_rate';
export const FETCH_BYTE_RATE = 'consumer_byte_rate';
/** Kafka's request time quota (KIP-124): a share of one request handler thread, in percent. */
export const REQUEST_PERCENTAGE = 'request_percentage';
/** 100% is a whole thread: 1000 ms of request time per second, so 10 ms/s per percent. */
const REQUEST_MS_PER_SEC_PER_PERCENT = 10;

interface Resolved {
  version: number;
  /** Bytes per second, or null when no quota applies. */
  bound: number | null;
  sensorKey: string;
}

/** Sensors idle this long are dropped once there are many (Kafka expires them after an hour). */
const MAX_IDLE_SENSORS = 10_000;

export class ClientQuotas {
  private readonly sensors = new Map<string, RateBudget>();
  private readonly resolved = new Map<string, Resolved>();

  constructor(
    readonly store: QuotaStore,
    private readonly window: RateWindow,
    private readonly clock: () => number,
  ) {}

  /** Records `bytes` for the request's client; returns the throttle time (0 when within quota). */
  record(quotaKey: string, principal: string, clientId: string | null, bytes: number, unitsPerSecPerQuota = 1): number {
    if (this.store.isEmpty) return 0;
    const user = principal.startsWith('User:') ? principal.slice(5) : principal;
    const client = clientId ?? '';
    const quota = this.resolve(quotaKey, user, client);
    if (quota.bound === null) return 0;
    const nowMs = this.clock();
    let sensor = this.sensors.get(quota.sensorKey);
    if (!sensor) {
      if (this.sensors.size >= MAX_IDLE_SENSORS) this.dropIdle(nowMs);
      sensor = new RateBudget(this.window, nowMs);
      this.sensors.set(quota.sensorKey, sensor);
    }
    return sensor.record(bytes, quota.bound * unitsPerSecPerQuota, nowMs);
  }

  /** Records a request's time (ms) against request_percentage; returns the throttle time (0 within quota). */
  recordRequestTime(principal: string, clientId: string | null, timeMs: number): number {
    return this.record(REQUEST_PERCENTAGE, principal, clientId, timeMs, REQUEST_MS_PER_SEC_PER_PERCENT);
  }

  /** The quota value that applies to (user, client id) for `quotaKey`, or null (for tools and tests). */
  boundFor(quotaKey: string, user: string, clientId: string): number | null {
    return this.resolve(quotaKey, user, clientId).bound;
  }

  private resolve(quotaKey: string, user: string, client: string): Resolved {
    const cacheKey = `${quotaKey}\u0000${user}\u0000${client}`;
    const cached = this.resolved.get(cacheKey);
    if (cached && cached.version === this.store.version) return cached;
    const u = `user=${user}`;
    const c = `client-id=${client}`;
    const levels: [string, boolean, boolean][] = [
      [`${u},${c}`, true, true],
      [`${u},client-id=<default>`, true, true],
      [u, true, false],
      [`user=<default>,${c}`, true, true],
      ['user=<default>,client-id=<default>', true, true],
      ['user=<default>', true, false],
      [c, false, true],
      ['client-id=<default>', false, true],
    ];
    let result: Resolved = { version: this.store.version, bound: null, sensorKey: '' };
    for (const [entity, byUser, byClient] of levels) {
      const bound = this.store.get(entity, quotaKey);
      if (bound === undefined) continue;
      result = { version: this.store.version, bound, sensorKey: `${quotaKey}\u0000${byUser ? user : ''}\u0000${byClient ? client : ''}` };
      break;
    }
    if (this.resolved.size >= MAX_IDLE_SENSORS) this.resolved.clear();
    this.resolved.set(cacheKey, result);
    return result;
  }

  private dropIdle(nowMs: number): void {
    const idleMs = this.window.samples * this.window.windowMs;
    for (const [key, sensor] of this.sensors) if (nowMs - sensor.lastRecordMs > idleMs) this.sensors.delete(key);
  }
}
