import { MemoryLogStore } from '../../src/storage/memory/memory-store.js';
import { runLogStoreConformance } from './conformance.js';

runLogStoreConformance('MemoryLogStore', async () => new MemoryLogStore());
