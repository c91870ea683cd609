/** Between Connect records and client messages: the converter half of the task loops. */
import type { ConnectHeader, SourceRecord } from '../api.js';
import type { ProducerMessage, ConsumerRecord } from '../../client/index.js';
import type { Converter } from '../converters.js';

export interface Converters {
  key: Converter;
  value: Converter;
  header: Converter;
  keyClass: string;
  valueClass: string;
}

export function toProducerMessage(r: SourceRecord, key: Buffer | null, value: Buffer | null, header: Converter): ProducerMessage {
  const m: ProducerMessage = { key, value, headers: r.headers.map((h) => ({ key: h.key, value: header.fromConnectData(r.topic, h.schema ?? null, h.value) })) };
  if (r.kafkaPartition !== null) m.partition = r.kafkaPartition;
  if (r.timestamp !== null) m.timestamp = r.timestamp;
  return m;
}

export function headersOf(record: ConsumerRecord, header: Converter): ConnectHeader[] {
  return record.headers.map((h) => {
    const { schema, value } = header.toConnectData(record.topic, h.value ?? null);
    return { key: h.key, schema, value };
  });
}
