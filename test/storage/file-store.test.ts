/**
 * FileLogStore: the conformance suite (with and without the tail cache, so both the memory and
 * the disk read paths are exercised), then what only a file store has: segments, index formats,
 * recovery, the data dir lock, flush policy and durability across SIGKILL.
 */
import { after } from 'node:test';
import { FileLogStore } from '../../src/storage/file/file-store.js';
import { runLogStoreConformance } from './conformance.js';
import { runCleanerConformance } from './cleaner-conformance.js';
import { removeTempDirs, tempDir } from './file-helpers.js';

after(removeTempDirs);

runLogStoreConformance('FileLogStore', async () => FileLogStore.open({ dataDir: await tempDir() }));
runLogStoreConformance('FileLogStore without tail cache', async () =>
  FileLogStore.open({ dataDir: await tempDir(), tailCacheBytes: 0, maxOpenSegmentsPerPartition: 1 }),
);

runCleanerConformance('FileLogStore', async (clock, options = {}) =>
  FileLogStore.open({ dataDir: await tempDir(), clock, retentionCheckIntervalMs: 0, cleaner: { enabled: false, ...options } }),
);
