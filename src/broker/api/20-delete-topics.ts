/** DeleteTopics v0-v6: by name (all versions) or by topic id (v6+). */
import type { DeleteTopicsRequest, DeleteTopicsResponse } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import { ZERO_UUID as NULL_TOPIC_ID } from '../../protocol/reader.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';

import { allowed, Op, Resource } from '../../security/authorize.js';

type TopicResult = DeleteTopicsResponse['responses'][number];


export const handler: ApiHandler = {
  apiKey: 20,
  minVersion: 0,
  maxVersion: 6,
  async handle(ctx: RequestContext, request: DeleteTopicsRequest): Promise<DeleteTopicsResponse> {
    const wanted =
      ctx.apiVersion >= 6
        ? (request.topics ?? []).map((t) => ({ name: t.name ?? null, topicId: t.topicId ?? NULL_TOPIC_ID }))
        : (request.topicNames ?? []).map((name) => ({ name, topicId: NULL_TOPIC_ID }));
    const responses: TopicResult[] = [];
    for (const w of wanted) {
      const name = w.name ?? ctx.broker.topics.getById(w.topicId)?.name;
      if (name !== undefined && !allowed(ctx, Op.DELETE, Resource.TOPIC, name)) {
        responses.push({ name: w.name, topicId: w.topicId, errorCode: ErrorCode.TOPIC_AUTHORIZATION_FAILED, errorMessage: 'Authorization failed.' });
        continue;
      }
      responses.push(await deleteOne(ctx.broker, w.name, w.topicId));
    }
    return { throttleTimeMs: 0, responses };
  },
};

async function deleteOne(broker: Broker, name: string | null, topicId: string): Promise<TopicResult> {
  const topic = name !== null ? broker.topics.get(name) : broker.topics.getById(topicId);
  if (!topic) {
    const errorCode = name !== null ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.UNKNOWN_TOPIC_ID;
    return { name, topicId, errorCode, errorMessage: null } as TopicResult;
  }
  if (topic.internal) {
    // The group and transaction coordinators keep their state there.
    return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Internal topic ${topic.name} cannot be deleted.` };
  }
  if (!broker.config.deleteTopicEnable) {
    return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.TOPIC_DELETION_DISABLED, errorMessage: 'Topic deletion is disabled.' };
  }
  try {
    await broker.topics.delete(topic.name);
    broker.logger.info({ topic: topic.name }, 'deleted topic');
    return { name: topic.name, topicId: topic.topicId, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (err) {
    if (err instanceof KafkaError) return { name: topic.name, topicId: topic.topicId, errorCode: err.code, errorMessage: err.message };
    throw err;
  }
}
