/**
 * Control records, the records of a batch with the control attribute (never written by clients).
 *   key:   version int16 (0) | type int16
 *   value for ABORT/COMMIT (transaction markers, Kafka's EndTransactionMarker):
 *          version int16 (0) | coordinatorEpoch int32
 * Other types (KRaft's leader change, snapshot header/footer, ...) carry their own values;
 * for them only the key is decoded. Newer key/value versions are read as v0 (Kafka does too).
 */
import { RecordFormatError } from './record-format-error.js';

export const ControlRecordType = {
  Abort: 0,
  Commit: 1,
  LeaderChange: 2,
  SnapshotHeader: 3,
  SnapshotFooter: 4,
  KRaftVersion: 5,
  KRaftVoters: 6,
} as const;

const CONTROL_KEY_BYTES = 4;
const MARKER_VALUE_BYTES = 6;
const CURRENT_VERSION = 0;

export interface ControlRecord {
  /** Key version. */
  version: number;
  type: number;
  /** For ABORT and COMMIT markers; null for other types. */
  coordinatorEpoch: number | null;
}

export function decodeControlRecord(record: { key: Buffer | null; value: Buffer | null }): ControlRecord {
  const key = record.key;
  if (key === null || key.length < CONTROL_KEY_BYTES) throw new RecordFormatError('control record key is missing or shorter than 4 bytes');
  const version = key.readInt16BE(0);
  if (version < 0) throw new RecordFormatError(`control record key version ${version} is invalid`);
  const type = key.readInt16BE(2);
  if (type !== ControlRecordType.Abort && type !== ControlRecordType.Commit) return { version, type, coordinatorEpoch: null };
  const value = record.value;
  if (value === null || value.length < MARKER_VALUE_BYTES) throw new RecordFormatError('transaction marker value is missing or shorter than 6 bytes');
  const valueVersion = value.readInt16BE(0);
  if (valueVersion < 0) throw new RecordFormatError(`transaction marker value version ${valueVersion} is invalid`);
  return { version, type, coordinatorEpoch: value.readInt32BE(2) };
}

/** Key and value of a transaction marker (ABORT or COMMIT), ready for encodeBatch with isControl. */
export function encodeTransactionMarker(type: typeof ControlRecordType.Abort | typeof ControlRecordType.Commit, coordinatorEpoch: number): { key: Buffer; value: Buffer } {
  const key = Buffer.alloc(CONTROL_KEY_BYTES);
  key.writeInt16BE(CURRENT_VERSION, 0);
  key.writeInt16BE(type, 2);
  const value = Buffer.alloc(MARKER_VALUE_BYTES);
  value.writeInt16BE(CURRENT_VERSION, 0);
  value.writeInt32BE(coordinatorEpoch, 2);
  return { key, value };
}
