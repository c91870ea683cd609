/**
 * AlterConfigs v0-v2 (the legacy form): each resource's config list replaces its overrides
 * entirely. Topic overrides are validated (INVALID_CONFIG naming the key), persisted in the
 * catalogue and applied to the running partitions. Broker configs are static in Brook.
 */
import type { AlterConfigsRequest, AlterConfigsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';
import {
  ResourceError,
  ResourceType,
  applyTopicOverrides,
  brokerResource,
  duplicateKeys,
  errorCodeOf,
  rejectBrokerAlter,
  resourceKey,
  topicResource,
} from './config-resources.js';

type Resource = AlterConfigsRequest['resources'][number];
type Response = AlterConfigsResponse['responses'][number];

export const handler: ApiHandler = {
  apiKey: 33,
  minVersion: 0,
  maxVersion: 2,
  async handle(ctx: RequestContext, request: AlterConfigsRequest): Promise<AlterConfigsResponse> {
    const counts = new Map<string, number>();
    for (const r of request.resources) counts.set(resourceKey(r.resourceType, r.resourceName), (counts.get(resourceKey(r.resourceType, r.resourceName)) ?? 0) + 1);
    const responses: Response[] = [];
    for (const r of request.resources) {
      const duplicate = (counts.get(resourceKey(r.resourceType, r.resourceName)) ?? 0) > 1;
      responses.push(await alterOne(ctx.broker, r, request.validateOnly, duplicate));
    }
    return { throttleTimeMs: 0, responses };
  },
};

async function alterOne(broker: Broker, r: Resource, validateOnly: boolean, duplicate: boolean): Promise<Response> {
  const response = (errorCode: number, errorMessage: string | null): Response => ({
    errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName,
  });
  try {
    if (duplicate) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Duplicate resource ${r.resourceName} in the request`);
    const dups = duplicateKeys(r.configs.map((c) => c.name));
    if (dups.length > 0) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${dups.join(', ')}`);
    switch (r.resourceType) {
      case ResourceType.TOPIC: {
        const topic = topicResource(broker, r.resourceName);
        const overrides: Record<string, string> = {};
        // Kafka's legacy AlterConfigs drops null values: the given list is the whole new set.
        for (const c of r.configs) if (c.value !== null) overrides[c.name] = c.value;
        await applyTopicOverrides(broker, topic, overrides, validateOnly);
        break;
      }
      case ResourceType.BROKER:
        brokerResource(broker, r.resourceName);
        rejectBrokerAlter(r.configs.map((c) => c.name));
        break;
      default:
        throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}`);
    }
    return response(ErrorCode.NONE, null);
  } catch (err) {
    const { code, message } = errorCodeOf(err);
    return response(code, message);
  }
}
