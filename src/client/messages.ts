/** Message shapes shared by Producer and Consumer, and the conversion of user input to record bytes. */
import type { RecordHeader } from '../records/record-types.js';
import { toBuffer } from './options.js';

export type Bytes = string | Buffer | Uint8Array;

export type HeadersInput = Record<string, Bytes | null | undefined> | Array<{ key: string; value: Bytes | null }>;

export interface ProducerMessage {
  key?: Bytes | null;
  value: Bytes | null;
  headers?: HeadersInput;
  /** Explicit partition; otherwise the partitioner chooses. */
  partition?: number;
  /** CreateTime in ms; default now. */
  timestamp?: number;
}

export interface ConsumerRecord {
  topic: string;
  partition: number;
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: RecordHeader[];
}

export function toRecordHeaders(headers: HeadersInput | undefined): RecordHeader[] {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map((h) => ({ key: h.key, value: toBuffer(h.value) }));
  const out: RecordHeader[] = [];
  for (const key of Object.keys(headers)) out.push({ key, value: toBuffer(headers[key]) });
  return out;
}

/** Approximate encoded size of a record, for batch.size and buffer.memory accounting. */
export function recordSizeBytes(key: Buffer | null, value: Buffer | null, headers: RecordHeader[]): number {
  let size = 21 + (key?.length ?? 0) + (value?.length ?? 0);
  for (const h of headers) size += 10 + h.key.length + (h.value?.length ?? 0);
  return size;
}
