/**
 * The console's JSON API: routes, input checks, and the calls into the ClusterClient. Pure over
 * (method, path, query, body) so tests drive it without sockets; server.ts does the HTTP.
 *
 *   GET    /api/overview
 *   GET    /api/topics?search=text
 *   POST   /api/topics                         {name, partitions, replicationFactor?, configs?}
 *   GET    /api/topics/:name
 *   DELETE /api/topics/:name?confirm=:name     the name again, as the confirmation
 *   GET    /api/topics/:name/messages?partition=0&offset=0&limit=50   (or &timestamp=ms instead of offset)
 *   POST   /api/topics/:name/messages          {partition?, key?, value?, headers?: [{key, value}]}
 *   PUT    /api/topics/:name/configs           {configs: {"retention.ms": "60000", "cleanup.policy": null}}
 *   GET    /api/groups
 *   GET    /api/groups/:id
 *   POST   /api/groups/:id/offsets             {to: "earliest"|"latest"|"offset"|"timestamp", offset?, timestamp?, topic?, partitions?}
 *                                              (only while the group is empty: 409 otherwise)
 */
import { ClusterRequestError, type ClusterClient } from './cluster-client.js';
import type { ResetOffsetsRequest, ResetTarget } from './reset-offsets.js';
import { BadRequest, configChanges, configs, headers, integer, nullableString, object, optionalInteger, topicName } from './validate.js';

export interface ApiRequest {
  method: string;
  /** Path without the query, still percent-encoded. */
  path: string;
  query: URLSearchParams;
  /** Parsed JSON body, or undefined when there was none. */
  body: unknown;
}

export interface ApiResponse {
  status: number;
  body: unknown;
}

const MAX_PARTITIONS = 10_000;
const MAX_BROWSE_LIMIT = 500;
const MAX_MESSAGE_CHARS = 1_000_000;
const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

export async function handleApi(client: ClusterClient, req: ApiRequest): Promise<ApiResponse> {
  try {
    return await route(client, req);
  } catch (err) {
    if (err instanceof BadRequest) return { status: 400, body: { error: err.message } };
    if (err instanceof ClusterRequestError) return { status: err.status, body: { error: err.message } };
    return { status: 502, body: { error: `the cluster did not answer: ${(err as Error)?.message ?? String(err)}` } };
  }
}

async function route(client: ClusterClient, req: ApiRequest): Promise<ApiResponse> {
  const parts = req.path.split('/').slice(2).map(decodeSegment); // ['', 'api', ...]
  const [resource, id, sub] = parts;
  if (parts.length > 3) return notFound(req);
  if (resource === 'overview' && parts.length === 1) return only(req, 'GET', async () => ok(await client.overview()));
  if (resource === 'topics') {
    if (id === undefined) {
      if (req.method === 'POST') return createTopic(client, req.body);
      return only(req, 'GET', async () => ok(filterTopics(await client.listTopics(), req.query.get('search'))));
    }
    const name = topicName(id);
    if (sub === undefined) {
      if (req.method === 'DELETE') return deleteTopic(client, name, req.query.get('confirm'));
      return only(req, 'GET', async () => ok(await client.topic(name)));
    }
    if (sub === 'configs') {
      return only(req, 'PUT', async () => {
        await client.alterTopicConfigs(name, configChanges(object(req.body, 'request body')['configs']));
        return ok(await client.topic(name));
      });
    }
    if (sub === 'messages') {
      if (req.method === 'POST') return produce(client, name, req.body);
      return only(req, 'GET', () => browse(client, name, req.query));
    }
  }
  if (resource === 'groups') {
    if (id === undefined) return only(req, 'GET', async () => ok(await client.listGroups()));
    if (sub === undefined) return only(req, 'GET', async () => ok(await client.group(groupId(id))));
    if (sub === 'offsets') return only(req, 'POST', async () => ok(await client.resetGroupOffsets(resetRequest(groupId(id), req.body))));
  }
  return notFound(req);
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new BadRequest(`'${segment}' is not valid percent-encoding`);
  }
}

async function only(req: ApiRequest, method: string, run: () => Promise<ApiResponse>): Promise<ApiResponse> {
  if (req.method !== method) return { status: 405, body: { error: `${req.method} is not allowed on ${req.path}` } };
  return run();
}

function ok(body: unknown, status = 200): ApiResponse {
  return { status, body };
}

function notFound(req: ApiRequest): ApiResponse {
  return { status: 404, body: { error: `no API at ${req.method} ${req.path}` } };
}

function groupId(value: string): string {
  if (value.length === 0 || value.length > 1000) throw new BadRequest('group id must be 1 to 1000 characters');
  return value;
}

function filterTopics<T extends { name: string }>(topics: T[], search: string | null): T[] {
  const needle = search?.trim().toLowerCase();
  return needle ? topics.filter((t) => t.name.toLowerCase().includes(needle)) : topics;
}

async function createTopic(client: ClusterClient, rawBody: unknown): Promise<ApiResponse> {
  const body = object(rawBody, 'request body');
  const name = topicName(body['name']);
  const partitions = integer(body['partitions'], 'partitions', 1, MAX_PARTITIONS);
  const replicationFactor = optionalInteger(body['replicationFactor'], 'replicationFactor', 1, 1000, 1);
  await client.createTopic({ name, partitions, replicationFactor, configs: configs(body['configs']) });
  return ok({ name, partitions, replicationFactor }, 201);
}

async function deleteTopic(client: ClusterClient, name: string, confirm: string | null): Promise<ApiResponse> {
  if (confirm !== name) throw new BadRequest(`to delete '${name}', repeat its name as ?confirm=${encodeURIComponent(name)}`);
  await client.deleteTopic(name);
  return ok({ deleted: name });
}

async function browse(client: ClusterClient, topic: string, query: URLSearchParams): Promise<ApiResponse> {
  const partition = integer(query.get('partition') ?? '0', 'partition', 0, MAX_PARTITIONS);
  const offset = optionalInteger(query.get('offset'), 'offset', 0, MAX_OFFSET, 0);
  const limit = optionalInteger(query.get('limit'), 'limit', 1, MAX_BROWSE_LIMIT, 50);
  const timestamp = query.get('timestamp');
  if (timestamp === null || timestamp === '') return ok(await client.browse({ topic, partition, offset, limit }));
  if (query.get('offset')) throw new BadRequest('give either offset or timestamp, not both');
  const timestampMs = integer(timestamp, 'timestamp (milliseconds since the epoch)', 0, MAX_OFFSET);
  return ok(await client.browse({ topic, partition, offset: 0, timestampMs, limit }));
}

async function produce(client: ClusterClient, topic: string, rawBody: unknown): Promise<ApiResponse> {
  const body = object(rawBody, 'request body');
  const partition = body['partition'] === undefined || body['partition'] === null || body['partition'] === '' ? null : integer(body['partition'], 'partition', 0, MAX_PARTITIONS);
  const result = await client.produce({
    topic,
    partition,
    key: nullableString(body['key'], 'key', MAX_MESSAGE_CHARS),
    value: nullableString(body['value'], 'value', MAX_MESSAGE_CHARS),
    headers: headers(body['headers']),
  });
  return ok(result, 201);
}

/** The body of a reset: where to (with its offset or timestamp), and optionally which topic and partitions. */
function resetRequest(group: string, rawBody: unknown): ResetOffsetsRequest {
  const body = object(rawBody, 'request body');
  const kind = body['to'];
  if (typeof kind !== 'string' || !RESET_KINDS.includes(kind)) {
    throw new BadRequest(`'to' must be one of ${RESET_KINDS.map((k) => `"${k}"`).join(', ')}, got ${JSON.stringify(kind ?? null)}`);
  }
  for (const field of ['offset', 'timestamp'] as const) {
    if (body[field] !== undefined && body[field] !== null && kind !== field) throw new BadRequest(`'${field}' is only used with "to": "${field}"`);
  }
  const topic = body['topic'] === undefined || body['topic'] === null || body['topic'] === '' ? null : topicName(body['topic'], 'topic');
  const partitions = partitionList(body['partitions']);
  if (partitions !== null && topic === null) throw new BadRequest("'partitions' needs a 'topic'");
  let to: ResetTarget;
  if (kind === 'offset') {
    if (body['offset'] === undefined || body['offset'] === null) throw new BadRequest('"to": "offset" needs an \'offset\' (a whole number, 0 or more)');
    to = { kind, offset: integer(body['offset'], 'offset', 0, MAX_OFFSET) };
  } else if (kind === 'timestamp') {
    if (body['timestamp'] === undefined || body['timestamp'] === null) throw new BadRequest('"to": "timestamp" needs a \'timestamp\' (milliseconds since the epoch)');
    to = { kind, timestampMs: integer(body['timestamp'], 'timestamp (milliseconds since the epoch)', 0, MAX_OFFSET) };
  } else {
    to = { kind: kind as 'earliest' | 'latest' };
  }
  return { groupId: group, topic, partitions, to };
}

const RESET_KINDS = ['earliest', 'latest', 'offset', 'timestamp'];

function partitionList(value: unknown): number[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.length === 0) throw new BadRequest("'partitions' must be a non-empty list of partition numbers");
  const out = value.map((p, i) => integer(p, `partitions[${i}]`, 0, MAX_PARTITIONS));
  if (new Set(out).size !== out.length) throw new BadRequest("'partitions' lists a partition twice");
  return out;
}
