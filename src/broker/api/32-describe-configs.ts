/**
 * DescribeConfigs v0-v4: every config of a topic or of this broker with its effective value
 * (defaults included, not only overrides), its source (v1+), synonyms on request (v1+), type and
 * documentation (v3+). v0 reports isDefault instead of a source.
 */
import type { DescribeConfigsRequest, DescribeConfigsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';
import {
  ResourceError,
  ResourceType,
  brokerResource,
  describeBroker,
  describeTopic,
  errorCodeOf,
  topicResource,
  type ConfigEntry,
  type DescribeOptions,
} from './config-resources.js';

import { configAccessError, Op } from '../../security/authorize.js';

type Resource = DescribeConfigsRequest['resources'][number];
type Result = DescribeConfigsResponse['results'][number];

export const handler: ApiHandler = {
  apiKey: 32,
  minVersion: 0,
  maxVersion: 4,
  handle(ctx: RequestContext, request: DescribeConfigsRequest): DescribeConfigsResponse {
    const base = {
      includeSynonyms: request.includeSynonyms ?? false,
      includeDocumentation: request.includeDocumentation ?? false,
    };
    const results = request.resources.map((r) => {
      const denied = configAccessError(ctx, r.resourceType, r.resourceName, Op.DESCRIBE_CONFIGS);
      if (denied !== null) return { errorCode: denied, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName, configs: [] };
      return describeOne(ctx.broker, r, { ...base, keys: r.configurationKeys });
    });
    return { throttleTimeMs: 0, results };
  },
};

function describeOne(broker: Broker, r: Resource, options: DescribeOptions): Result {
  const result = (errorCode: number, errorMessage: string | null, configs: ConfigEntry[]): Result => ({
    errorCode, errorMessage, resourceType: r.resourceType, resourceName: r.resourceName, configs,
  });
  try {
    switch (r.resourceType) {
      case ResourceType.TOPIC:
        return result(ErrorCode.NONE, null, describeTopic(broker, topicResource(broker, r.resourceName), options));
      case ResourceType.BROKER:
        return result(ErrorCode.NONE, null, describeBroker(broker, brokerResource(broker, r.resourceName), options));
      default:
        throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unsupported resource type ${r.resourceType}`);
    }
  } catch (err) {
    const { code, message } = errorCodeOf(err);
    return result(code, message, []);
  }
}
