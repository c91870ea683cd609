/**
 * `brook quotas set|describe` (kafka-configs.sh --entity-type users|clients): client quotas by
 * --user <name> / --user-default and --client-id <id> / --client-default, keys
 * producer_byte_rate, consumer_byte_rate, request_percentage, controller_mutation_rate; and
 * (kafka-configs.sh --entity-type ips) --ip <address> / --ip-default, key connection_creation_rate.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { QuotaEntity, QuotaFilterComponent } from '../../client/admin-security.js';
import { collectPairs, formatTable, pairsToRecord, withConnectionOptions, type ConnectionFlags, type ToolIO } from './common.js';
import { withAdmin } from './topics.js';

interface QuotaFlags extends ConnectionFlags {
  user?: string;
  userDefault?: boolean;
  clientId?: string;
  clientDefault?: boolean;
  ip?: string;
  ipDefault?: boolean;
  add?: string[];
  delete?: string[];
  output: 'text' | 'json';
}

function entityOptions(cmd: Command): Command {
  return cmd
    .option('--user <name>', 'a user (the principal name without User:)')
    .option('--user-default', 'the default of every user')
    .option('--client-id <id>', 'a client id')
    .option('--client-default', 'the default of every client id')
    .option('--ip <address>', 'a client IP (connection_creation_rate only)')
    .option('--ip-default', 'the default of every client IP');
}

function entityOf(flags: QuotaFlags): QuotaEntity {
  if (flags.user !== undefined && flags.userDefault) throw new InvalidArgumentError('give --user or --user-default, not both');
  if (flags.clientId !== undefined && flags.clientDefault) throw new InvalidArgumentError('give --client-id or --client-default, not both');
  const entity: QuotaEntity = {};
  if (flags.user !== undefined || flags.userDefault) entity.user = flags.user ?? null;
  if (flags.clientId !== undefined || flags.clientDefault) entity['client-id'] = flags.clientId ?? null;
  if (flags.ip !== undefined && flags.ipDefault) throw new InvalidArgumentError('give --ip or --ip-default, not both');
  if (flags.ip !== undefined || flags.ipDefault) entity.ip = flags.ip ?? null;
  return entity;
}

function entityName(entity: QuotaEntity): string {
  return Object.entries(entity)
    .map(([type, name]) => `${type}=${name ?? '<default>'}`)
    .join(',');
}

export function quotasCommand(io: ToolIO, run: (fn: () => Promise<void>) => void): Command {
  const quotas = new Command('quotas').description('set and describe client quotas');

  entityOptions(withConnectionOptions(quotas.command('set').description('set and delete quota values of a user and/or client id')))
    .option('--add <key=value>', 'quota values to set, comma separated (repeatable)', collectPairs)
    .option('--delete <key>', 'quota keys to remove, comma separated (repeatable)', collectPairs)
    .action((flags: QuotaFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const entity = entityOf(flags);
          if (Object.keys(entity).length === 0) throw new InvalidArgumentError('name an entity: --user, --user-default, --client-id, --client-default, --ip or --ip-default');
          const values: Record<string, number | null> = {};
          for (const [key, value] of Object.entries(pairsToRecord(flags.add, '--add'))) {
            const n = Number(value);
            if (!Number.isFinite(n)) throw new InvalidArgumentError(`--add ${key} expects a number, got "${value}"`);
            values[key] = n;
          }
          for (const key of flags.delete ?? []) values[key] = null;
          if (Object.keys(values).length === 0) throw new InvalidArgumentError('give --add and/or --delete');
          await admin.alterClientQuotas([{ entity, quotas: values }]);
          io.stdout.write(`Completed updating quotas of ${entityName(entity)}.\n`);
        }),
      ),
    );

  entityOptions(withConnectionOptions(quotas.command('describe').description('print quotas (all, or of the named entity)')))
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: QuotaFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const entity = entityOf(flags);
          const components: QuotaFilterComponent[] = Object.entries(entity).map(([type, name]) => ({
            entityType: type as QuotaFilterComponent['entityType'],
            match: name === null ? 'default' : { name: name! },
          }));
          const entries = await admin.describeClientQuotas(components, components.length > 0);
          if (flags.output === 'json') {
            io.stdout.write(JSON.stringify(entries) + '\n');
            return;
          }
          const rows = entries.flatMap((e) => Object.entries(e.values).map(([key, value]) => [entityName(e.entity), key, value]));
          io.stdout.write(formatTable(['ENTITY', 'QUOTA', 'VALUE'], rows));
        }),
      ),
    );
  return quotas;
}
