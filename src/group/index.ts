/**
 * The group coordinator as the broker runs it: a GroupCoordinator persisted in the
 * __consumer_offsets topic of the broker's TopicRegistry.
 */
import type { TopicRegistry } from '../broker/topics.js';
import type { Logger } from '../log/logger.js';
import { GroupCoordinator } from './group-coordinator.js';
import { TopicGroupLog, type TransactionalAppend } from './group-log.js';
import type { Scheduler } from './scheduler.js';
import type { GroupSettings } from './settings.js';

export { GroupCoordinator } from './group-coordinator.js';
export { OFFSETS_TOPIC } from './group-log.js';
export { groupSettingsFromConfig, type GroupSettings, type GroupLimits } from './settings.js';

export interface GroupServiceOptions {
  settings: GroupSettings;
  topics: TopicRegistry;
  logger: Logger;
  clock?: () => number;
  scheduler?: Scheduler;
  /** Appends TxnOffsetCommit's transactional batches through the partition's producer state. */
  transactionalAppend?: TransactionalAppend;
}

export class GroupService {
  readonly coordinator: GroupCoordinator;
  private readonly log: TopicGroupLog;

  constructor(options: GroupServiceOptions) {
    const clock = options.clock ?? Date.now;
    this.log = new TopicGroupLog({
      topics: options.topics,
      numPartitions: options.settings.offsetsTopicNumPartitions,
      segmentBytes: options.settings.offsetsTopicSegmentBytes,
      clock,
      logger: options.logger,
      ...(options.transactionalAppend ? { transactionalAppend: options.transactionalAppend } : {}),
    });
    this.coordinator = new GroupCoordinator({
      settings: options.settings,
      log: this.log,
      logger: options.logger,
      numPartitions: () => this.log.numPartitions,
      partitionExists: (topic, partition) => {
        const t = options.topics.get(topic);
        return t !== undefined && partition >= 0 && partition < t.partitions.length;
      },
      clock,
      ...(options.scheduler ? { scheduler: options.scheduler } : {}),
    });
  }

  /** Replays __consumer_offsets (if it exists) into the coordinator. Call after the topics load. */
  load(): Promise<void> {
    return this.coordinator.load((replay, replayMarker) =>
      this.log.load((_partition, key, value, producerId) => replay(key, value, producerId), replayMarker),
    );
  }

  /**
   * Cluster mode: this broker just became leader of `partition` of __consumer_offsets; replays it
   * so the groups stored there reflect what other leaders wrote meanwhile (latest record wins).
   */
  async loadPartition(partition: number): Promise<void> {
    await this.log.load(
      (_partition, key, value, producerId) => {
        try {
          this.coordinator.replay(key, value, producerId);
        } catch {
          // malformed records were already reported by the full load
        }
      },
      (p, producerId, commit) => this.coordinator.onTransactionCompleted(producerId, p, commit),
      partition,
    );
  }

  /** Creates __consumer_offsets if needed, as Kafka does on the first FindCoordinator. */
  async ensureOffsetsTopic(): Promise<void> {
    await this.log.ensureTopic();
  }

  stop(): void {
    this.coordinator.stop();
  }
}
