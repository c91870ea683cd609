// Builds the console pages into dist/console-web/ (served by src/console/server.ts).
// Front-end sources are .tsx, not .ts, so the Node project's tsconfig (src/**/*.ts, Node types,
// no DOM) leaves them to this build and to ./tsconfig.json, which type-checks them with the DOM.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../../../dist/console-web', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // Everything is served from disk; no inlined data: URLs needed beyond small icons.
    assetsInlineLimit: 0,
  },
});
