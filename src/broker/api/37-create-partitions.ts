/**
 * CreatePartitions v0-v3: grows topics. On a single node every new partition's replica is this
 * broker, so an assignment naming anything else is INVALID_REPLICA_ASSIGNMENT. New partitions
 * are persisted in the catalogue before they are visible to Metadata and Produce.
 */
import type { CreatePartitionsRequest, CreatePartitionsResponse } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';

import { allowed, Op, Resource } from '../../security/authorize.js';

type TopicRequest = CreatePartitionsRequest['topics'][number];
type TopicResult = CreatePartitionsResponse['results'][number];

/** Same bound as CreateTopics: a client cannot make us open more partitions than this at once. */
const MAX_PARTITIONS = 100_000;

export const handler: ApiHandler = {
  apiKey: 37,
  minVersion: 0,
  maxVersion: 3,
  async handle(ctx: RequestContext, request: CreatePartitionsRequest): Promise<CreatePartitionsResponse> {
    const seen = new Map<string, number>();
    for (const t of request.topics) seen.set(t.name, (seen.get(t.name) ?? 0) + 1);
    const results: TopicResult[] = [];
    for (const t of request.topics) {
      if ((seen.get(t.name) ?? 0) > 1) {
        results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' });
        continue;
      }
      if (!allowed(ctx, Op.ALTER, Resource.TOPIC, t.name)) {
        results.push({ name: t.name, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' });
        continue;
      }
      results.push(await createOne(ctx.broker, t, request.validateOnly));
    }
    return { throttleTimeMs: 0, results };
  },
};

async function createOne(broker: Broker, t: TopicRequest, validateOnly: boolean): Promise<TopicResult> {
  const fail = (errorCode: number, errorMessage: string): TopicResult => ({ name: t.name, errorCode, errorMessage });
  const topic = broker.topics.get(t.name);
  if (!topic) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `The topic '${t.name}' does not exist.`);
  const current = topic.partitions.length;
  if (t.count === current) return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partitions.`);
  if (t.count < current) {
    return fail(ErrorCode.INVALID_PARTITIONS, `The topic ${t.name} currently has ${current} partition(s); ${t.count} would not be an increase.`);
  }
  if (t.count > MAX_PARTITIONS) return fail(ErrorCode.INVALID_PARTITIONS, `Number of partitions must be at most ${MAX_PARTITIONS}.`);
  if (t.assignments !== null) {
    const added = t.count - current;
    if (t.assignments.length !== added) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Attempted to add ${added} additional partition(s), but only ${t.assignments.length} assignment(s) were specified.`);
    }
    const cluster = broker.cluster;
    const bad = cluster
      ? t.assignments.findIndex((a) => a.brokerIds.length === 0 || new Set(a.brokerIds).size !== a.brokerIds.length || !a.brokerIds.every((id) => cluster.metadata.isLive(id)))
      : t.assignments.findIndex((a) => a.brokerIds.length !== 1 || a.brokerIds[0] !== broker.nodeId);
    if (bad >= 0 && cluster) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment for partition ${current + bad} names unknown or repeated brokers.`);
    if (bad >= 0) {
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `The manual partition assignment for partition ${current + bad} names brokers other than the only broker ${broker.nodeId}.`);
    }
  }
  if (validateOnly) return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
  try {
    await broker.topics.addPartitions(t.name, t.count, t.assignments?.map((a) => [...a.brokerIds]));
    broker.logger.info({ topic: t.name, from: current, to: t.count }, 'added partitions');
    return { name: t.name, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (err) {
    if (err instanceof KafkaError) return fail(err.code, err.message);
    throw err;
  }
}
