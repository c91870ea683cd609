/**
 * `brook produce` (kafka-console-producer.sh): one record per stdin line. Properties as Kafka's:
 * parse.key / key.separator (default tab), parse.headers / headers.delimiter (tab) /
 * headers.separator (,) / headers.key.separator (:), null.marker.
 */
import { createInterface } from 'node:readline';
import { Command, Option } from 'commander';
import { Producer, type Acks, type CompressionName } from '../../client/producer.js';
import type { ProducerMessage } from '../../client/messages.js';
import { clientOptions, collectPairs, pairsToRecord, withConnectionOptions, withDeadline, type ConnectionFlags, type ToolIO } from './common.js';

interface ProduceFlags extends ConnectionFlags {
  topic: string;
  property?: string[];
  acks: string;
  compressionCodec: CompressionName;
  partition?: string;
  lingerMs: string;
}

const LINES_PER_SEND = 500;
const MAX_PENDING_SENDS = 8;

export function produceCommand(io: ToolIO, run: (fn: () => Promise<void>) => void): Command {
  return withConnectionOptions(new Command('produce'))
    .description('write stdin lines to a topic, one record per line')
    .requiredOption('--topic <name>', 'topic to write to')
    .option('--property <key=value>', 'parse.key=true, key.separator=:, parse.headers=true, headers.delimiter, headers.separator, headers.key.separator, null.marker (repeatable)', collectPairs)
    .addOption(new Option('--acks <acks>', 'acks the producer requests (alias --request-required-acks)').choices(['0', '1', '-1', 'all']).default('-1'))
    .addOption(new Option('--request-required-acks <acks>').choices(['0', '1', '-1', 'all']).hideHelp())
    .addOption(new Option('--compression-codec <codec>', 'compression').choices(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'))
    .option('--partition <n>', 'write every record to this partition')
    .option('--linger-ms <ms>', 'batching delay', '5')
    .action((flags: ProduceFlags & { requestRequiredAcks?: string }) => run(() => produce({ ...flags, acks: flags.requestRequiredAcks ?? flags.acks }, io)));
}

async function produce(flags: ProduceFlags, io: ToolIO): Promise<void> {
  const props = pairsToRecord(flags.property, '--property');
  const parser = lineParser(props, flags.partition === undefined ? undefined : Number(flags.partition));
  const producer = new Producer({
    ...clientOptions(flags, io.clock),
    acks: (flags.acks === 'all' ? -1 : Number(flags.acks)) as Acks,
    compression: flags.compressionCodec,
    lingerMs: Number(flags.lingerMs),
  });
  try {
    // Fail fast (within --timeout) when the broker is unreachable, before reading stdin.
    await withDeadline(producer.connect(), flags.timeout, `connecting to ${flags.bootstrapServer}`);
    const pending: Array<Promise<unknown>> = [];
    let batch: ProducerMessage[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      pending.push(producer.send({ topic: flags.topic, messages: batch }));
      batch = [];
      if (pending.length >= MAX_PENDING_SENDS) await pending.shift();
    };
    const lines = createInterface({ input: io.stdin, crlfDelay: Infinity });
    for await (const line of lines) {
      batch.push(parser(line));
      if (batch.length >= LINES_PER_SEND) await flush();
    }
    await flush();
    await Promise.all(pending);
  } finally {
    await producer.close().catch(() => {});
  }
}

/** Turns one input line into a message according to the console producer's properties. */
export function lineParser(props: Record<string, string>, partition?: number): (line: string) => ProducerMessage {
  const parseKey = props['parse.key'] === 'true';
  const keySeparator = props['key.separator'] ?? '\t';
  const parseHeaders = props['parse.headers'] === 'true';
  const headersDelimiter = props['headers.delimiter'] ?? '\t';
  const headersSeparator = props['headers.separator'] ?? ',';
  const headerKeySeparator = props['headers.key.separator'] ?? ':';
  const nullMarker = props['null.marker'];
  const orNull = (s: string) => (nullMarker !== undefined && s === nullMarker ? null : s);
  return (line) => {
    let rest = line;
    const message: ProducerMessage = { value: null };
    if (parseHeaders) {
      const i = rest.indexOf(headersDelimiter);
      if (i < 0) throw new Error(`no headers delimiter in line "${line}"`);
      const headers: Array<{ key: string; value: string | null }> = [];
      for (const h of rest.slice(0, i).split(headersSeparator)) {
        if (h === '') continue;
        const j = h.indexOf(headerKeySeparator);
        headers.push(j < 0 ? { key: h, value: null } : { key: h.slice(0, j), value: orNull(h.slice(j + headerKeySeparator.length)) });
      }
      message.headers = headers;
      rest = rest.slice(i + headersDelimiter.length);
    }
    if (parseKey) {
      const i = rest.indexOf(keySeparator);
      if (i < 0) throw new Error(`no key separator "${keySeparator}" in line "${line}"`);
      message.key = orNull(rest.slice(0, i));
      rest = rest.slice(i + keySeparator.length);
    }
    message.value = orNull(rest);
    if (partition !== undefined) message.partition = partition;
    return message;
  };
}
