/**
 * Interactive queries: read-only views over one store across every task this instance runs (Kafka's
 * ReadOnlyKeyValueStore / ReadOnlyWindowStore / ReadOnlySessionStore from KafkaStreams.store()).
 * Each key lives in exactly one task (the one owning its partition), so a lookup asks each local
 * task's store; keys owned by other instances are not visible here.
 */
import type { KeyValueStore } from './stores/key-value-store.js';
import type { WindowStore } from './stores/window-store.js';
import type { Session, SessionStore } from './stores/session-store.js';

export interface ReadOnlyKeyValueStore<K, V> {
  get(key: K): V | null;
  /** Entries with from <= key <= to, in key-byte order within each task. */
  range(from: K, to: K): Array<[K, V]>;
  all(): Array<[K, V]>;
  approximateNumEntries(): number;
}

export interface ReadOnlyWindowStore<K, V> {
  fetch(key: K, windowStartMs: number): V | null;
  fetchRange(key: K, fromMs: number, toMs: number): Array<{ windowStartMs: number; value: V }>;
  all(): Array<{ key: K; windowStartMs: number; value: V }>;
}

export interface ReadOnlySessionStore<K, V> {
  fetch(key: K): Array<Session<V>>;
}

/** The named store of every local task, read at call time (tasks come and go with rebalances). */
export type StoreLookup<S> = () => S[];

export function readOnlyKeyValueStore<K, V>(stores: StoreLookup<KeyValueStore<K, V>>): ReadOnlyKeyValueStore<K, V> {
  return {
    get: (key) => {
      for (const s of stores()) {
        const v = s.get(key);
        if (v !== null) return v;
      }
      return null;
    },
    range: (from, to) => stores().flatMap((s) => s.range(from, to)),
    all: () => stores().flatMap((s) => s.all()),
    approximateNumEntries: () => stores().reduce((n, s) => n + s.approximateNumEntries(), 0),
  };
}

export function readOnlyWindowStore<K, V>(stores: StoreLookup<WindowStore<K, V>>): ReadOnlyWindowStore<K, V> {
  return {
    fetch: (key, windowStartMs) => {
      for (const s of stores()) {
        const v = s.fetch(key, windowStartMs);
        if (v !== null) return v;
      }
      return null;
    },
    fetchRange: (key, fromMs, toMs) => stores().flatMap((s) => s.fetchRange(key, fromMs, toMs)),
    all: () => stores().flatMap((s) => s.all()),
  };
}

export function readOnlySessionStore<K, V>(stores: StoreLookup<SessionStore<K, V>>): ReadOnlySessionStore<K, V> {
  return { fetch: (key) => stores().flatMap((s) => s.fetch(key)) };
}
