/** `brook groups list|describe|reset-offsets|delete` (kafka-consumer-groups.sh). */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Admin, PartitionLag } from '../../client/admin.js';
import { CliError, collect, formatTable, parseIntFlag, parseTimestamp, withConnectionOptions, type ConnectionFlags, type ToolIO } from './common.js';
import { withAdmin } from './topics.js';

interface GroupFlags extends ConnectionFlags {
  group?: string[];
  members?: boolean;
  allGroups?: boolean;
  state?: boolean;
  output: 'text' | 'json';
  topic?: string[];
  allTopics?: boolean;
  toEarliest?: boolean;
  toLatest?: boolean;
  toOffset?: number;
  shiftBy?: number;
  toDatetime?: number;
  execute?: boolean;
  dryRun?: boolean;
}

const outputOption = () => new Option('--output <format>', 'output format').choices(['text', 'json']).default('text');

export function groupsCommand(io: ToolIO, run: (fn: () => Promise<void>) => void): Command {
  const groups = new Command('groups').description('list, describe, reset offsets of and delete consumer groups');
  const sub = (name: string, description: string) => withConnectionOptions(groups.command(name).description(description));

  sub('list', 'list consumer groups')
    .option('--state', 'also print each group state')
    .addOption(outputOption())
    .action((flags: GroupFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const list = await admin.listGroups();
          if (flags.output === 'json') io.stdout.write(JSON.stringify(list.map((g) => ({ group: g.groupId, state: g.state, protocolType: g.protocolType }))) + '\n');
          else if (flags.state) io.stdout.write(formatTable(['GROUP', 'STATE'], list.map((g) => [g.groupId, g.state || '-'])));
          else for (const g of list) io.stdout.write(`${g.groupId}\n`);
        }),
      ),
    );

  sub('describe', 'committed offsets, log end offsets and lag per partition, with the owning member')
    .option('--group <id>', 'group to describe (repeatable)', collect)
    .option('--all-groups', 'describe every group')
    .option('--members', 'list the members instead of the partitions')
    .option('--state', 'print the group state instead of the partitions')
    .addOption(outputOption())
    .action((flags: GroupFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const ids = flags.allGroups ? (await admin.listGroups()).map((g) => g.groupId) : flags.group;
          if (!ids || ids.length === 0) throw new InvalidArgumentError('give --group <id> or --all-groups');
          if (flags.members || flags.state) {
            await describeMembersOrState(admin, ids, flags, io);
            return;
          }
          const all: Array<PartitionLag & { group: string }> = [];
          for (const id of ids) {
            const [description] = await admin.describeGroups([id]);
            if (description && description.state === 'Dead') throw new CliError(`Consumer group '${id}' does not exist.`);
            const rows = (await admin.describeGroupLag(id)).map((r) => ({ group: id, ...r }));
            if (flags.output === 'text' && description?.members.length === 0) io.stderr.write(`Consumer group '${id}' has no active members.\n`);
            all.push(...rows);
          }
          if (flags.output === 'json') {
            io.stdout.write(JSON.stringify(all) + '\n');
            return;
          }
          const dash = (v: string | number | null) => (v === null || v === -1 ? '-' : String(v));
          io.stdout.write(
            formatTable(
              ['GROUP', 'TOPIC', 'PARTITION', 'CURRENT-OFFSET', 'LOG-END-OFFSET', 'LAG', 'CONSUMER-ID', 'HOST', 'CLIENT-ID'],
              all.map((r) => [r.group, r.topic, r.partition, dash(r.currentOffset), dash(r.logEndOffset), dash(r.lag), dash(r.consumerId), dash(r.host), dash(r.clientId)]),
            ),
          );
        }),
      ),
    );

  sub('reset-offsets', 'move an inactive group to new offsets (dry run unless --execute)')
    .requiredOption('--group <id>', 'group to reset', collect)
    .option('--topic <topic[:partitions]>', 'topic, optionally with partitions (t:0,1) (repeatable)', collect)
    .option('--all-topics', 'every topic the group has offsets for')
    .option('--to-earliest', 'reset to the earliest offset')
    .option('--to-latest', 'reset to the latest offset')
    .option('--to-offset <n>', 'reset to this offset', parseIntFlag)
    .option('--shift-by <n>', 'move the committed offset by n (may be negative)', parseIntFlag)
    .option('--to-datetime <time>', 'reset to the first offset at or after this time (epoch ms or ISO-8601)', parseTimestamp)
    .option('--execute', 'apply the new offsets')
    .option('--dry-run', 'only print the new offsets (the default)')
    .addOption(outputOption())
    .action((flags: GroupFlags) => run(() => withAdmin(flags, io, (admin) => resetOffsets(admin, flags, io))));

  sub('delete', 'delete consumer groups (they must have no members)')
    .requiredOption('--group <id>', 'group to delete (repeatable)', collect)
    .action((flags: GroupFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          await admin.deleteGroups(flags.group!);
          io.stdout.write(`Deletion of requested consumer groups (${flags.group!.map((g) => `'${g}'`).join(', ')}) was successful.\n`);
        }),
      ),
    );
  return groups;
}

async function resetOffsets(admin: Admin, flags: GroupFlags, io: ToolIO): Promise<void> {
  const strategies = [flags.toEarliest, flags.toLatest, flags.toOffset !== undefined, flags.shiftBy !== undefined, flags.toDatetime !== undefined].filter(Boolean).length;
  if (strategies !== 1) throw new InvalidArgumentError('give exactly one of --to-earliest, --to-latest, --to-offset, --shift-by, --to-datetime');
  if (!flags.topic && !flags.allTopics) throw new InvalidArgumentError('give --topic or --all-topics');
  const groupId = flags.group![0]!;
  const [description] = await admin.describeGroups([groupId]);
  if (description && description.state !== 'Empty' && description.state !== 'Dead') {
    throw new CliError(`Assignments can only be reset if the group '${groupId}' is inactive, but the current state is ${description.state}.`);
  }
  const committed = await admin.fetchGroupOffsets(groupId);
  const targets: Array<{ topic: string; partition: number }> = [];
  if (flags.allTopics) for (const c of committed) targets.push({ topic: c.topic, partition: c.partition });
  for (const spec of flags.topic ?? []) {
    const [topic, parts] = spec.split(':') as [string, string | undefined];
    const partitions = parts ? parts.split(',').map(Number) : (await admin.describeTopics({ topics: [topic] }))[0]!.partitions.map((p) => p.partition);
    for (const partition of partitions) targets.push({ topic, partition });
  }
  const offsets: Array<{ topic: string; partition: number; offset: number }> = [];
  for (const topic of new Set(targets.map((t) => t.topic))) {
    const ends = await admin.fetchTopicOffsets(topic);
    const byTime = flags.toDatetime !== undefined ? await admin.listOffsets(topic, { timestamp: flags.toDatetime }) : [];
    for (const t of targets.filter((x) => x.topic === topic)) {
      const end = ends.find((e) => e.partition === t.partition);
      if (!end) throw new CliError(`topic ${topic} has no partition ${t.partition}`);
      const current = committed.find((c) => c.topic === topic && c.partition === t.partition)?.offset ?? -1;
      let offset: number;
      if (flags.toEarliest) offset = end.low;
      else if (flags.toLatest) offset = end.high;
      else if (flags.toOffset !== undefined) offset = flags.toOffset;
      else if (flags.shiftBy !== undefined) offset = (current < 0 ? end.low : current) + flags.shiftBy;
      else {
        const o = byTime.find((b) => b.partition === t.partition)?.offset ?? -1;
        offset = o < 0 ? end.high : o;
      }
      // Kafka clamps to the partition's range.
      offsets.push({ topic, partition: t.partition, offset: Math.min(Math.max(offset, end.low), end.high) });
    }
  }
  if (flags.execute) await admin.setGroupOffsets(groupId, offsets);
  if (flags.output === 'json') io.stdout.write(JSON.stringify(offsets.map((o) => ({ group: groupId, ...o }))) + '\n');
  else io.stdout.write(formatTable(['GROUP', 'TOPIC', 'PARTITION', 'NEW-OFFSET'], offsets.map((o) => [groupId, o.topic, o.partition, o.offset])));
}

/** `--members` (GROUP CONSUMER-ID HOST CLIENT-ID #PARTITIONS) and `--state` (GROUP ASSIGNMENT-STRATEGY STATE #MEMBERS). */
async function describeMembersOrState(admin: Admin, ids: string[], flags: GroupFlags, io: ToolIO): Promise<void> {
  const groups = await admin.describeGroups(ids);
  if (flags.state) {
    if (flags.output === 'json') {
      io.stdout.write(JSON.stringify(groups.map((g) => ({ group: g.groupId, assignmentStrategy: g.protocol, state: g.state, members: g.members.length }))) + '\n');
      return;
    }
    io.stdout.write(formatTable(['GROUP', 'ASSIGNMENT-STRATEGY', 'STATE', '#MEMBERS'], groups.map((g) => [g.groupId, g.protocol || '-', g.state, g.members.length])));
    return;
  }
  const rows = groups.flatMap((g) => g.members.map((m) => ({ group: g.groupId, consumerId: m.memberId, host: m.clientHost, clientId: m.clientId, partitions: m.assignment.reduce((n, tp) => n + tp.partitions.length, 0) })));
  if (flags.output === 'json') {
    io.stdout.write(JSON.stringify(rows) + '\n');
    return;
  }
  io.stdout.write(formatTable(['GROUP', 'CONSUMER-ID', 'HOST', 'CLIENT-ID', '#PARTITIONS'], rows.map((r) => [r.group, r.consumerId, r.host, r.clientId, r.partitions])));
}
