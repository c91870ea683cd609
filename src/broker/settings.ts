/**
 * The broker settings handlers read, derived once from the Kafka-named broker config
 * (src/config). Kept as a small typed view so handlers never parse config strings.
 */
import type { LogConfig } from '../storage/types.js';

export type TimestampType = 'CreateTime' | 'LogAppendTime';

export interface TopicSettings {
  log: LogConfig;
  /** `max.message.bytes` */
  maxMessageBytes: number;
  /** `message.timestamp.type` */
  timestampType: TimestampType;
  /** `message.timestamp.before.max.ms` */
  timestampBeforeMaxMs: number;
  /** `message.timestamp.after.max.ms` */
  timestampAfterMaxMs: number;
}

export interface BrokerSettings {
  nodeId: number;
  clusterId: string;
  rack: string | null;
  /** From `advertised.listeners`; null means "the address we listen on". */
  advertisedListener: { host: string; port: number } | null;
  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  socketRequestMaxBytes: number;
  maxConnections: number;
  queuedMaxRequests: number;
  /** Effective settings of a topic with these overrides. */
  topicSettings(overrides: Record<string, string>): TopicSettings;
  logConfigFor(overrides: Record<string, string>): LogConfig;
  /** Returns why these topic config overrides are invalid, or null. */
  topicConfigProblem(overrides: Record<string, string>): string | null;
}
