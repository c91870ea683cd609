import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from the compiled dist/bench/lib/ location. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
