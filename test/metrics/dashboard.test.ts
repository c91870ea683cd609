// docs/grafana-dashboard.json must only chart metrics Brook exports (catches renames).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BrokerMetrics } from '../../src/metrics/broker-metrics.js';
import { createMetricsRegistry } from '../../src/metrics/registry.js';

// Compiled to <out>/test/metrics/: the repository root is three levels up.
const dashboardPath = new URL('../../../docs/grafana-dashboard.json', import.meta.url);

test('every brook_* metric in the Grafana dashboard is exported', async () => {
  const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as { panels: { targets?: { expr: string }[] }[] };
  const exprs = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));
  const used = new Set(exprs.flatMap((e) => e.match(/brook_\w+/g) ?? []).map((n) => n.replace(/_(bucket|sum|count)$/, '')));
  assert.ok(used.size >= 10, `dashboard uses ${used.size} brook metrics`);
  const registry = createMetricsRegistry(new BrokerMetrics(), { nodeId: 0, clusterId: 'c', connectionCount: () => 0, topics: () => [] }, { processMetrics: false });
  const exported = new Set(registry.getMetricsAsArray().map((m) => m.name));
  for (const name of used) assert.ok(exported.has(name), `${name} is charted but not exported`);
});
