#!/usr/bin/env node
/**
 * The `brook` executable. All logic lives in run.ts (and start-args.ts), which tests import;
 * this file only connects it to the real process.
 */
import { run } from './run.js';

const code = await run(process.argv.slice(2));
// Exit explicitly: after a clean stop nothing should be left running, and if something is
// (a stray timer), the operator asked for the process to end.
process.exit(code);
