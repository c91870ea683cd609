/** `brook topics list|create|describe|alter|delete` (kafka-topics.sh). */
import { Command, Option } from 'commander';
import { Admin } from '../../client/admin.js';
import { KafkaError } from '../../client/errors.js';
import { clientOptions, collectPairs, pairsToRecord, parseIntFlag, parsePositiveInt, withConnectionOptions, withDeadline, type ConnectionFlags, type ToolIO } from './common.js';

interface TopicFlags extends ConnectionFlags {
  topic?: string;
  partitions?: number;
  replicationFactor?: number;
  config?: string[];
  ifNotExists?: boolean;
  ifExists?: boolean;
  output?: 'text' | 'json';
}

export function topicsCommand(io: ToolIO, run: (fn: () => Promise<void>) => void): Command {
  const topics = new Command('topics').description('list, create, describe, alter and delete topics');
  const sub = (name: string, description: string) => withConnectionOptions(topics.command(name).description(description));

  sub('list', 'list topic names').action((flags: TopicFlags) =>
    run(() =>
      withAdmin(flags, io, async (admin) => {
        for (const name of await admin.listTopics()) io.stdout.write(`${name}\n`);
      }),
    ),
  );

  sub('create', 'create a topic')
    .requiredOption('--topic <name>', 'topic to create')
    .option('--partitions <n>', 'number of partitions (default: the broker num.partitions)', parsePositiveInt)
    .option('--replication-factor <n>', 'replication factor (default: the broker default)', parsePositiveInt)
    .option('--config <key=value>', 'topic config override (repeatable)', collectPairs)
    .option('--if-not-exists', 'succeed when the topic already exists')
    .action((flags: TopicFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          try {
            await admin.createTopics({
              topics: [{ topic: flags.topic!, numPartitions: flags.partitions ?? -1, replicationFactor: flags.replicationFactor ?? -1, configs: pairsToRecord(flags.config, '--config') }],
            });
            io.stdout.write(`Created topic ${flags.topic}.\n`);
          } catch (err) {
            if (flags.ifNotExists && err instanceof KafkaError && err.errorName === 'TOPIC_ALREADY_EXISTS') return;
            throw err;
          }
        }),
      ),
    );

  sub('describe', 'partitions, leaders and configs of topics (all when --topic is omitted)')
    .option('--topic <name>', 'topic to describe')
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: TopicFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const infos = await admin.describeTopics(flags.topic ? { topics: [flags.topic] } : {});
          if (flags.output === 'json') {
            io.stdout.write(JSON.stringify(infos.map((t) => ({ topic: t.name, topicId: t.topicId, partitions: t.partitions.map((p) => ({ partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr })) }))) + '\n');
            return;
          }
          const overrides = await topicOverrides(admin, infos.map((t) => t.name));
          for (const t of infos) {
            const rf = t.partitions[0]?.replicas.length ?? 0;
            io.stdout.write(`Topic: ${t.name}\tTopicId: ${t.topicId}\tPartitionCount: ${t.partitions.length}\tReplicationFactor: ${rf}\tConfigs: ${overrides.get(t.name) ?? ''}\n`);
            for (const p of t.partitions) {
              io.stdout.write(`\tTopic: ${t.name}\tPartition: ${p.partition}\tLeader: ${p.leader}\tReplicas: ${p.replicas.join(',')}\tIsr: ${p.isr.join(',')}\n`);
            }
          }
        }),
      ),
    );

  sub('alter', 'add partitions to a topic and/or change its configs')
    .requiredOption('--topic <name>', 'topic to alter')
    .option('--partitions <n>', 'new (larger) partition count', parseIntFlag)
    .option('--config <key=value>', 'topic config to set (repeatable)', collectPairs)
    .action((flags: TopicFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          if (flags.partitions === undefined && !flags.config) throw new Error('nothing to alter: give --partitions and/or --config');
          if (flags.partitions !== undefined) await admin.createPartitions({ topicPartitions: [{ topic: flags.topic!, count: flags.partitions }] });
          if (flags.config) await admin.alterConfigs({ resources: [{ type: 'topic', name: flags.topic!, configs: pairsToRecord(flags.config, '--config') }] });
        }),
      ),
    );

  sub('delete', 'delete a topic')
    .requiredOption('--topic <name>', 'topic to delete (comma separated for several)')
    .option('--if-exists', 'succeed when the topic does not exist')
    .action((flags: TopicFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          try {
            await admin.deleteTopics({ topics: flags.topic!.split(',') });
          } catch (err) {
            if (flags.ifExists && err instanceof KafkaError && err.errorName === 'UNKNOWN_TOPIC_OR_PARTITION') return;
            throw err;
          }
        }),
      ),
    );
  return topics;
}

/** Runs fn with an Admin, bounded by --timeout, and always closes it. */
export async function withAdmin(flags: ConnectionFlags, io: ToolIO, fn: (admin: Admin) => Promise<void>): Promise<void> {
  const admin = new Admin(clientOptions(flags, io.clock));
  try {
    await withDeadline(fn(admin), flags.timeout, `request to ${flags.bootstrapServer}`);
  } finally {
    await admin.close();
  }
}

/** `k=v,...` of each topic's non-default configs, as kafka-topics prints them ('' when the broker cannot say). */
async function topicOverrides(admin: Admin, topics: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (topics.length === 0) return out;
  try {
    const results = await admin.describeConfigs({ resources: topics.map((name) => ({ type: 'topic' as const, name })) });
    for (const r of results) out.set(r.name, r.configs.filter((c) => c.source === 'DYNAMIC_TOPIC_CONFIG').map((c) => `${c.name}=${c.value}`).join(','));
  } catch {
    // DescribeConfigs unsupported or refused: describe still prints partitions.
  }
  return out;
}
