/**
 * AlterConfigs v0-v2 (the legacy form): each resource's config list replaces its overrides
 * entirely. Topic overrides are validated (INVALID_CONFIG naming the key), persisted in the
 * catalogue and applied to the running partitions. A BROKER resource (node id, or '' for the
 * cluster-wide defaults) gets its whole set of dynamic configs replaced the same way.
 */
import type { AlterConfigsRequest, AlterConfigsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';
import {
  ResourceError,
  ResourceType,
  applyBrokerConfigs,
  applyTopicOverrides,
  brokerResource,
  alterEachResource,
  errorCodeOf,
  topicResource,
} from './config-resources.js';

import { configAccessError, Op } from '../../security/authorize.js';

type Resource = AlterConfigsRequest['resources'][number];
type Response = AlterConfigsResponse['responses'][number];

export const handler: ApiHandler = {
  apiKey: 33,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx: RequestContext, request: AlterConfigsRequest): Promise<AlterConfigsResponse> {
    const responses = await alterEachResource(
      request.resources,
      async (r) => {
        const denied = configAccessError(ctx, r.resourceType, r.resourceName, Op.ALTER_CONFIGS);
        return denied !== null ? resourceResponse(r, denied, null) : alterOne(ctx.broker, r, request.validateOnly);
      },
      (r, err) => resourceResponse(r, err.code, err.message),
    );
    return { throttleTimeMs: 0, responses };
  },
};

function resourceResponse(r: Resource, errorCode: number, errorMessage: string | null): Response {
  return { errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName };
}

async function alterOne(broker: Broker, r: Resource, validateOnly: boolean): Promise<Response> {
  try {
    switch (r.resourceType) {
      case ResourceType.TOPIC: {
        const topic = topicResource(broker, r.resourceName);
        const overrides: Record<string, string> = {};
        // Kafka's legacy AlterConfigs drops null values: the given list is the whole new set.
        for (const c of r.configs) if (c.value !== null) overrides[c.name] = c.value;
        await applyTopicOverrides(broker, topic, overrides, validateOnly);
        break;
      }
      case ResourceType.BROKER: {
        const scope = brokerResource(broker, r.resourceName);
        const values: Record<string, string> = {};
        for (const c of r.configs) if (c.value !== null) values[c.name] = c.value;
        await applyBrokerConfigs(broker, scope, values, validateOnly);
        break;
      }
      default:
        throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}`);
    }
    return resourceResponse(r, ErrorCode.NONE, null);
  } catch (err) {
    const { code, message } = errorCodeOf(err);
    return resourceResponse(r, code, message);
  }
}
