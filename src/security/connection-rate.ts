/**
 * `connection_creation_rate` quotas of `ip` entities (KIP-612): new connections per second from
 * one IP, the IP's own quota or the `<default>` ip quota (each IP its own rate). A connection over
 * the rate is refused (closed at once) and not counted, so a client retrying slower gets in at the
 * quota rate. The burst is that of the other quotas (quota-rate.ts). With no quota set, nothing
 * is counted.
 */
import { RateBudget, type RateWindow } from './quota-rate.js';
import { CONNECTION_CREATION_RATE, type QuotaStore } from './quota-store.js';
import { normaliseIp } from './connection-limits.js';

/** Sensors of IPs idle for a whole span are dropped once there are this many. */
const MAX_IDLE_SENSORS = 10_000;

export class ConnectionRates {
  private readonly sensors = new Map<string, RateBudget>();

  constructor(
    private readonly store: QuotaStore,
    private readonly window: RateWindow,
    private readonly clock: () => number,
  ) {}

  /** Counts a new connection from `address`; false (not counted) when its IP is over its rate. */
  tryRecord(address: string): boolean {
    if (this.store.isEmpty) return true;
    const ip = normaliseIp(address);
    const bound = this.store.get(`ip=${ip}`, CONNECTION_CREATION_RATE) ?? this.store.get('ip=<default>', CONNECTION_CREATION_RATE);
    if (bound === undefined) return true;
    const nowMs = this.clock();
    let sensor = this.sensors.get(ip);
    if (!sensor) {
      if (this.sensors.size >= MAX_IDLE_SENSORS) this.dropIdle(nowMs);
      sensor = new RateBudget(this.window, nowMs);
      this.sensors.set(ip, sensor);
    }
    if (sensor.record(1, bound, nowMs) === 0) return true;
    sensor.unrecord(1, bound);
    return false;
  }

  private dropIdle(nowMs: number): void {
    const idleMs = this.window.samples * this.window.windowMs;
    for (const [ip, sensor] of this.sensors) if (nowMs - sensor.lastRecordMs > idleMs) this.sensors.delete(ip);
  }
}
