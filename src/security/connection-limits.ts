/**
 * `max.connections.per.ip` and `max.connections.per.ip.overrides` (`host:count,host:count`; a
 * host may be a name or an IP, as Kafka): live connections counted per client IP. With the
 * defaults (no limit, no override) nothing is counted.
 */
import { ConfigError } from '../config/config-error.js';

export class ConnectionLimits {
  private readonly counts = new Map<string, number>();
  private readonly unlimited: boolean;

  constructor(
    private readonly perIp: number,
    private readonly overrides: ReadonlyMap<string, number>,
  ) {
    this.unlimited = perIp >= 0x7fffffff && overrides.size === 0;
  }

  /** Counts a new connection from this remote IP; false when the IP is at its limit. */
  tryAcquire(address: string): boolean {
    if (this.unlimited) return true;
    const ip = normaliseIp(address);
    const count = this.counts.get(ip) ?? 0;
    if (count >= (this.overrides.get(ip) ?? this.perIp)) return false;
    this.counts.set(ip, count + 1);
    return true;
  }

  release(address: string): void {
    if (this.unlimited) return;
    const ip = normaliseIp(address);
    const count = this.counts.get(ip) ?? 0;
    if (count <= 1) this.counts.delete(ip);
    else this.counts.set(ip, count - 1);
  }
}

/** The socket's remote IP; IPv4 clients of a dual-stack listener appear as `::ffff:a.b.c.d`. */
export function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

export function parseConnectionOverrides(value: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of value.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const at = entry.lastIndexOf(':');
    const count = Number(entry.slice(at + 1));
    if (at <= 0 || !Number.isInteger(count) || count < 0) {
      throw ConfigError.invalid('max.connections.per.ip.overrides', value, `expected host:count pairs, got "${entry}"`);
    }
    out.set(entry.slice(0, at), count);
  }
  return out;
}
