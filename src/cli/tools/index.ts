/**
 * The client tools: `brook topics|produce|consume|groups|configs|perf`. run.ts dispatches here
 * when the first argument names one of them. Exit codes: 0 done, 1 the operation failed (one
 * `brook: <cause>` line on stderr, no stack), 2 bad command line.
 */
import { Command, CommanderError } from 'commander';
import { commanderMessage } from '../start-args.js';
import { configsCommand } from './configs.js';
import { consumeCommand } from './consume.js';
import type { ToolIO } from './common.js';
import { groupsCommand } from './groups.js';
import { perfCommand } from './perf.js';
import { produceCommand } from './produce.js';
import { topicsCommand } from './topics.js';
import { aclsCommand } from './acls.js';
import { usersCommand } from './users.js';
import { quotasCommand } from './quotas.js';

export { TOOL_COMMANDS } from './names.js';

export function defaultToolIO(): ToolIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    onSignal: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    clock: Date.now,
  };
}

export async function runTool(argv: readonly string[], io: ToolIO = defaultToolIO()): Promise<number> {
  let pending: Promise<void> | null = null;
  const run = (fn: () => Promise<void>) => {
    pending = fn();
  };
  const program = new Command('brook').exitOverride().configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: () => {},
  });
  for (const cmd of [topicsCommand(io, run), produceCommand(io, run), consumeCommand(io, run), groupsCommand(io, run), configsCommand(io, run), perfCommand(io, run), aclsCommand(io, run), usersCommand(io, run), quotasCommand(io, run)]) {
    program.addCommand(cmd);
  }
  // Commander errors (and help) must not exit the process on subcommands either.
  const override = (cmd: Command) => {
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s), outputError: () => {} });
    cmd.commands.forEach(override);
  };
  program.commands.forEach(override);
  try {
    program.parse([...argv], { from: 'user' });
    if (pending) await pending;
    return 0;
  } catch (err) {
    return report(err, io);
  }
}

function report(err: unknown, io: ToolIO): number {
  if (err instanceof CommanderError) {
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.help' || err.code === 'commander.version') return 0;
    if (err.code === 'commander.executeSubCommandAsync') return 0;
    io.stderr.write(`brook: ${commanderMessage(err)}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`brook: ${message.split('\n')[0]}\n`);
  return 1;
}
