/**
 * The console's HTTP server: the JSON API under /api/ and the pre-built static pages (esbuild output)
 * for everything else. Nothing is fetched at run time: the pages are files on disk, built by
 * `npm run build` into dist/console-web/.
 */
import http from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listen, type ListeningServer } from '../http/listen.js';
import type { ClusterClient } from './cluster-client.js';
import { handleApi } from './api.js';

const MAX_BODY_BYTES = 2 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
};

/** dist/src/console/server.js -> dist/console-web/ (built by scripts/build-console.mjs). */
export const defaultAssetsDir = fileURLToPath(new URL('../../console-web/', import.meta.url));

export interface ConsoleServerOptions {
  client: ClusterClient;
  port: number;
  /** Default 127.0.0.1: the console can create and delete topics, keep it local unless asked. */
  host?: string;
  assetsDir?: string;
}

export type ConsoleServer = ListeningServer;

export async function startConsoleServer(options: ConsoleServerOptions): Promise<ConsoleServer> {
  const assetsDir = resolve(options.assetsDir ?? defaultAssetsDir);
  const server = http.createServer((req, res) => {
    serve(options.client, assetsDir, req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: `console error: ${(err as Error)?.message ?? String(err)}` });
      else res.destroy();
    });
  });
  const host = options.host ?? '127.0.0.1';
  return listen(server, options.port, host);
}

async function serve(client: ClusterClient, assetsDir: string, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://console');
  if (url.pathname === '/api' || url.pathname.startsWith('/api/')) {
    const method = req.method ?? 'GET';
    let body: unknown;
    if (method === 'POST' || method === 'PUT') {
      // Requiring JSON also keeps plain cross-site form posts out (they cannot set this type).
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
        return sendJson(res, 415, { error: 'send the request body as JSON (content-type: application/json)' });
      }
      const raw = await readBody(req);
      if (raw === null) return sendJson(res, 413, { error: `request body is larger than ${MAX_BODY_BYTES} bytes` });
      try {
        body = JSON.parse(raw.toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: 'request body is not valid JSON' });
      }
    }
    const answer = await handleApi(client, { method, path: url.pathname, query: url.searchParams, body });
    return sendJson(res, answer.status, answer.body);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { error: 'pages are GET only' });
  return serveAsset(assetsDir, url.pathname, res);
}

function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((done, fail) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done(null);
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => done(size > MAX_BODY_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', fail);
  });
}

async function serveAsset(assetsDir: string, pathname: string, res: http.ServerResponse): Promise<void> {
  let file = resolve(join(assetsDir, decodeURIComponent(pathname)));
  if (file !== assetsDir && !file.startsWith(assetsDir + sep)) return sendText(res, 404, 'not found');
  // The pages route with #fragments; any other path that is not a built file gets the app.
  if (!(await isFile(file))) file = join(assetsDir, 'index.html');
  if (!(await isFile(file))) {
    return sendText(res, 503, `The console pages are not built (no ${file}). Run \`npm run build\` in the Brook checkout.`);
  }
  const body = await readFile(file);
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
    // Assets are named by content hash; index.html must always be re-read.
    'cache-control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
    'content-security-policy': "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}
