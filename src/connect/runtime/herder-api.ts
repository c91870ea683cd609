/** What the REST API needs from a herder (standalone or distributed). */
import type { ConnectorConfig } from '../api.js';
import type { ValidationResult } from './connector-validation.js';
import type { ConnectorInfo, ConnectorStatus } from './herder.js';

export interface Herder {
  connectorNames(): string[];
  validate(pluginName: string, config: ConnectorConfig): ValidationResult;
  putConnectorConfig(name: string, config: ConnectorConfig, allowReplace: boolean): Promise<{ created: boolean; info: ConnectorInfo }>;
  connectorInfo(name: string): ConnectorInfo;
  connectorConfig(name: string): ConnectorConfig;
  taskConfigs(name: string): Array<{ id: { connector: string; task: number }; config: ConnectorConfig }>;
  status(name: string): ConnectorStatus;
  taskStatusOf(name: string, id: number): ConnectorStatus['tasks'][number];
  pause(name: string): Promise<void>;
  resume(name: string): Promise<void>;
  stop(name: string): Promise<void>;
  delete(name: string): Promise<void>;
  restart(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStatus>;
  restartTask(name: string, id: number): Promise<void>;
  offsets(name: string): Promise<{ offsets: Array<{ partition: Record<string, unknown>; offset: Record<string, unknown> }> }>;
  /** KIP-875 PATCH: the body as sent; the connector must be STOPPED. */
  alterOffsets(name: string, body: unknown): Promise<{ message: string }>;
  /** KIP-875 DELETE; the connector must be STOPPED. */
  resetOffsets(name: string): Promise<{ message: string }>;
  /** KIP-558: topics the connector has used (403 when topic tracking is off). */
  connectorTopics(name: string): { topics: string[] };
  resetConnectorTopics(name: string): Promise<void>;
  /** The leader's REST URL when this worker must forward changes to it; null to handle them here. */
  forwardUrl?(): string | null;
}
