import { MemoryLogStore } from '../../src/storage/memory/memory-store.js';
import { runLogStoreConformance } from './conformance.js';
import { runCleanerConformance } from './cleaner-conformance.js';

runLogStoreConformance('MemoryLogStore', async () => new MemoryLogStore());

runCleanerConformance('MemoryLogStore', async (clock, options = {}) =>
  new MemoryLogStore({ clock, retentionCheckIntervalMs: 0, cleaner: { enabled: false, ...options } }),
);
