/** What every state store offers the task that owns it. */
import type { Serde } from '../serdes.js';

/** Where a store writes its changes; the task routes them to the store's changelog partition. */
export interface StoreContext {
  readonly applicationId: string;
  readonly taskId: string;
  /** Called once per change when logging is enabled; value null means delete. */
  logChange(storeName: string, key: Buffer, value: Buffer | null, timestampMs: number): void;
}

export interface StateStore {
  readonly name: string;
  readonly loggingEnabled: boolean;
  init(context: StoreContext): void;
  /** Applies one changelog record during restore (without logging it again). */
  restore(key: Buffer, value: Buffer | null): void;
  close(): void;
}

/** Where a task's persistent stores live: `<stateDir>/<applicationId>/<taskId>/<store>`. */
export interface StoreLocation {
  stateDir: string;
  applicationId: string;
  taskId: string;
}

/** Builds a fresh store per task (persistent stores need the location; in-memory ones ignore it). */
export interface StoreBuilder<S extends StateStore = StateStore> {
  readonly name: string;
  readonly loggingEnabled: boolean;
  build(location?: StoreLocation): S;
}

/** A store key's bytes: what stores index and log by. Null keys are refused. */
export function storeKeyBytes<K>(serde: Serde<K>, topic: string, key: K, storeName: string): Buffer {
  const bytes = serde.serialize(topic, key);
  if (bytes === null) throw new TypeError(`store ${storeName}: null keys are not allowed`);
  return bytes;
}

/** The changelog topic Kafka Streams uses for a store; created with cleanup.policy=compact. */
export function changelogTopic(applicationId: string, storeName: string): string {
  return `${applicationId}-${storeName}-changelog`;
}
