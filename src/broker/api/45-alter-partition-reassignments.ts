/**
 * AlterPartitionReassignments v0: moves partitions to new replica sets, or cancels a move (null
 * replicas). Cluster mode only: the move is written to the partition's state in etcd
 * (src/cluster/reassignment.ts) and completed by the controller once the new replicas are in sync.
 * A single node has nothing to move to: every partition answers INVALID_REPLICA_ASSIGNMENT unless
 * its target is this node alone (a no-op), as Kafka rejects brokers it does not know.
 */
import type { AlterPartitionReassignmentsRequest, AlterPartitionReassignmentsResponse } from '../../protocol/generated/index.js';
import { ErrorCode, KafkaError } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';

type PartitionResponse = AlterPartitionReassignmentsResponse['responses'][number]['partitions'][number];

export const handler: ApiHandler = {
  apiKey: 45,
  minVersion: 0,
  maxVersion: 0,
  async handle(ctx: RequestContext, request: AlterPartitionReassignmentsRequest): Promise<AlterPartitionReassignmentsResponse> {
    const responses = [];
    for (const t of request.topics) {
      const partitions: PartitionResponse[] = [];
      for (const p of t.partitions) partitions.push(await alterOne(ctx.broker, t.name, p.partitionIndex, p.replicas ?? null));
      responses.push({ name: t.name, partitions });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, responses };
  },
};

async function alterOne(broker: Broker, topic: string, partitionIndex: number, target: number[] | null): Promise<PartitionResponse> {
  const fail = (errorCode: number, errorMessage: string): PartitionResponse => ({ partitionIndex, errorCode, errorMessage });
  if (!broker.cluster) {
    if (!broker.topics.get(topic)?.partitions[partitionIndex]) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.');
    if (target === null) return fail(ErrorCode.NO_REASSIGNMENT_IN_PROGRESS, 'No partition reassignment is in progress.');
    if (target.length !== 1 || target[0] !== broker.nodeId) return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'A single node can only hold its own replica.');
    return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null };
  }
  try {
    await broker.cluster.alterReassignment(topic, partitionIndex, target);
    return { partitionIndex, errorCode: ErrorCode.NONE, errorMessage: null };
  } catch (err) {
    if (err instanceof KafkaError) return fail(err.code, err.message);
    throw err;
  }
}
