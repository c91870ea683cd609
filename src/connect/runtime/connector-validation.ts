/**
 * Validates a connector config as Kafka Connect does: the common keys every connector has
 * (name, connector.class, tasks.max, converters, transforms, errors.*), the sink keys (topics,
 * DLQ) or none for sources, then the connector's own ConfigDef and the transforms chain.
 * The result is the body of PUT /connector-plugins/{plugin}/config/validate.
 */
import { ConnectConfigError, type Connector, type ConnectorConfig } from '../api.js';
import { ConfigDef, type ConfigValueInfo, atLeast, nonEmpty, oneOf } from '../config-def.js';
import { CONVERTER_NAMES } from '../converters.js';
import { buildChain } from '../transforms/chain.js';

const converterClass = (v: unknown) => (v === null || (typeof v === 'string' && CONVERTER_NAMES.includes(v)) ? null : `Class ${String(v)} could not be found.`);

export const COMMON_CONFIG = new ConfigDef()
  .define({ name: 'name', type: 'string', group: 'Common', importance: 'HIGH', documentation: 'Globally unique name to use for this connector.', validator: nonEmpty })
  .define({ name: 'connector.class', type: 'string', group: 'Common', importance: 'HIGH', documentation: 'Name or alias of the class for this connector.' })
  .define({ name: 'tasks.max', type: 'int', defaultValue: '1', group: 'Common', importance: 'HIGH', documentation: 'Maximum number of tasks to use for this connector.', validator: atLeast(1) })
  .define({ name: 'key.converter', type: 'class', defaultValue: null, group: 'Common', importance: 'LOW', validator: converterClass })
  .define({ name: 'value.converter', type: 'class', defaultValue: null, group: 'Common', importance: 'LOW', validator: converterClass })
  .define({ name: 'header.converter', type: 'class', defaultValue: null, group: 'Common', importance: 'LOW' })
  .define({ name: 'transforms', type: 'list', defaultValue: '', group: 'Transforms', importance: 'LOW' })
  .define({ name: 'predicates', type: 'list', defaultValue: '', group: 'Predicates', importance: 'LOW' })
  .define({ name: 'errors.retry.timeout', type: 'long', defaultValue: '0', group: 'Error Handling', importance: 'MEDIUM', validator: atLeast(-1) })
  .define({ name: 'errors.retry.delay.max.ms', type: 'long', defaultValue: '60000', group: 'Error Handling', importance: 'MEDIUM', validator: atLeast(1) })
  .define({ name: 'errors.tolerance', type: 'string', defaultValue: 'none', group: 'Error Handling', importance: 'MEDIUM', validator: oneOf('none', 'all') })
  .define({ name: 'errors.log.enable', type: 'boolean', defaultValue: 'false', group: 'Error Handling', importance: 'MEDIUM' })
  .define({ name: 'errors.log.include.messages', type: 'boolean', defaultValue: 'false', group: 'Error Handling', importance: 'MEDIUM' });

export const SINK_CONFIG = new ConfigDef()
  .define({ name: 'topics', type: 'list', defaultValue: '', group: 'Common', importance: 'HIGH', documentation: 'List of topics to consume, separated by commas' })
  .define({ name: 'topics.regex', type: 'string', defaultValue: '', group: 'Common', importance: 'HIGH' })
  .define({ name: 'errors.deadletterqueue.topic.name', type: 'string', defaultValue: '', group: 'Error Handling', importance: 'MEDIUM' })
  .define({ name: 'errors.deadletterqueue.topic.replication.factor', type: 'int', defaultValue: '3', group: 'Error Handling', importance: 'MEDIUM' })
  .define({ name: 'errors.deadletterqueue.context.headers.enable', type: 'boolean', defaultValue: 'false', group: 'Error Handling', importance: 'MEDIUM' });

export interface ValidationResult {
  name: string;
  error_count: number;
  groups: string[];
  configs: ConfigValueInfo[];
}

function syntheticEntry(name: string, value: string | null, error: string): ConfigValueInfo {
  return {
    definition: { name, type: 'STRING', required: false, default_value: null, importance: 'LOW', documentation: '', group: null, width: 'NONE', display_name: name, dependents: [], order: -1 },
    value: { name, value, recommended_values: [], errors: [error], visible: true },
  };
}

/** Adds an error to the entry for `field`, creating one when the key has no definition. */
function addError(result: ValidationResult, field: string, config: ConnectorConfig, message: string): void {
  result.error_count++;
  const entry = result.configs.find((c) => c.definition.name === field);
  if (entry) entry.value.errors.push(message);
  else result.configs.push(syntheticEntry(field, config[field] ?? null, message));
}

export function validateConnectorConfig(connector: Connector, pluginName: string, config: ConnectorConfig): ValidationResult {
  const def = new ConfigDef().merge(COMMON_CONFIG);
  if (connector.type === 'sink') def.merge(SINK_CONFIG);
  const common = def.validate(config);
  const own = connector.config().validate(config);
  const result: ValidationResult = {
    name: pluginName,
    error_count: common.errorCount + own.errorCount,
    groups: ['Common', 'Transforms', 'Predicates', 'Error Handling'],
    configs: [...common.configs, ...own.configs.filter((c) => !common.configs.some((x) => x.definition.name === c.definition.name))],
  };
  if (connector.type === 'sink') validateSink(result, config);
  try {
    buildChain(config);
  } catch (err) {
    if (!(err instanceof ConnectConfigError)) throw err;
    addError(result, err.field ?? 'transforms', config, err.message);
  }
  return result;
}

function validateSink(result: ValidationResult, config: ConnectorConfig): void {
  const topics = (config['topics'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const regex = (config['topics.regex'] ?? '').trim();
  if (topics.length === 0 && regex === '') addError(result, 'topics', config, 'Must configure one of topics or topics.regex');
  else if (topics.length > 0 && regex !== '') addError(result, 'topics', config, 'topics and topics.regex are mutually exclusive options, but both are set.');
  else if (regex !== '' && !compiles(regex)) addError(result, 'topics.regex', config, `Invalid regex: ${regex}`);
  const dlq = (config['errors.deadletterqueue.topic.name'] ?? '').trim();
  if (dlq !== '' && (topics.includes(dlq) || (regex !== '' && compiles(regex) && sinkTopicPattern(regex).test(dlq)))) addError(result, 'errors.deadletterqueue.topic.name', config, `The DLQ topic '${dlq}' may not be included in the list of topics ('topics=...') consumed by the connector`);
}

/** `topics.regex` as Java's Pattern.matches reads it: the whole topic name must match. */
export function sinkTopicPattern(regex: string): RegExp {
  return new RegExp(`^(?:${regex})$`);
}

function compiles(regex: string): boolean {
  try {
    sinkTopicPattern(regex);
    return true;
  } catch {
    return false;
  }
}

/** The first error as a ConnectConfigError naming its field, or null when the config is valid. */
export function firstError(result: ValidationResult): ConnectConfigError | null {
  if (result.error_count === 0) return null;
  const failing = result.configs.filter((c) => c.value.errors.length > 0);
  const lines = failing.flatMap((c) => c.value.errors.map((e) => (e.includes(c.definition.name) ? e : `${c.definition.name}: ${e}`)));
  return new ConnectConfigError(
    `Connector configuration is invalid and contains the following ${lines.length} error(s):\n${lines.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``,
    failing[0]?.definition.name ?? null,
  );
}
