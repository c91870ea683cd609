/**
 * The records of __consumer_offsets, in Kafka's formats (records/*.json in the Kafka source):
 *
 *   key   = int16 version | fields      version 0 or 1: OffsetCommitKey (group, topic, partition)
 *                                       version 2: GroupMetadataKey (group)
 *                                       version 3+: records of the new (KIP-848) protocol: skipped
 *   value = int16 version | fields      OffsetCommitValue v3 (v1 when an expire timestamp is set),
 *                                       GroupMetadataValue v3; null = tombstone
 *
 * The key version selects the record type, as in Kafka's GroupCoordinatorRecordSerde, so a log
 * written here can be read by Kafka's tools (kafka-console-consumer's offsets formatter).
 */
import { Reader } from '../protocol/reader.js';
import { Writer } from '../protocol/writer.js';
import { decodeOffsetCommitKey, encodeOffsetCommitKey } from '../protocol/generated/data/offset-commit-key.js';
import { decodeOffsetCommitValue, encodeOffsetCommitValue } from '../protocol/generated/data/offset-commit-value.js';
import { decodeGroupMetadataKey, encodeGroupMetadataKey } from '../protocol/generated/data/group-metadata-key.js';
import { decodeGroupMetadataValue, encodeGroupMetadataValue, type GroupMetadataValue } from '../protocol/generated/data/group-metadata-value.js';
import type { OffsetAndMetadata } from './offset-store.js';
import type { ClassicGroup } from './classic-group.js';
import { EMPTY_BYTES } from './member.js';

export type { GroupMetadataValue } from '../protocol/generated/data/group-metadata-value.js';

export interface CoordinatorRecord {
  key: Buffer;
  /** null is a tombstone. */
  value: Buffer | null;
}

const OFFSET_COMMIT_KEY_VERSION = 1;
const GROUP_METADATA_KEY_VERSION = 2;
const OFFSET_COMMIT_VALUE_VERSION = 3;
/** The only OffsetCommitValue version with an expire timestamp. */
const OFFSET_COMMIT_VALUE_EXPIRING_VERSION = 1;
const GROUP_METADATA_VALUE_VERSION = 3;

function encode(version: number, write: (w: Writer) => void): Buffer {
  const w = new Writer(64);
  w.int16(version);
  write(w);
  // Copy: the writer's buffer is larger than what was written and would be kept whole.
  return Buffer.from(w.toBuffer());
}

export function offsetCommitKey(group: string, topic: string, partition: number): Buffer {
  return encode(OFFSET_COMMIT_KEY_VERSION, (w) => encodeOffsetCommitKey(w, { group, topic, partition }, OFFSET_COMMIT_KEY_VERSION));
}

export function offsetCommitRecord(group: string, topic: string, partition: number, value: OffsetAndMetadata): CoordinatorRecord {
  const version = value.expireTimestampMs !== null ? OFFSET_COMMIT_VALUE_EXPIRING_VERSION : OFFSET_COMMIT_VALUE_VERSION;
  const encoded = encode(version, (w) =>
    encodeOffsetCommitValue(
      w,
      {
        offset: value.offset,
        leaderEpoch: value.leaderEpoch,
        metadata: value.metadata,
        commitTimestamp: value.commitTimestampMs,
        expireTimestamp: value.expireTimestampMs ?? -1,
      },
      version,
    ),
  );
  return { key: offsetCommitKey(group, topic, partition), value: encoded };
}

export function offsetTombstone(group: string, topic: string, partition: number): CoordinatorRecord {
  return { key: offsetCommitKey(group, topic, partition), value: null };
}

export function groupMetadataKey(group: string): Buffer {
  return encode(GROUP_METADATA_KEY_VERSION, (w) => encodeGroupMetadataKey(w, { group }, GROUP_METADATA_KEY_VERSION));
}

/** The group's metadata with these assignments (member id -> assignment). */
export function groupMetadataRecord(group: ClassicGroup, assignments: ReadonlyMap<string, Buffer>): CoordinatorRecord {
  const members: GroupMetadataValue['members'] = [];
  for (const m of group.allMembers()) {
    members.push({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeout: m.rebalanceTimeoutMs,
      sessionTimeout: m.sessionTimeoutMs,
      subscription: m.metadata(group.protocolName),
      assignment: assignments.get(m.memberId) ?? EMPTY_BYTES,
    });
  }
  const value: GroupMetadataValue = {
    protocolType: group.protocolType ?? '',
    generation: group.generationId,
    protocol: group.protocolName,
    leader: group.leaderId,
    currentStateTimestamp: group.currentStateTimestampMs ?? -1,
    members,
  };
  const encoded = encode(GROUP_METADATA_VALUE_VERSION, (w) => encodeGroupMetadataValue(w, value, GROUP_METADATA_VALUE_VERSION));
  return { key: groupMetadataKey(group.groupId), value: encoded };
}

export function groupTombstone(group: string): CoordinatorRecord {
  return { key: groupMetadataKey(group), value: null };
}

export type DecodedRecord =
  | { type: 'offset'; group: string; topic: string; partition: number; value: OffsetAndMetadata | null }
  | { type: 'group'; group: string; value: GroupMetadataValue | null }
  | { type: 'other'; keyVersion: number };

/** Decodes one __consumer_offsets record. Throws ProtocolDecodeError on malformed bytes. */
export function decodeRecord(key: Buffer, value: Buffer | null): DecodedRecord {
  const keyReader = new Reader(key);
  const keyVersion = keyReader.int16();
  if (keyVersion === 0 || keyVersion === 1) {
    const k = decodeOffsetCommitKey(keyReader, keyVersion);
    return { type: 'offset', group: k.group, topic: k.topic, partition: k.partition, value: value ? decodeOffsetValue(value) : null };
  }
  if (keyVersion === GROUP_METADATA_KEY_VERSION) {
    const k = decodeGroupMetadataKey(keyReader, keyVersion);
    if (!value) return { type: 'group', group: k.group, value: null };
    const valueReader = new Reader(value);
    const valueVersion = valueReader.int16();
    return { type: 'group', group: k.group, value: decodeGroupMetadataValue(valueReader, valueVersion) };
  }
  return { type: 'other', keyVersion };
}

function decodeOffsetValue(value: Buffer): OffsetAndMetadata {
  const reader = new Reader(value);
  const version = reader.int16();
  const v = decodeOffsetCommitValue(reader, version);
  return {
    offset: v.offset,
    leaderEpoch: v.leaderEpoch ?? -1,
    metadata: v.metadata,
    commitTimestampMs: v.commitTimestamp,
    expireTimestampMs: v.expireTimestamp !== undefined && v.expireTimestamp !== -1 ? v.expireTimestamp : null,
  };
}
