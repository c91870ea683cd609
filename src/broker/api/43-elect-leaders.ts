/**
 * ElectLeaders v0-v2: preferred (type 0) or unclean (type 1) leader election. In cluster mode the
 * new leader is written to etcd with a compare-and-swap (src/cluster/controller.ts). A single node
 * leads every partition already, so each one is ELECTION_NOT_NEEDED. A null partition list means
 * every partition; its answer then leaves out the partitions that needed no election, as Kafka does.
 */
import type { ElectLeadersRequest, ElectLeadersResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';

type PartitionResult = ElectLeadersResponse['replicaElectionResults'][number]['partitionResult'][number];

const PREFERRED = 0;
const UNCLEAN = 1;

export const handler: ApiHandler = {
  apiKey: 43,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx: RequestContext, request: ElectLeadersRequest): Promise<ElectLeadersResponse> {
    const broker = ctx.broker;
    const electionType = request.electionType ?? PREFERRED;
    const all = request.topicPartitions === null;
    const wanted = request.topicPartitions ?? allPartitions(broker);
    if (electionType !== PREFERRED && electionType !== UNCLEAN) {
      return { throttleTimeMs: 0, errorCode: ErrorCode.INVALID_REQUEST, replicaElectionResults: [] };
    }
    const replicaElectionResults = [];
    for (const t of wanted) {
      const partitionResult: PartitionResult[] = [];
      for (const partition of t.partitions) {
        const result = await electOne(broker, t.topic, partition, electionType === UNCLEAN);
        if (!(all && result.errorCode === ErrorCode.ELECTION_NOT_NEEDED)) partitionResult.push(result);
      }
      if (partitionResult.length > 0 || !all) replicaElectionResults.push({ topic: t.topic, partitionResult });
    }
    return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, replicaElectionResults };
  },
};

function allPartitions(broker: Broker): { topic: string; partitions: number[] }[] {
  if (broker.cluster) return [...broker.cluster.metadata.partitions].map(([topic, byIndex]) => ({ topic, partitions: [...byIndex.keys()].sort((a, b) => a - b) }));
  return broker.topics.list().map((t) => ({ topic: t.name, partitions: t.partitions.map((p) => p.index) }));
}

async function electOne(broker: Broker, topic: string, partitionId: number, unclean: boolean): Promise<PartitionResult> {
  const fail = (errorCode: number, errorMessage: string): PartitionResult => ({ partitionId, errorCode, errorMessage });
  if (!broker.cluster) {
    if (!broker.topics.get(topic)?.partitions[partitionId]) return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.');
    return fail(ErrorCode.ELECTION_NOT_NEEDED, 'Leader election not needed for topic partition.');
  }
  switch (await broker.cluster.elect(topic, partitionId, unclean)) {
    case 'elected':
      return { partitionId, errorCode: ErrorCode.NONE, errorMessage: null };
    case 'not-needed':
      return fail(ErrorCode.ELECTION_NOT_NEEDED, 'Leader election not needed for topic partition.');
    case 'unknown':
      return fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'The partition does not exist.');
    case 'not-available':
      return unclean
        ? fail(ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, 'No live replica can become leader.')
        : fail(ErrorCode.PREFERRED_LEADER_NOT_AVAILABLE, 'The preferred leader is not live or not in the ISR.');
  }
}
