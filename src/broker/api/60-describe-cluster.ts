/** DescribeCluster v0-v1: this broker alone, or in cluster mode every live broker and the elected controller. */
import type { DescribeClusterRequest, DescribeClusterResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';

const BROKER_ENDPOINT = 1;
const OPERATIONS_OMITTED = -2147483648;

import { authorizedOperations, CLUSTER, Resource } from '../../security/authorize.js';

export const handler: ApiHandler = {
  apiKey: 60,
  minVersion: 0,
  maxVersion: 1,
  handle(ctx: RequestContext, request: DescribeClusterRequest): DescribeClusterResponse {
    const broker = ctx.broker;
    const { host, port } = broker.advertisedFor(ctx.listenerName);
    const endpointType = request.endpointType ?? BROKER_ENDPOINT;
    if (endpointType !== BROKER_ENDPOINT) {
      return {
        throttleTimeMs: 0, errorCode: ErrorCode.UNSUPPORTED_ENDPOINT_TYPE, errorMessage: 'Only broker endpoints are supported',
        endpointType, clusterId: broker.clusterId, controllerId: -1, brokers: [], clusterAuthorizedOperations: OPERATIONS_OMITTED,
      };
    }
    return {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType,
      clusterId: broker.clusterId,
      controllerId: broker.cluster ? broker.cluster.metadata.controllerId : broker.nodeId,
      brokers: broker.cluster
        ? broker.cluster.metadata.liveBrokers().map((b) => ({ brokerId: b.nodeId, host: b.host, port: b.port, rack: b.rack }))
        : [{ brokerId: broker.nodeId, host, port, rack: broker.config.rack }],
      clusterAuthorizedOperations: request.includeClusterAuthorizedOperations ? authorizedOperations(ctx, Resource.CLUSTER, CLUSTER) : OPERATIONS_OMITTED,
    };
  },
};
