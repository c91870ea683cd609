/**
 * Metadata v0-v12: brokers, cluster id, controller and topic layout. Unknown topics are
 * auto-created when `auto.create.topics.enable` is on and the client allows it (v4+). In cluster
 * mode all of it comes from the etcd metadata cache (src/cluster): every registered broker, the
 * elected controller, each partition's leader, epoch, replicas, ISR and offline replicas.
 */
import type { MetadataRequest, MetadataResponse } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import { ZERO_UUID as NULL_TOPIC_ID } from '../../protocol/reader.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';
import type { Topic } from '../topics.js';
import { isInternalTopic, topicNameProblem } from '../topic-name.js';
import { allowed, authorizedOperations, CLUSTER, filterAllowed, mayCreateTopic, Op, Resource } from '../../security/authorize.js';

type TopicMetadata = MetadataResponse['topics'][number];

/** Kafka's "authorized operations not requested" marker. */
const OPERATIONS_OMITTED = -2147483648;

export const handler: ApiHandler = {
  apiKey: 3,
  minVersion: 0,
  maxVersion: 12,
  async handle(ctx: RequestContext, request: MetadataRequest): Promise<MetadataResponse> {
    const broker = ctx.broker;
    const { host, port } = broker.advertisedFor(ctx.listenerName);
    const topics = await describeTopics(ctx, request);
    // KIP-430 (v8+): what the principal may do, when asked.
    if (request.includeTopicAuthorizedOperations) {
      for (const t of topics) if (t.errorCode === ErrorCode.NONE) t.topicAuthorizedOperations = authorizedOperations(ctx, Resource.TOPIC, t.name ?? '');
    }
    const cluster = broker.cluster;
    return {
      throttleTimeMs: 0,
      brokers: cluster
        ? cluster.metadata.liveBrokers().map((b) => ({ nodeId: b.nodeId, host: b.host, port: b.port, rack: b.rack }))
        : [{ nodeId: broker.nodeId, host, port, rack: broker.config.rack }],
      clusterId: broker.clusterId,
      controllerId: cluster ? cluster.metadata.controllerId : broker.nodeId,
      topics,
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? authorizedOperations(ctx, Resource.CLUSTER, CLUSTER) : OPERATIONS_OMITTED,
    };
  },
};

async function describeTopics(ctx: RequestContext, request: MetadataRequest): Promise<TopicMetadata[]> {
  const broker = ctx.broker;
  const requested = request.topics;
  // v0: an empty list means all topics; v1+: null means all topics.
  const all = requested === null || (ctx.apiVersion === 0 && requested.length === 0);
  // Topics the principal may not DESCRIBE are left out of a list of all topics.
  const describable = (names: string[]) => filterAllowed(ctx, Op.DESCRIBE, Resource.TOPIC, names, (n) => n);
  if (all && broker.cluster) return describable([...broker.cluster.metadata.topics.keys()].sort()).map((name) => clusterTopicMetadata(broker, name));
  if (all) return filterAllowed(ctx, Op.DESCRIBE, Resource.TOPIC, broker.topics.list(), (t) => t.name).map((t) => topicMetadata(broker, t));
  const mayCreate = broker.config.autoCreateTopicsEnable && (ctx.apiVersion < 4 || request.allowAutoTopicCreation !== false);
  return Promise.all(
    requested.map(async (wanted) => {
      if (wanted.name === null || wanted.name === undefined) {
        const byId = lookupById(broker, wanted.topicId ?? NULL_TOPIC_ID);
        return byId.name && !allowed(ctx, Op.DESCRIBE, Resource.TOPIC, byId.name) ? topicError(null, byId.topicId ?? NULL_TOPIC_ID, ErrorCode.TOPIC_AUTHORIZATION_FAILED) : byId;
      }
      if (!allowed(ctx, Op.DESCRIBE, Resource.TOPIC, wanted.name)) return topicError(wanted.name, NULL_TOPIC_ID, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      // Auto-creation needs CREATE; without it a missing topic is TOPIC_AUTHORIZATION_FAILED, as Kafka.
      if (mayCreate && !broker.topics.get(wanted.name) && !mayCreateTopic(ctx, wanted.name)) {
        return topicError(wanted.name, NULL_TOPIC_ID, ErrorCode.TOPIC_AUTHORIZATION_FAILED);
      }
      return lookupByName(broker, wanted.name, mayCreate);
    }),
  );
}

async function lookupByName(broker: Broker, name: string, mayCreate: boolean): Promise<TopicMetadata> {
  if (broker.cluster?.metadata.topics.has(name)) return clusterTopicMetadata(broker, name);
  const existing = broker.topics.get(name);
  if (existing) return topicMetadata(broker, existing);
  if (topicNameProblem(name)) return topicError(name, NULL_TOPIC_ID, ErrorCode.INVALID_TOPIC_EXCEPTION);
  if (!mayCreate) return topicError(name, NULL_TOPIC_ID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  try {
    const created = await broker.topics.getOrCreate(name, broker.config.numPartitions);
    broker.logger.info({ topic: name, partitions: created.partitions.length }, 'auto-created topic');
    // Kafka answers LEADER_NOT_AVAILABLE for a topic it just created; here the leader is ready.
    return topicMetadata(broker, created);
  } catch (err) {
    if (err instanceof KafkaError) return topicError(name, NULL_TOPIC_ID, err.code);
    throw err;
  }
}

function lookupById(broker: Broker, topicId: string): TopicMetadata {
  if (broker.cluster) {
    for (const stored of broker.cluster.metadata.topics.values()) if (stored.topic.topicId === topicId) return clusterTopicMetadata(broker, stored.topic.name);
  }
  const topic = broker.topics.getById(topicId);
  if (topic) return topicMetadata(broker, topic);
  return topicError(null, topicId, ErrorCode.UNKNOWN_TOPIC_ID);
}

function topicError(name: string | null, topicId: string, errorCode: number): TopicMetadata {
  return { errorCode, name: name as string, topicId, isInternal: false, partitions: [], topicAuthorizedOperations: OPERATIONS_OMITTED };
}

export function topicMetadata(broker: Broker, topic: Topic): TopicMetadata {
  if (broker.cluster) return clusterTopicMetadata(broker, topic.name);
  const nodes = [broker.nodeId];
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.internal,
    partitions: topic.partitions.map((p) => ({
      errorCode: ErrorCode.NONE,
      partitionIndex: p.index,
      leaderId: broker.nodeId,
      leaderEpoch: 0,
      replicaNodes: nodes,
      isrNodes: nodes,
      offlineReplicas: [],
    })),
    topicAuthorizedOperations: OPERATIONS_OMITTED,
  };
}

/**
 * Cluster mode: a topic as etcd describes it. A partition without a leader is LEADER_NOT_AVAILABLE
 * (clients retry); replicas whose broker is not registered are offline.
 */
function clusterTopicMetadata(broker: Broker, name: string): TopicMetadata {
  const metadata = broker.cluster!.metadata;
  const stored = metadata.topics.get(name);
  if (!stored) return topicError(name, NULL_TOPIC_ID, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  return {
    errorCode: ErrorCode.NONE,
    name,
    topicId: stored.topic.topicId,
    isInternal: isInternalTopic(name),
    partitions: metadata.partitionStates(name).map((p) => ({
      errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
      partitionIndex: p.partition,
      leaderId: p.leader,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: p.replicas,
      isrNodes: p.isr,
      offlineReplicas: p.replicas.filter((id) => !metadata.isLive(id)),
    })),
    topicAuthorizedOperations: OPERATIONS_OMITTED,
  };
}
