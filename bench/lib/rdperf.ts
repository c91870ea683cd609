/** Builds and runs ../shared/tools/rdperf.c, the librdkafka load generator, parsing its key=value line. */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { repoRoot } from './paths.js';

const source = resolve(repoRoot, '..', 'shared', 'tools', 'rdperf.c');
export const rdperfBinary = join(repoRoot, 'bench', 'rdperf');

export function buildRdperf(): void {
  if (existsSync(rdperfBinary)) return;
  const gcc = spawnSync('gcc', ['-O2', '-o', rdperfBinary, source, '-lrdkafka'], { stdio: 'inherit' });
  if (gcc.status !== 0) throw new Error('could not build rdperf: apt-get install -y librdkafka-dev gcc');
}

export function rdperf(args: string[]): Promise<Record<string, string>> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(rdperfBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`rdperf ${args.join(' ')} failed (${code}): ${(err || out).slice(-500)}`));
      const fields: Record<string, string> = {};
      for (const pair of out.trim().split(/\s+/)) {
        const [k, v] = pair.split('=');
        if (k && v !== undefined) fields[k] = v;
      }
      resolvePromise(fields);
    });
  });
}
