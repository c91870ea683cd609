/** `brook configs describe|alter` (kafka-configs.sh) for topics and brokers. */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { ConfigResourceType } from '../../client/admin.js';
import { collectPairs, pairsToRecord, withConnectionOptions, type ConnectionFlags, type ToolIO } from './common.js';
import { withAdmin } from './topics.js';

interface ConfigFlags extends ConnectionFlags {
  entityType?: 'topics' | 'brokers';
  entityName?: string;
  topic?: string;
  broker?: string;
  entityDefault?: boolean;
  all?: boolean;
  output: 'text' | 'json';
  addConfig?: string[];
  deleteConfig?: string[];
}

function entityOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--entity-type <type>', 'topics or brokers').choices(['topics', 'brokers']))
    .option('--entity-name <name>', 'topic name or broker id')
    .option('--topic <name>', 'shorthand for --entity-type topics --entity-name <name>')
    .option('--broker <id>', 'shorthand for --entity-type brokers --entity-name <id>')
    .option('--entity-default', 'with --entity-type brokers: the cluster-wide default broker configs');
}

function resource(flags: ConfigFlags): { type: ConfigResourceType; name: string } {
  if (flags.topic !== undefined) return { type: 'topic', name: flags.topic };
  if (flags.broker !== undefined) return { type: 'broker', name: flags.broker };
  if (flags.entityDefault) {
    if (flags.entityType !== 'brokers') throw new InvalidArgumentError('--entity-default needs --entity-type brokers');
    return { type: 'broker', name: '' };
  }
  if (!flags.entityType || flags.entityName === undefined) throw new InvalidArgumentError('give --topic <name>, --broker <id>, or --entity-type with --entity-name');
  return { type: flags.entityType === 'topics' ? 'topic' : 'broker', name: flags.entityName };
}

export function configsCommand(io: ToolIO, run: (fn: () => Promise<void>) => void): Command {
  const configs = new Command('configs').description('describe and alter topic and broker configs');
  entityOptions(withConnectionOptions(configs.command('describe').description('print configs (overrides only, unless --all)')))
    .option('--all', 'include defaults')
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: ConfigFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const r = resource(flags);
          const [result] = await admin.describeConfigs({ resources: [r] });
          const entries = result!.configs.filter((c) => flags.all || (!c.isDefault && c.source !== 'DEFAULT_CONFIG' && c.source !== 'STATIC_BROKER_CONFIG'));
          if (flags.output === 'json') {
            io.stdout.write(JSON.stringify(entries) + '\n');
            return;
          }
          const label = r.type === 'topic' ? `topic ${r.name}` : r.name === '' ? 'default brokers' : `broker ${r.name}`;
          io.stdout.write(`${flags.all ? 'All' : 'Dynamic'} configs for ${label} are:\n`);
          for (const c of entries) io.stdout.write(`  ${c.name}=${c.isSensitive ? 'null' : (c.value ?? 'null')} sensitive=${c.isSensitive} source=${c.source}\n`);
        }),
      ),
    );
  entityOptions(withConnectionOptions(configs.command('alter').description('set and delete configs')))
    .option('--add-config <key=value>', 'configs to set, comma separated (repeatable)', collectPairs)
    .option('--delete-config <key>', 'configs to remove, comma separated (repeatable)', collectPairs)
    .action((flags: ConfigFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const r = resource(flags);
          const changes: Record<string, string | null> = { ...pairsToRecord(flags.addConfig, '--add-config') };
          for (const name of flags.deleteConfig ?? []) changes[name] = null;
          if (Object.keys(changes).length === 0) throw new InvalidArgumentError('give --add-config and/or --delete-config');
          await admin.alterConfigs({ resources: [{ ...r, configs: changes }] });
          io.stdout.write(r.name === '' ? 'Completed updating default config for brokers in the cluster.\n' : `Completed updating config for ${r.type} ${r.name}.\n`);
        }),
      ),
    );
  return configs;
}
