/**
 * DescribeLogDirs v0-v4: Brook keeps every partition in one data directory, so the answer is one
 * log dir holding the requested partitions (all of them when `topics` is null) with their sizes;
 * v4 adds the file system's total and usable bytes. There are no replicas, so the lag is 0.
 */
import { statfs } from 'node:fs/promises';
import type { DescribeLogDirsRequest, DescribeLogDirsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Topic } from '../topics.js';

import { allowedOnCluster, Op } from '../../security/authorize.js';

type TopicResult = DescribeLogDirsResponse['results'][number]['topics'][number];

export const handler: ApiHandler = {
  apiKey: 35,
  minVersion: 0,
  maxVersion: 4,
  async handle(ctx: RequestContext, request: DescribeLogDirsRequest): Promise<DescribeLogDirsResponse> {
    const broker = ctx.broker;
    if (!allowedOnCluster(ctx, Op.DESCRIBE)) return { throttleTimeMs: 0, errorCode: ErrorCode.CLUSTER_AUTHORIZATION_FAILED, results: [] };
    const logDir = broker.topics.store.dataDir ?? broker.config.brokerConfig.effectiveLogDirs[0]!;
    const topics: TopicResult[] = [];
    if (request.topics === null) {
      for (const topic of broker.topics.list()) topics.push(describeTopic(topic, null));
    } else {
      for (const t of request.topics) {
        const topic = broker.topics.get(t.topic);
        if (topic) topics.push(describeTopic(topic, t.partitions));
      }
    }
    const space = await diskSpace(broker.topics.store.dataDir);
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      results: [{ errorCode: ErrorCode.NONE, logDir, topics, totalBytes: space.totalBytes, usableBytes: space.usableBytes }],
    };
  },
};

function describeTopic(topic: Topic, wanted: number[] | null): TopicResult {
  const partitions = (wanted ?? topic.partitions.map((p) => p.index))
    .map((i) => topic.partitions[i])
    .filter((p) => p !== undefined)
    .map((p) => ({ partitionIndex: p.index, partitionSize: p.log.sizeBytes, offsetLag: 0, isFutureKey: false }));
  return { name: topic.name, partitions };
}

/** -1 when unknown (a memory store, or statfs failing), as Kafka reports UNKNOWN_VOLUME_BYTES. */
async function diskSpace(dir: string | null): Promise<{ totalBytes: number; usableBytes: number }> {
  if (dir === null) return { totalBytes: -1, usableBytes: -1 };
  try {
    const st = await statfs(dir);
    return { totalBytes: st.blocks * st.bsize, usableBytes: st.bavail * st.bsize };
  } catch {
    return { totalBytes: -1, usableBytes: -1 };
  }
}
