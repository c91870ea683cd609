/**
 * `brook consume` (kafka-console-consumer.sh): values one per line by default; `--output json`
 * prints JSON lines. Without --group it reads partitions directly (from --offset, --timestamp,
 * --from-beginning, or the end); with --group it joins the group and commits as it goes.
 * Ends after --max-messages, after --timeout-ms without a record, or on SIGINT/SIGTERM.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { Admin } from '../../client/admin.js';
import { Consumer, type TopicPartitionOffset } from '../../client/consumer.js';
import type { ConsumerRecord } from '../../client/messages.js';
import { CliError, clientOptions, collectPairs, pairsToRecord, parseIntFlag, parsePositiveInt, parseTimestamp, withConnectionOptions, withDeadline, type ConnectionFlags, type ToolIO } from './common.js';

interface ConsumeFlags extends ConnectionFlags {
  topic: string;
  group?: string;
  fromBeginning?: boolean;
  partition?: number;
  offset?: string;
  timestamp?: number;
  maxMessages?: number;
  timeoutMs?: number;
  output: 'text' | 'json';
  property?: string[];
}

export function consumeCommand(io: ToolIO, run: (fn: () => Promise<void>) => void): Command {
  return withConnectionOptions(new Command('consume'))
    .description('print records of a topic, values one per line')
    .requiredOption('--topic <name>', 'topic to read')
    .option('--group <id>', 'consumer group to join (commits offsets)')
    .option('--from-beginning', 'start at the earliest offset when there is no committed offset')
    .option('--partition <n>', 'read only this partition', parseIntFlag)
    .option('--offset <offset>', 'start offset: a number, earliest or latest (needs no --group)')
    .option('--timestamp <time>', 'start at the first record at or after this time (epoch ms or ISO-8601)', parseTimestamp)
    .option('--max-messages <n>', 'exit after this many records', parsePositiveInt)
    .option('--timeout-ms <ms>', 'exit when no record arrives for this long', parsePositiveInt)
    .addOption(new Option('--output <format>', 'text (values, or per --property print.*) or json (JSON lines)').choices(['text', 'json']).default('text'))
    .option('--property <key=value>', 'print.key, print.timestamp, print.partition, print.offset, print.headers, key.separator, null.literal (repeatable)', collectPairs)
    .action((flags: ConsumeFlags) => run(() => consume(flags, io)));
}

async function consume(flags: ConsumeFlags, io: ToolIO): Promise<void> {
  if (flags.group && (flags.offset !== undefined || flags.timestamp !== undefined || flags.partition !== undefined)) {
    throw new InvalidArgumentError('--offset, --timestamp and --partition read partitions directly and cannot be combined with --group');
  }
  const format = formatter(flags.output, pairsToRecord(flags.property, '--property'));
  const options = clientOptions(flags, io.clock);
  const consumer = new Consumer({ ...options, groupId: flags.group, autoOffsetReset: flags.fromBeginning ? 'earliest' : 'latest', maxWaitMs: 200 });
  let stopping = false;
  const removeSignal = io.onSignal(() => {
    stopping = true;
  });
  let count = 0;
  try {
    await withDeadline(start(consumer, flags, options), flags.timeout, `connecting to ${flags.bootstrapServer}`);
    let idleSinceMs = io.clock();
    while (!stopping && (flags.maxMessages === undefined || count < flags.maxMessages)) {
      const records = await consumer.poll({ timeoutMs: 200, maxRecords: flags.maxMessages === undefined ? 500 : flags.maxMessages - count });
      if (records.length > 0) {
        let out = '';
        for (const r of records) out += format(r);
        io.stdout.write(out);
        count += records.length;
        idleSinceMs = io.clock();
      } else if (flags.timeoutMs !== undefined && io.clock() - idleSinceMs >= flags.timeoutMs) {
        break;
      }
    }
  } finally {
    removeSignal();
    await consumer.close().catch(() => {});
  }
  io.stderr.write(`Processed a total of ${count} messages\n`);
}

async function start(consumer: Consumer, flags: ConsumeFlags, options: ReturnType<typeof clientOptions>): Promise<void> {
  if (flags.group) {
    await consumer.subscribe({ topics: [flags.topic], fromBeginning: flags.fromBeginning ?? false });
    return;
  }
  const admin = new Admin(options);
  try {
    const [info] = await admin.describeTopics({ topics: [flags.topic] });
    const partitions = flags.partition !== undefined ? [flags.partition] : info!.partitions.map((p) => p.partition);
    if (flags.partition !== undefined && !info!.partitions.some((p) => p.partition === flags.partition)) throw new CliError(`topic ${flags.topic} has no partition ${flags.partition}`);
    let starts: Map<number, number>;
    if (flags.offset !== undefined) {
      const o = flags.offset === 'earliest' ? -2 : flags.offset === 'latest' ? -1 : Number(flags.offset);
      if (!Number.isInteger(o) || o < -2) throw new InvalidArgumentError(`--offset must be a number, earliest or latest, got "${flags.offset}"`);
      starts = new Map(partitions.map((p) => [p, o]));
    } else if (flags.timestamp !== undefined) {
      const byTime = await admin.listOffsets(flags.topic, { timestamp: flags.timestamp });
      // No record at or after the time: start at the end.
      starts = new Map(byTime.map((o) => [o.partition, o.offset < 0 ? -1 : o.offset]));
    } else {
      starts = new Map(partitions.map((p) => [p, flags.fromBeginning ? -2 : -1]));
    }
    const assignment: TopicPartitionOffset[] = partitions.map((partition) => ({ topic: flags.topic, partition, offset: starts.get(partition) ?? -1 }));
    await consumer.assign(assignment);
  } finally {
    await admin.close();
  }
}

/** Kafka's DefaultMessageFormatter properties for text; JSON lines otherwise. */
export function formatter(output: 'text' | 'json', props: Record<string, string>): (r: ConsumerRecord) => string {
  if (output === 'json') {
    return (r) =>
      JSON.stringify({
        topic: r.topic,
        partition: r.partition,
        offset: r.offset,
        timestamp: r.timestamp,
        key: r.key === null ? null : r.key.toString('utf8'),
        value: r.value === null ? null : r.value.toString('utf8'),
        headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value === null ? null : h.value.toString('utf8')])),
      }) + '\n';
  }
  const on = (name: string) => props[name] === 'true';
  const sep = props['key.separator'] ?? '\t';
  const nullLiteral = props['null.literal'] ?? 'null';
  const str = (b: Buffer | null) => (b === null ? nullLiteral : b.toString('utf8'));
  const printTimestamp = on('print.timestamp');
  const printPartition = on('print.partition');
  const printOffset = on('print.offset');
  const printHeaders = on('print.headers');
  const printKey = on('print.key');
  return (r) => {
    let line = '';
    if (printTimestamp) line += `CreateTime:${r.timestamp}${sep}`;
    if (printPartition) line += `Partition:${r.partition}${sep}`;
    if (printOffset) line += `Offset:${r.offset}${sep}`;
    if (printHeaders) line += (r.headers.length === 0 ? 'NO_HEADERS' : r.headers.map((h) => `${h.key}:${str(h.value)}`).join(',')) + sep;
    if (printKey) line += str(r.key) + sep;
    return `${line}${str(r.value)}\n`;
  };
}
