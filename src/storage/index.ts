/** The storage layer's public surface. */
export * from './types.js';
export { MemoryLogStore } from './memory/memory-store.js';
export { MemoryPartitionLog } from './memory/memory-partition-log.js';
export { FileLogStore, CLEAN_SHUTDOWN_FILE } from './file/file-store.js';
export type { FileLogStoreOptions, FileLogStoreStats } from './file/file-store.js';
export { FilePartitionLog } from './file/partition-log.js';
export type { RecoveryReport } from './file/log-loader.js';
export type { SegmentTruncation } from './file/recovery.js';
export { DataDirLockedError } from './file/lock.js';
export { nodeFileOps } from './file/fs-ops.js';
export type { FileOps } from './file/fs-ops.js';
export * from './leader-epoch-cache.js';
