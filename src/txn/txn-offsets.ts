/**
 * Offsets committed inside a transaction (TxnOffsetCommit), held until the transaction ends:
 * on commit they are handed to the group coordinator, on abort dropped. Kafka keeps them as
 * transactional records in __consumer_offsets; Brook keeps them durable in __transaction_state,
 * next to the transaction's own state (same partition, so their order is kept), as records with a
 * Brook key version (a Kafka tool reading __transaction_state skips unknown key versions):
 *   key   = int16 100 | string transactionalId | string groupId
 *   value = UTF-8 JSON PendingGroupOffsets, or null once the transaction has ended
 */
import type { Logger } from '../log/logger.js';

export const PENDING_OFFSETS_KEY_VERSION = 100;

export interface PendingOffset {
  topic: string;
  partition: number;
  offset: number;
  leaderEpoch: number;
  metadata: string | null;
}

export interface PendingGroupOffsets {
  producerId: number;
  producerEpoch: number;
  /** Member and generation of TxnOffsetCommit v3+ (-1 / '' before). */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  offsets: PendingOffset[];
}

/** What applying offsets needs from the group coordinator. */
export interface GroupOffsetsSink {
  /** Writes the offsets of a committed transaction; resolves with a Kafka error code (0 = done). */
  apply(groupId: string, pending: PendingGroupOffsets): Promise<number>;
}

export interface PendingOffsetsLog {
  write(transactionalId: string, groupId: string, value: PendingGroupOffsets | null): Promise<void>;
}

export class PendingTxnOffsets {
  /** transactionalId -> groupId -> offsets */
  private readonly pending = new Map<string, Map<string, PendingGroupOffsets>>();

  constructor(
    private readonly log: PendingOffsetsLog,
    private readonly logger: Logger,
  ) {}

  /** Adds offsets to the transaction's pending set for the group (later commits of a partition win). */
  async add(transactionalId: string, groupId: string, update: PendingGroupOffsets): Promise<void> {
    const current = this.pending.get(transactionalId)?.get(groupId);
    const merged = new Map<string, PendingOffset>();
    const sameProducer = current && current.producerId === update.producerId && current.producerEpoch === update.producerEpoch;
    for (const o of sameProducer ? current.offsets : []) merged.set(`${o.topic}\0${o.partition}`, o);
    for (const o of update.offsets) merged.set(`${o.topic}\0${o.partition}`, o);
    const next = { ...update, offsets: [...merged.values()] };
    await this.log.write(transactionalId, groupId, next);
    this.replay(transactionalId, groupId, next);
  }

  /** Rebuilds from the log. */
  replay(transactionalId: string, groupId: string, value: PendingGroupOffsets | null): void {
    let groups = this.pending.get(transactionalId);
    if (value === null) {
      groups?.delete(groupId);
      if (groups?.size === 0) this.pending.delete(transactionalId);
      return;
    }
    if (!groups) this.pending.set(transactionalId, (groups = new Map()));
    groups.set(groupId, value);
  }

  has(transactionalId: string): boolean {
    return this.pending.has(transactionalId);
  }

  /**
   * The transaction ended: on commit, hands every group's offsets to the sink (failures are logged:
   * the transaction is already decided); then forgets them durably.
   */
  async complete(transactionalId: string, producerId: number, commit: boolean, sink: GroupOffsetsSink): Promise<void> {
    const groups = this.pending.get(transactionalId);
    if (!groups) return;
    for (const [groupId, pending] of groups) {
      if (commit && pending.producerId === producerId) {
        const error = await sink.apply(groupId, pending);
        if (error !== 0) this.logger.warn({ transactionalId, groupId, errorCode: error }, 'offsets of a committed transaction were refused by the group coordinator');
      }
    }
    for (const groupId of [...groups.keys()]) {
      await this.log.write(transactionalId, groupId, null);
      this.replay(transactionalId, groupId, null);
    }
  }
}

export function encodePendingOffsets(value: PendingGroupOffsets): Buffer {
  return Buffer.from(JSON.stringify(value));
}

export function decodePendingOffsets(bytes: Buffer): PendingGroupOffsets | null {
  try {
    const v = JSON.parse(bytes.toString('utf8')) as PendingGroupOffsets;
    return Array.isArray(v?.offsets) ? v : null;
  } catch {
    return null;
  }
}
