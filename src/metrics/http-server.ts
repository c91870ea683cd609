/**
 * The metrics HTTP endpoint: `/metrics` (Prometheus text format), `/health` (the process answers)
 * and `/ready` (the broker accepts clients). Plain node:http: three GET routes need no framework.
 */
import http from 'node:http';
import { listen, type ListeningServer } from '../http/listen.js';
import type { Registry } from 'prom-client';

export interface MetricsServerOptions {
  registry: Registry;
  /** True once the broker listens and has loaded its topics, false again while stopping. */
  ready: () => boolean;
  port: number;
  /** Default 0.0.0.0 (Prometheus scrapes from elsewhere). */
  host?: string;
  onError?: (err: unknown) => void;
}

export type MetricsServer = ListeningServer;

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    handle(options, req, res).catch((err: unknown) => {
      options.onError?.(err);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('metrics collection failed\n');
    });
  });
  // Scrapers keep connections alive; close() should not wait for them.
  server.keepAliveTimeout = 5_000;
  const host = options.host ?? '0.0.0.0';
  return listen(server, options.port, host);
}

async function handle(options: MetricsServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'only GET is supported\n', { allow: 'GET, HEAD' });
  switch (path) {
    case '/metrics': {
      const body = await options.registry.metrics();
      return send(res, 200, body, { 'content-type': options.registry.contentType });
    }
    case '/health':
      return send(res, 200, 'ok\n');
    case '/ready':
      return options.ready() ? send(res, 200, 'ready\n') : send(res, 503, 'not ready\n');
    default:
      return send(res, 404, 'not found: try /metrics, /health or /ready\n');
  }
}

function send(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}
