/**
 * In-memory session store: per key, its sessions [startMs, endMs] (inclusive, as Kafka's session
 * windows) with their aggregates. Sessions ending before observed stream time minus the retention
 * are evicted on the next put.
 * Changelog record: key = session-windowed key bytes (key, 8-byte end, 8-byte start), value = the
 * aggregate; null deletes the session.
 */
import type { Serde } from '../serdes.js';
import type { Windowed } from '../record.js';
import { sessionWindowedSerde } from '../windows.js';
import { type StateStore, type StoreBuilder, type StoreContext, storeKeyBytes } from './state-store.js';

export interface Session<V> {
  startMs: number;
  endMs: number;
  value: V;
}

export interface SessionStore<K, V> extends StateStore {
  readonly retentionMs: number;
  /** The key's sessions that overlap [earliestEndMs .. latestStartMs] (end >= earliestEnd, start <= latestStart), by start. */
  findSessions(key: K, earliestEndMs: number, latestStartMs: number): Array<Session<V>>;
  put(key: K, session: Session<V>): void;
  remove(key: K, session: { startMs: number; endMs: number }): void;
  /** The session with exactly these bounds, or null. */
  fetchSession(key: K, startMs: number, endMs: number): V | null;
  /** Every session of the key, by start. */
  fetch(key: K): Array<Session<V>>;
}

export class InMemorySessionStore<K, V> implements SessionStore<K, V> {
  private readonly byKey = new Map<string, { key: K; sessions: Array<Session<V>> }>();
  private context: StoreContext | null = null;
  private topic = '';
  private observedMs = -1;
  private readonly changelogKeySerde: Serde<Windowed<K>>;

  constructor(
    readonly name: string,
    readonly retentionMs: number,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    readonly loggingEnabled = true,
  ) {
    this.changelogKeySerde = sessionWindowedSerde(keySerde);
  }

  init(context: StoreContext): void {
    this.context = context;
    this.topic = `${context.applicationId}-${this.name}-changelog`;
  }

  findSessions(key: K, earliestEndMs: number, latestStartMs: number): Array<Session<V>> {
    return this.fetch(key).filter((s) => s.endMs >= earliestEndMs && s.startMs <= latestStartMs);
  }

  fetch(key: K): Array<Session<V>> {
    return [...(this.byKey.get(this.keyString(key))?.sessions ?? [])];
  }

  fetchSession(key: K, startMs: number, endMs: number): V | null {
    return this.fetch(key).find((s) => s.startMs === startMs && s.endMs === endMs)?.value ?? null;
  }

  put(key: K, session: Session<V>): void {
    this.apply(key, session.startMs, session.endMs, session.value);
    this.log(key, session.startMs, session.endMs, session.value);
    if (session.endMs > this.observedMs) {
      this.observedMs = session.endMs;
      this.evictExpired();
    }
  }

  remove(key: K, session: { startMs: number; endMs: number }): void {
    this.apply(key, session.startMs, session.endMs, null);
    this.log(key, session.startMs, session.endMs, null);
  }

  restore(key: Buffer, value: Buffer | null): void {
    const windowed = this.changelogKeySerde.deserialize(this.topic, key)!;
    this.observedMs = Math.max(this.observedMs, windowed.window.endMs);
    this.apply(windowed.key, windowed.window.startMs, windowed.window.endMs, this.valueSerde.deserialize(this.topic, value));
  }

  close(): void {
    this.byKey.clear();
  }

  private apply(key: K, startMs: number, endMs: number, value: V | null): void {
    const k = this.keyString(key);
    let entry = this.byKey.get(k);
    if (!entry) this.byKey.set(k, (entry = { key, sessions: [] }));
    entry.sessions = entry.sessions.filter((s) => !(s.startMs === startMs && s.endMs === endMs));
    if (value !== null) {
      entry.sessions.push({ startMs, endMs, value });
      entry.sessions.sort((a, b) => a.startMs - b.startMs);
    }
    if (entry.sessions.length === 0) this.byKey.delete(k);
  }

  private log(key: K, startMs: number, endMs: number, value: V | null): void {
    if (!this.loggingEnabled || !this.context) return;
    const keyBytes = this.changelogKeySerde.serialize(this.topic, { key, window: { startMs, endMs } })!;
    this.context.logChange(this.name, keyBytes, value === null ? null : this.valueSerde.serialize(this.topic, value), endMs);
  }

  private evictExpired(): void {
    const oldestEndMs = this.observedMs - this.retentionMs;
    for (const [k, entry] of this.byKey) {
      entry.sessions = entry.sessions.filter((s) => s.endMs >= oldestEndMs);
      if (entry.sessions.length === 0) this.byKey.delete(k);
    }
  }

  private keyString(key: K): string {
    return storeKeyBytes(this.keySerde, this.topic, key, this.name).toString('latin1');
  }
}

export function sessionStoreBuilder<K, V>(name: string, options: { retentionMs: number; keySerde: Serde<K>; valueSerde: Serde<V>; logging?: boolean }): StoreBuilder<SessionStore<K, V>> {
  const logging = options.logging ?? true;
  return { name, loggingEnabled: logging, build: () => new InMemorySessionStore(name, options.retentionMs, options.keySerde, options.valueSerde, logging) };
}
