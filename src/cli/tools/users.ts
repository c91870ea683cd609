/**
 * `brook users scram set|list|delete` (kafka-configs.sh --entity-type users
 * --alter --add-config 'SCRAM-SHA-512=[password=...]'): SCRAM credentials through
 * AlterUserScramCredentials / DescribeUserScramCredentials. The password is salted by the client;
 * the broker never receives it.
 */
import { Command, Option } from 'commander';
import type { ScramMechanism } from '../../client/admin-security.js';
import { CliError, collect, formatTable, parsePositiveInt, withConnectionOptions, type ConnectionFlags, type ToolIO } from './common.js';
import { withAdmin } from './topics.js';

interface ScramFlags extends ConnectionFlags {
  user?: string[];
  mechanism: ScramMechanism[];
  password?: string;
  iterations: number;
  output: 'text' | 'json';
}

const mechanismOption = () =>
  new Option('--mechanism <name>', 'SCRAM-SHA-256 or SCRAM-SHA-512 (repeatable)')
    .choices(['SCRAM-SHA-256', 'SCRAM-SHA-512'])
    .argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);

export function usersCommand(io: ToolIO, run: (fn: () => Promise<void>) => void): Command {
  const users = new Command('users').description('manage users\' SCRAM credentials');
  const scram = users.command('scram').description('SCRAM-SHA-256/512 credentials');

  withConnectionOptions(scram.command('set').description('create or replace a user\'s SCRAM credential'))
    .requiredOption('--user <name>', 'the user', collect)
    .addOption(mechanismOption())
    .option('--password <password>', 'the password (default: the BROOK_SCRAM_PASSWORD environment variable)')
    .option('--iterations <n>', 'PBKDF2 iterations (4096..16384)', parsePositiveInt, 4096)
    .action((flags: ScramFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const password = flags.password ?? process.env.BROOK_SCRAM_PASSWORD;
          if (!password) throw new CliError('give --password or set BROOK_SCRAM_PASSWORD');
          const mechanisms = flags.mechanism ?? ['SCRAM-SHA-512'];
          const upsertions = flags.user!.flatMap((user) => mechanisms.map((mechanism) => ({ user, mechanism, password, iterations: flags.iterations })));
          await admin.alterUserScramCredentials({ upsertions });
          io.stdout.write(`Set ${mechanisms.join(', ')} credentials of ${flags.user!.join(', ')}.\n`);
        }),
      ),
    );

  withConnectionOptions(scram.command('list').description('list users and their SCRAM mechanisms'))
    .option('--user <name>', 'only these users (repeatable)', collect)
    .addOption(new Option('--output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((flags: ScramFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          const listed = await admin.describeUserScramCredentials(flags.user);
          if (flags.output === 'json') {
            io.stdout.write(JSON.stringify(listed) + '\n');
            return;
          }
          const rows = listed.flatMap((u) => u.mechanisms.map((m) => [u.user, m.mechanism, m.iterations]));
          io.stdout.write(formatTable(['USER', 'MECHANISM', 'ITERATIONS'], rows));
        }),
      ),
    );

  withConnectionOptions(scram.command('delete').description('delete a user\'s SCRAM credentials'))
    .requiredOption('--user <name>', 'the user', collect)
    .addOption(mechanismOption())
    .action((flags: ScramFlags) =>
      run(() =>
        withAdmin(flags, io, async (admin) => {
          // Without --mechanism: every mechanism the user has.
          const current = flags.mechanism ? [] : await admin.describeUserScramCredentials(flags.user);
          const deletions = flags.mechanism
            ? flags.user!.flatMap((user) => flags.mechanism.map((mechanism) => ({ user, mechanism })))
            : current.flatMap((u) => u.mechanisms.filter((m) => m.mechanism !== 'UNKNOWN').map((m) => ({ user: u.user, mechanism: m.mechanism as ScramMechanism })));
          await admin.alterUserScramCredentials({ deletions });
          io.stdout.write(`Deleted ${deletions.length} credential${deletions.length === 1 ? '' : 's'} of ${flags.user!.join(', ')}.\n`);
        }),
      ),
    );
  return users;
}
