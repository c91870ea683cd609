#!/usr/bin/env node
// Builds the web console's pages (src/console/web) into dist/console-web/ with esbuild: one bundled,
// minified ES module and one stylesheet, named by content hash, plus index.html pointing at them.
// Nothing is fetched at run time. (The TypeScript check of the pages is `tsc -p src/console/web`.)
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const webDir = join(repo, 'src', 'console', 'web');
const outDir = join(repo, 'dist', 'console-web');
const assetsDir = join(outDir, 'assets');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(assetsDir, { recursive: true });

const result = await build({
  entryPoints: [join(webDir, 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2022',
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: assetsDir,
  entryNames: '[name]-[hash]',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const script = outputs.find((f) => f.endsWith('.js'));
const stylesheet = outputs.find((f) => f.endsWith('.css'));
if (!script) throw new Error('esbuild produced no script');

const html = readFileSync(join(webDir, 'index.html'), 'utf8')
  .replace(
    /<script type="module" src="[^"]*"><\/script>/,
    `<script type="module" src="/assets/${script}"></script>`,
  )
  .replace('</head>', stylesheet ? `    <link rel="stylesheet" href="/assets/${stylesheet}" />\n  </head>` : '</head>');
writeFileSync(join(outDir, 'index.html'), html);
console.log(`console pages: dist/console-web/assets/${script}${stylesheet ? `, ${stylesheet}` : ''}`);
