/**
 * Kafka Connect's REST API on node:http. Routes, statuses and bodies follow Kafka's
 * ConnectorsResource / ConnectorPluginsResource; errors are `{"error_code": status, "message"}`.
 */
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../../log/logger.js';
import { ConnectRestError } from '../runtime/errors.js';
import type { Herder } from '../runtime/herder-api.js';
import type { PluginRegistry } from '../runtime/plugins.js';

const MAX_BODY_BYTES = 1 << 20;

interface Reply {
  status: number;
  body?: unknown;
}

type Handler = (req: { params: string[]; query: URLSearchParams; body: () => Promise<unknown> }) => Promise<Reply> | Reply;

export interface RestOptions {
  herder: Herder;
  plugins: PluginRegistry;
  logger: Logger;
  version: string;
}

export class ConnectRestServer {
  private readonly server: Server;
  private readonly routes: Array<{ method: string; pattern: RegExp; handler: Handler }> = [];

  constructor(private readonly o: RestOptions) {
    this.defineRoutes();
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  listen(port: number, host: string): Promise<{ port: number; host: string }> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        const a = this.server.address() as AddressInfo;
        resolve({ port: a.port, host });
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private route(method: string, path: string, handler: Handler): void {
    // `{x}` segments capture one URL-encoded path segment.
    this.routes.push({ method, pattern: new RegExp(`^${path.replace(/\{[a-z]+\}/g, '([^/]+)')}/?$`), handler });
  }

  private defineRoutes(): void {
    const h = this.o.herder;
    const name = (p: string[]) => p[0]!;
    const taskId = (p: string[]) => {
      const id = Number(p[1]);
      if (!Number.isInteger(id) || id < 0) throw new ConnectRestError(404, `Task ${p[0]}-${p[1]} not found`);
      return id;
    };
    this.route('GET', '', () => ({ status: 200, body: { version: this.o.version, commit: 'brook', kafka_cluster_id: null } }));
    this.route('GET', '/connectors', ({ query }) => {
      const names = h.connectorNames();
      const expand = query.getAll('expand');
      if (expand.length === 0) return { status: 200, body: names };
      const body: Record<string, Record<string, unknown>> = {};
      for (const n of names) {
        body[n] = {};
        if (expand.includes('status')) body[n]['status'] = h.status(n);
        if (expand.includes('info')) body[n]['info'] = h.connectorInfo(n);
      }
      return { status: 200, body };
    });
    this.route('POST', '/connectors', async ({ body }) => {
      const req = (await body()) as { name?: unknown; config?: unknown };
      if (typeof req?.name !== 'string' || req.name === '') throw new ConnectRestError(400, 'Connector name is required: field name');
      const config = stringMap(req.config ?? {});
      if (config['name'] !== undefined && config['name'] !== req.name) throw new ConnectRestError(400, 'Connector name configuration (' + config['name'] + ') doesn\'t match connector name in the URL (' + req.name + ')');
      const { info } = await h.putConnectorConfig(req.name, config, false);
      return { status: 201, body: info };
    });
    this.route('GET', '/connectors/{name}', ({ params }) => ({ status: 200, body: h.connectorInfo(name(params)) }));
    this.route('GET', '/connectors/{name}/config', ({ params }) => ({ status: 200, body: h.connectorConfig(name(params)) }));
    this.route('PUT', '/connectors/{name}/config', async ({ params, body }) => {
      const config = stringMap(await body());
      if (config['name'] !== undefined && config['name'] !== name(params)) throw new ConnectRestError(400, `Connector name configuration (${config['name']}) doesn't match connector name in the URL (${name(params)})`);
      const { created, info } = await h.putConnectorConfig(name(params), config, true);
      return { status: created ? 201 : 200, body: info };
    });
    this.route('GET', '/connectors/{name}/status', ({ params }) => ({ status: 200, body: h.status(name(params)) }));
    this.route('GET', '/connectors/{name}/tasks', ({ params }) => ({ status: 200, body: h.taskConfigs(name(params)) }));
    this.route('GET', '/connectors/{name}/tasks/{id}/status', ({ params }) => ({ status: 200, body: h.taskStatusOf(name(params), taskId(params)) }));
    this.route('POST', '/connectors/{name}/tasks/{id}/restart', async ({ params }) => {
      await h.restartTask(name(params), taskId(params));
      return { status: 204 };
    });
    this.route('POST', '/connectors/{name}/restart', async ({ params, query }) => {
      const includeTasks = query.get('includeTasks') === 'true';
      const onlyFailed = query.get('onlyFailed') === 'true';
      const status = await h.restart(name(params), includeTasks, onlyFailed);
      // Kafka answers the plain restart with 204 and the KIP-745 form with 202 + status.
      return includeTasks || onlyFailed ? { status: 202, body: status } : { status: 204 };
    });
    this.route('PUT', '/connectors/{name}/pause', async ({ params }) => {
      await h.pause(name(params));
      return { status: 202 };
    });
    this.route('PUT', '/connectors/{name}/resume', async ({ params }) => {
      await h.resume(name(params));
      return { status: 202 };
    });
    this.route('PUT', '/connectors/{name}/stop', async ({ params }) => {
      await h.stop(name(params));
      return { status: 202 };
    });
    this.route('DELETE', '/connectors/{name}', async ({ params }) => {
      await h.delete(name(params));
      return { status: 204 };
    });
    this.route('GET', '/connectors/{name}/offsets', async ({ params }) => ({ status: 200, body: await h.offsets(name(params)) }));
    this.route('GET', '/connectors/{name}/topics', ({ params }) => ({ status: 200, body: { [name(params)]: h.connectorTopics(name(params)) } }));
    this.route('PUT', '/connectors/{name}/topics/reset', async ({ params }) => {
      await h.resetConnectorTopics(name(params));
      return { status: 200 };
    });
    this.route('PATCH', '/connectors/{name}/offsets', async ({ params, body }) => ({ status: 200, body: await h.alterOffsets(name(params), await body()) }));
    this.route('DELETE', '/connectors/{name}/offsets', async ({ params }) => ({ status: 200, body: await h.resetOffsets(name(params)) }));
    // Connectors only: converters and transforms are built in, not listed (connectorsOnly=false is not supported).
    this.route('GET', '/connector-plugins', () => ({ status: 200, body: this.o.plugins.list() }));
    this.route('PUT', '/connector-plugins/{plugin}/config/validate', async ({ params, body }) => {
      const config = stringMap(await body());
      const plugin = params[0]!;
      if (config['connector.class'] !== undefined && this.o.plugins.find(config['connector.class']) !== this.o.plugins.find(plugin)) {
        throw new ConnectRestError(400, 'Included connector type ' + config['connector.class'] + ' does not match request type ' + plugin);
      }
      return { status: 200, body: h.validate(plugin, { 'connector.class': plugin, ...config }) };
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '');
    let reply: Reply;
    try {
      const matches = this.routes.map((r) => ({ r, m: r.pattern.exec(path) })).filter((x) => x.m !== null);
      const match = matches.find((x) => x.r.method === req.method);
      if (!match) throw new ConnectRestError(matches.length > 0 ? 405 : 404, matches.length > 0 ? 'HTTP 405 Method Not Allowed' : 'HTTP 404 Not Found');
      const params = match.m!.slice(1).map((s) => decodeURIComponent(s));
      const leader = req.method !== 'GET' && path.startsWith('/connectors') ? (this.o.herder.forwardUrl?.() ?? null) : null;
      if (leader !== null) return await forward(req, res, leader + url.pathname + url.search);
      reply = await match.r.handler({ params, query: url.searchParams, body: () => readJson(req) });
    } catch (err) {
      if (err instanceof ConnectRestError) reply = { status: err.status, body: { error_code: err.status, message: err.message } };
      else {
        this.o.logger.error({ err: err instanceof Error ? err.stack : String(err), path }, 'REST request failed');
        reply = { status: 500, body: { error_code: 500, message: err instanceof Error ? err.message : String(err) } };
      }
    }
    if (reply.body === undefined) {
      res.writeHead(reply.status).end();
      return;
    }
    const text = JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
  }
}

/** Distributed mode: changes go to the leader, its answer goes back unchanged. */
async function forward(req: IncomingMessage, res: ServerResponse, target: string): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const answer = await fetch(target, { method: req.method!, headers: body ? { 'content-type': 'application/json' } : {}, body });
  const text = await answer.text();
  res.writeHead(answer.status, text === '' ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ConnectRestError(413, 'Request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new ConnectRestError(400, 'Request body is empty');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConnectRestError(400, `Invalid JSON in request body: ${(err as Error).message}`);
  }
}

/** Connector configs are string maps; numbers and booleans are accepted and stringified. */
function stringMap(v: unknown): Record<string, string> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ConnectRestError(400, 'Connector config must be a JSON object');
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
    if (x === null || typeof x === 'object') throw new ConnectRestError(400, `Invalid value for configuration ${k}: must be a string`);
    out[k] = String(x);
  }
  return out;
}
