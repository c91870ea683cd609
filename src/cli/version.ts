import { readFileSync } from 'node:fs';

/**
 * Brook's version from package.json. This file compiles to <out>/src/cli/version.js, so the
 * package root is three directories up whatever the output directory is called.
 */
export function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
