/**
 * A metric whose values are computed when Prometheus scrapes, registered into a prom-client
 * Registry (which only needs name, help, type and get()). prom-client does the text exposition
 * format and escaping; the values come from counters the broker keeps without allocating.
 */
import type { Registry } from 'prom-client';

export type Labels = Record<string, string | number>;
export interface Sample {
  labels: Labels;
  value: number;
  /** For histogram parts: `<name>_bucket`, `_sum`, `_count`. */
  metricName?: string;
}

export type MetricType = 'counter' | 'gauge' | 'histogram';

export function registerSnapshot(registry: Registry, name: string, help: string, type: MetricType, collect: () => Sample[]): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum' as const,
    get: async () => ({ name, help, type, aggregator: 'sum' as const, values: collect() }),
  };
  registry.registerMetric(metric as never);
}

/** The samples of one histogram series from cumulative bucket counts (last = +Inf). */
export function histogramSamples(name: string, labels: Labels, bounds: readonly number[], cumulative: readonly number[], sum: number): Sample[] {
  const out: Sample[] = [];
  for (let i = 0; i < bounds.length; i++) out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: bounds[i]! }, value: cumulative[i]! });
  const count = cumulative[cumulative.length - 1]!;
  out.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count });
  out.push({ metricName: `${name}_sum`, labels, value: sum });
  out.push({ metricName: `${name}_count`, labels, value: count });
  return out;
}
