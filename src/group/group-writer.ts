/**
 * Appends coordinator records for a group to the __consumer_offsets partition that owns it and
 * turns a failed append into the error Kafka's coordinator answers with
 * (GroupMetadataManager.appendGroupMetadataErrorToResponseError). Never rejects.
 */
import { ErrorCode, KafkaError } from '../protocol/errors.js';
import type { Logger } from '../log/logger.js';
import type { GroupLog, TxnProducer } from './group-log.js';
import type { CoordinatorRecord } from './records.js';

export class GroupWriter {
  constructor(
    private readonly log: GroupLog,
    private readonly partitionFor: (groupId: string) => number,
    private readonly logger: Logger,
  ) {}

  /** Resolves NONE once durable, or the error code to answer with. */
  async write(groupId: string, records: CoordinatorRecord[], txn?: TxnProducer): Promise<number> {
    if (records.length === 0) return ErrorCode.NONE;
    try {
      await this.log.append(this.partitionFor(groupId), records, txn);
      return ErrorCode.NONE;
    } catch (err) {
      this.logger.error({ group: groupId, err: String(err) }, 'group coordinator write failed');
      return appendErrorCode(err);
    }
  }
}

export function appendErrorCode(err: unknown): number {
  if (!(err instanceof KafkaError)) return ErrorCode.NOT_COORDINATOR;
  switch (err.code) {
    case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
    case ErrorCode.NOT_ENOUGH_REPLICAS:
    case ErrorCode.REQUEST_TIMED_OUT:
      return ErrorCode.COORDINATOR_NOT_AVAILABLE;
    case ErrorCode.NOT_LEADER_OR_FOLLOWER:
    case ErrorCode.KAFKA_STORAGE_ERROR:
      return ErrorCode.NOT_COORDINATOR;
    case ErrorCode.MESSAGE_TOO_LARGE:
    case ErrorCode.RECORD_LIST_TOO_LARGE:
    case ErrorCode.INVALID_FETCH_SIZE:
      return ErrorCode.UNKNOWN_SERVER_ERROR;
    default:
      return err.code;
  }
}
