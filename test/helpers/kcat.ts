/** Runs the real kcat (librdkafka) client against a test broker. */
import { spawn } from 'node:child_process';

export interface KcatResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function kcat(args: string[], input?: string, timeoutMs = 60_000): Promise<KcatResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} timed out\nstderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** `key:value` lines for `count` records spread over `keys` keys, values numbered per key. */
export function keyedLines(count: number, keys: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) lines.push(`key-${i % keys}:value-${i}`);
  return lines.join('\n') + '\n';
}

/** Checks that within each key the values appear in increasing sequence number order. */
export function perKeyOrderHolds(lines: string[]): boolean {
  const last = new Map<string, number>();
  for (const line of lines) {
    const [key, value] = line.split(':');
    const n = Number(value!.slice('value-'.length));
    if ((last.get(key!) ?? -1) >= n) return false;
    last.set(key!, n);
  }
  return true;
}
