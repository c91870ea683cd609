/**
 * ListPartitionReassignments v0: the partitions being moved (all, or those asked for; partitions
 * that are not moving or do not exist are left out, as Kafka does), each with its full replica set
 * and the replicas being added and removed. A single node never has one.
 */
import type { ListPartitionReassignmentsRequest, ListPartitionReassignmentsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

type OngoingTopic = ListPartitionReassignmentsResponse['topics'][number];

export const handler: ApiHandler = {
  apiKey: 46,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx: RequestContext, request: ListPartitionReassignmentsRequest): Promise<ListPartitionReassignmentsResponse> {
    const wanted = request.topics ? request.topics.map((t) => ({ topic: t.name, partitions: t.partitionIndexes })) : null;
    const byTopic = new Map<string, OngoingTopic>();
    for (const s of ctx.broker.cluster?.reassignments(wanted) ?? []) {
      let topic = byTopic.get(s.topic);
      if (!topic) byTopic.set(s.topic, (topic = { name: s.topic, partitions: [] }));
      topic.partitions.push({ partitionIndex: s.partition, replicas: s.replicas, addingReplicas: s.addingReplicas ?? [], removingReplicas: s.removingReplicas ?? [] });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics: [...byTopic.values()] };
  },
};
