// Typed calls to the console's JSON API (src/console/api.ts). Errors carry the server's message.
export interface Broker { nodeId: number; host: string; port: number; rack: string | null }
export interface Overview { clusterId: string | null; controllerId: number | null; brokers: Broker[]; topicCount: number; partitionCount: number; underReplicatedPartitions: number; offlinePartitions: number; endOffsetTotal: number }
export interface TopicSummary { name: string; partitions: number; replicationFactor: number; internal: boolean; messages: number }
export interface PartitionDetail { partition: number; leader: number; replicas: number[]; isr: number[]; lowWatermark: number; highWatermark: number }
export interface ConfigEntry { name: string; value: string | null; isDefault: boolean; isOverride: boolean; readOnly: boolean; sensitive: boolean }
export interface TopicDetail { name: string; internal: boolean; partitions: PartitionDetail[]; configs: ConfigEntry[] }
export interface Header { key: string; value: string | null }
export interface Message { partition: number; offset: number; timestampMs: number; key: string | null; value: string | null; headers: Header[] }
export interface BrowseResult { messages: Message[]; lowWatermark: number; highWatermark: number; nextOffset: number }
export interface GroupSummary { groupId: string; protocolType: string; state: string; members: number }
export interface GroupDetail extends GroupSummary {
  membersDetail: { memberId: string; clientId: string; host: string }[];
  offsets: { topic: string; partition: number; committedOffset: number; highWatermark: number; lag: number }[];
  totalLag: number;
}

export type ResetTo = { to: 'earliest' | 'latest' } | { to: 'offset'; offset: number } | { to: 'timestamp'; timestamp: number };
export interface ResetResult { groupId: string; offsets: { topic: string; partition: number; previousOffset: number; offset: number }[] }

export class ApiError extends Error {}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/api${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const data = (await res.json().catch(() => ({ error: `HTTP ${res.status}` }))) as T & { error?: string };
  if (!res.ok) throw new ApiError(data.error ?? `HTTP ${res.status}`);
  return data;
}

const enc = encodeURIComponent;

export const api = {
  overview: () => call<Overview>('GET', '/overview'),
  topics: (search = '') => call<TopicSummary[]>('GET', `/topics${search ? `?search=${enc(search)}` : ''}`),
  topic: (name: string) => call<TopicDetail>('GET', `/topics/${enc(name)}`),
  createTopic: (body: { name: string; partitions: number; replicationFactor: number }) => call<unknown>('POST', '/topics', body),
  deleteTopic: (name: string) => call<unknown>('DELETE', `/topics/${enc(name)}?confirm=${enc(name)}`),
  alterConfigs: (name: string, configs: Record<string, string | null>) => call<TopicDetail>('PUT', `/topics/${enc(name)}/configs`, { configs }),
  browse: (name: string, partition: number, from: { offset: number } | { timestampMs: number }, limit: number) =>
    call<BrowseResult>('GET', `/topics/${enc(name)}/messages?partition=${partition}&${'offset' in from ? `offset=${from.offset}` : `timestamp=${from.timestampMs}`}&limit=${limit}`),
  produce: (name: string, body: { partition: number | null; key: string | null; value: string | null; headers: Header[] }) =>
    call<{ partition: number; offset: number }>('POST', `/topics/${enc(name)}/messages`, body),
  groups: () => call<GroupSummary[]>('GET', '/groups'),
  group: (id: string) => call<GroupDetail>('GET', `/groups/${enc(id)}`),
  resetOffsets: (id: string, body: ResetTo & { topic: string | null }) => call<ResetResult>('POST', `/groups/${enc(id)}/offsets`, body),
};
