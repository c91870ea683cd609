/**
 * IncrementalAlterConfigs v0-v1: per-key SET, DELETE, APPEND and SUBTRACT (the last two only
 * on list configs such as cleanup.policy) applied to a topic's current overrides, or to a
 * broker's dynamic configs (name = node id, or '' for the cluster-wide defaults); the result is
 * validated as a whole (naming the key), persisted and applied live.
 */
import type { IncrementalAlterConfigsRequest, IncrementalAlterConfigsResponse } from '../../protocol/generated/index.js';
import { ErrorCode } from '../../protocol/errors.js';
import { formatConfigValue, type ConfigDef } from '../../config/config-def.js';
import { brokerConfigDefs, brokerConfigKeyByName } from '../../config/broker-config-defs.js';
import { topicConfigDefs, topicConfigKeyByName } from '../../config/topic-config.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { Broker } from '../broker.js';
import {
  ResourceError,
  ResourceType,
  applyBrokerConfigs,
  applyTopicOverrides,
  brokerLayer,
  brokerResource,
  alterEachResource,
  errorCodeOf,
  topicResource,
} from './config-resources.js';

import { configAccessError, Op } from '../../security/authorize.js';

type Resource = IncrementalAlterConfigsRequest['resources'][number];
type AlterableConfig = Resource['configs'][number];
type Response = IncrementalAlterConfigsResponse['responses'][number];

/** Kafka's AlterConfigOp.OpType ids. */
const SET = 0;
const DELETE = 1;
const APPEND = 2;
const SUBTRACT = 3;

export const handler: ApiHandler = {
  apiKey: 44,
  minVersion: 0,
  maxVersion: 1,
  async handle(ctx: RequestContext, request: IncrementalAlterConfigsRequest): Promise<IncrementalAlterConfigsResponse> {
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
    for (const c of r.configs) checkOperation(c);
    switch (r.resourceType) {
      case ResourceType.TOPIC: {
        const topic = topicResource(broker, r.resourceName);
        const overrides: Record<string, string> = { ...topic.configs };
        for (const c of r.configs) applyOperation(overrides, c, topicListDef);
        await applyTopicOverrides(broker, topic, overrides, validateOnly);
        break;
      }
      case ResourceType.BROKER: {
        const scope = brokerResource(broker, r.resourceName);
        const values = brokerLayer(broker, scope);
        for (const c of r.configs) applyOperation(values, c, brokerListDef);
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

function checkOperation(c: AlterableConfig): void {
  if (c.configOperation < SET || c.configOperation > SUBTRACT) {
    throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unknown alter config operation ${c.configOperation} for ${c.name}`);
  }
  if (c.configOperation !== DELETE && c.value === null) {
    throw new ResourceError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${c.name}`);
  }
}

function topicListDef(name: string): ConfigDef {
  const key = topicConfigKeyByName.get(name);
  if (key === undefined) throw new ResourceError(ErrorCode.INVALID_CONFIG, `Unknown topic config name: ${name}`);
  return topicConfigDefs[key];
}

function brokerListDef(name: string): ConfigDef {
  const key = brokerConfigKeyByName.get(name);
  if (key === undefined) throw new ResourceError(ErrorCode.INVALID_REQUEST, `Unknown broker configs: Set(${name})`);
  return brokerConfigDefs[key] as ConfigDef;
}

/**
 * One operation on a resource's overrides (Kafka's ConfigAdminManager.prepareIncrementalConfigs).
 * APPEND / SUBTRACT need the config's definition (`defOf`): only lists take them.
 */
function applyOperation(overrides: Record<string, string>, c: AlterableConfig, defOf: (name: string) => ConfigDef): void {
  switch (c.configOperation) {
    case SET:
      overrides[c.name] = c.value!;
      return;
    case DELETE:
      delete overrides[c.name];
      return;
    default: {
      const def = defOf(c.name);
      if (def.type !== 'list') {
        const op = c.configOperation === APPEND ? 'append' : 'subtract';
        throw new ResourceError(ErrorCode.INVALID_CONFIG, `Config value ${op} is not allowed for config key: ${c.name}`);
      }
      // The current value is the override, else the config's own default (not the broker's), as Kafka.
      const current = overrides[c.name] ?? formatConfigValue(def, def.defaultValue) ?? '';
      const items = current === '' ? [] : current.split(',').map((s) => s.trim());
      const given = c.value!.split(',').map((s) => s.trim()).filter((s) => s !== '');
      const next = c.configOperation === APPEND
        ? [...items, ...given.filter((g) => !items.includes(g))]
        : items.filter((i) => !given.includes(i));
      overrides[c.name] = next.join(',');
    }
  }
}
