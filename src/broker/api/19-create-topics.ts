/**
 * CreateTopics v0-v7. On a single node every replica is this broker, so a replication factor
 * above 1 (or an assignment naming another broker) is INVALID_REPLICATION_FACTOR /
 * INVALID_REPLICA_ASSIGNMENT. In cluster mode the factor is bounded by the live brokers and the
 * topic is created in etcd (src/cluster), replicas placed round robin. Config overrides are validated before anything is created.
 */
import type { CreateTopicsRequest, CreateTopicsResponse } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import { ZERO_UUID as NULL_TOPIC_ID } from '../../protocol/reader.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';

import { mayCreateTopic } from '../../security/authorize.js';

type CreatableTopic = CreateTopicsRequest['topics'][number];
type TopicResult = CreateTopicsResponse['topics'][number];

/** Largest partition count accepted in one request: bounds what a client can make us open. */
const MAX_PARTITIONS = 100_000;

export const handler: ApiHandler = {
  apiKey: 19,
  minVersion: 0,
  maxVersion: 7,
  async handle(ctx: RequestContext, request: CreateTopicsRequest): Promise<CreateTopicsResponse> {
    const seen = new Map<string, number>();
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const topics: TopicResult[] = [];
    for (const t of request.topics) {
      if ((seen.get(t.name) ?? 0) > 1) {
        topics.push(result(t.name, ErrorCode.INVALID_REQUEST, `Create topics request from client contains duplicate topic ${t.name}`));
        continue;
      }
      if (!mayCreateTopic(ctx, t.name)) {
        topics.push(result(t.name, ErrorCode.TOPIC_AUTHORIZATION_FAILED, 'Authorization failed.'));
        continue;
      }
      topics.push(await createOne(ctx.broker, t, request.validateOnly ?? false));
    }
    return { throttleTimeMs: 0, topics };
  },
};

async function createOne(broker: Broker, t: CreatableTopic, validateOnly: boolean): Promise<TopicResult> {
  const assigned = t.assignments.length > 0;
  if (assigned && (t.numPartitions !== -1 || t.replicationFactor !== -1)) {
    return result(t.name, ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.');
  }
  const numPartitions = assigned ? t.assignments.length : t.numPartitions === -1 ? broker.config.numPartitions : t.numPartitions;
  const replicationFactor = assigned ? t.assignments[0]!.brokerIds.length : t.replicationFactor === -1 ? broker.config.defaultReplicationFactor : t.replicationFactor;
  if (numPartitions <= 0 || numPartitions > MAX_PARTITIONS) {
    return result(t.name, ErrorCode.INVALID_PARTITIONS, `Number of partitions must be between 1 and ${MAX_PARTITIONS}.`);
  }
  if (replicationFactor <= 0) return result(t.name, ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor must be larger than 0.');
  const cluster = broker.cluster;
  if (cluster) {
    const live = cluster.metadata.brokers.size;
    if (!assigned && replicationFactor > live) {
      return result(t.name, ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${replicationFactor} larger than available brokers: ${live}.`);
    }
  } else if (replicationFactor > 1) {
    return result(t.name, ErrorCode.INVALID_REPLICATION_FACTOR, `Replication factor: ${replicationFactor} larger than available brokers: 1.`);
  }
  const knownBroker = (id: number) => (cluster ? cluster.metadata.isLive(id) : id === broker.nodeId);
  const badAssignment = t.assignments.find(
    (a, i) => a.partitionIndex !== i || a.brokerIds.length !== replicationFactor || new Set(a.brokerIds).size !== a.brokerIds.length || !a.brokerIds.every(knownBroker),
  );
  if (badAssignment) return result(t.name, ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Invalid replica assignment for partition ${badAssignment.partitionIndex}`);
  const configs: Record<string, string> = {};
  for (const c of t.configs) if (c.value !== null) configs[c.name] = c.value;
  const problem = broker.config.topicConfigProblem(configs);
  if (problem) return result(t.name, ErrorCode.INVALID_CONFIG, problem);
  if (validateOnly) {
    const existing = broker.topics.get(t.name);
    if (existing) return result(t.name, ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${t.name}' already exists.`);
    return { ...result(t.name, ErrorCode.NONE, null), numPartitions, replicationFactor, configs: [] };
  }
  try {
    const placement = assigned ? { assignments: t.assignments.map((a) => [...a.brokerIds]) } : { replicationFactor };
    const topic = await broker.topics.create(t.name, numPartitions, configs, placement);
    broker.logger.info({ topic: t.name, partitions: numPartitions }, 'created topic');
    return { ...result(t.name, ErrorCode.NONE, null), topicId: topic.topicId, numPartitions, replicationFactor, configs: [] };
  } catch (err) {
    if (err instanceof KafkaError) return result(t.name, err.code, err.message);
    throw err;
  }
}

function result(name: string, errorCode: number, errorMessage: string | null): TopicResult {
  return { name, topicId: NULL_TOPIC_ID, errorCode, errorMessage, numPartitions: -1, replicationFactor: -1, configs: null } as TopicResult;
}
