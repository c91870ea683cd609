/**
 * The store behind one side of a windowed stream-stream join: every record of the side, kept by
 * key and timestamp (duplicates allowed, as Kafka's window stores with retainDuplicates), until
 * stream time passes it by the retention (the join window plus grace). Each entry also carries
 * whether it has found a partner yet, so left/outer joins can emit unmatched records when their
 * window closes rather than too early (Kafka 3.1+ semantics).
 *
 * Changelog record: key = key bytes + 8-byte big-endian timestamp + 4-byte sequence number,
 * value = 1 byte (1 = matched) + the value bytes; null deletes.
 */
import type { Serde } from '../serdes.js';
import { type StateStore, type StoreBuilder, type StoreContext, storeKeyBytes } from './state-store.js';

export interface BufferedRecord<V> {
  timestampMs: number;
  value: V;
  matched: boolean;
  /** Identity within a key and timestamp (the changelog key). */
  seq: number;
}

export class JoinBufferStore<K, V> implements StateStore {
  /** latin1 key bytes -> that key's records, oldest first. */
  private readonly byKey = new Map<string, { key: K; records: Array<BufferedRecord<V>> }>();
  private context: StoreContext | null = null;
  private topic = '';
  private nextSeq = 0;

  constructor(
    readonly name: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    readonly retentionMs: number,
    readonly loggingEnabled = true,
  ) {}

  init(context: StoreContext): void {
    this.context = context;
    this.topic = `${context.applicationId}-${this.name}-changelog`;
  }

  add(key: K, value: V, timestampMs: number): BufferedRecord<V> {
    const keyBytes = this.keyBytes(key);
    const entry = this.entryFor(keyBytes, key);
    const record: BufferedRecord<V> = { timestampMs, value, matched: false, seq: this.nextSeq++ };
    entry.records.push(record);
    this.log(keyBytes, record);
    return record;
  }

  /** Records of `key` with fromMs <= timestamp <= toMs. */
  fetch(key: K, fromMs: number, toMs: number): Array<BufferedRecord<V>> {
    const entry = this.byKey.get(this.keyBytes(key).toString('latin1'));
    if (!entry) return [];
    return entry.records.filter((r) => r.timestampMs >= fromMs && r.timestampMs <= toMs);
  }

  markMatched(key: K, record: BufferedRecord<V>): void {
    if (record.matched) return;
    record.matched = true;
    this.log(this.keyBytes(key), record);
  }

  /**
   * Removes records older than `beforeMs` and hands each to `expired` first (unmatched ones are
   * what left/outer joins emit alone).
   */
  expire(beforeMs: number, expired: (key: K, record: BufferedRecord<V>) => void): void {
    for (const [k, entry] of this.byKey) {
      const keyBytes = Buffer.from(k, 'latin1');
      const kept: Array<BufferedRecord<V>> = [];
      for (const r of entry.records) {
        if (r.timestampMs >= beforeMs) {
          kept.push(r);
          continue;
        }
        expired(entry.key, r);
        if (this.loggingEnabled) this.context?.logChange(this.name, changelogKey(keyBytes, r), null, r.timestampMs);
      }
      if (kept.length === 0) this.byKey.delete(k);
      else entry.records = kept;
    }
  }

  restore(key: Buffer, value: Buffer | null): void {
    const keyBytes = key.subarray(0, key.length - 12);
    const timestampMs = Number(key.readBigInt64BE(key.length - 12));
    const seq = key.readInt32BE(key.length - 4);
    this.nextSeq = Math.max(this.nextSeq, seq + 1);
    const entry = this.entryFor(keyBytes, this.keySerde.deserialize(this.topic, keyBytes) as K);
    const at = entry.records.findIndex((r) => r.timestampMs === timestampMs && r.seq === seq);
    if (value === null) {
      if (at >= 0) entry.records.splice(at, 1);
      if (entry.records.length === 0) this.byKey.delete(keyBytes.toString('latin1'));
      return;
    }
    const record: BufferedRecord<V> = { timestampMs, seq, matched: value[0] === 1, value: this.valueSerde.deserialize(this.topic, value.subarray(1)) as V };
    if (at >= 0) entry.records[at] = record;
    else entry.records.push(record);
    entry.records.sort((a, b) => a.timestampMs - b.timestampMs || a.seq - b.seq);
  }

  close(): void {
    this.byKey.clear();
  }

  private entryFor(keyBytes: Buffer, key: K) {
    const k = keyBytes.toString('latin1');
    let entry = this.byKey.get(k);
    if (!entry) this.byKey.set(k, (entry = { key, records: [] }));
    return entry;
  }

  private log(keyBytes: Buffer, record: BufferedRecord<V>): void {
    if (!this.loggingEnabled) return;
    const valueBytes = this.valueSerde.serialize(this.topic, record.value) ?? Buffer.alloc(0);
    this.context?.logChange(this.name, changelogKey(keyBytes, record), Buffer.concat([Buffer.from([record.matched ? 1 : 0]), valueBytes]), record.timestampMs);
  }

  private keyBytes(key: K): Buffer {
    return storeKeyBytes(this.keySerde, this.topic, key, this.name);
  }
}

function changelogKey(keyBytes: Buffer, record: BufferedRecord<unknown>): Buffer {
  const out = Buffer.allocUnsafe(keyBytes.length + 12);
  keyBytes.copy(out, 0);
  out.writeBigInt64BE(BigInt(record.timestampMs), keyBytes.length);
  out.writeInt32BE(record.seq | 0, keyBytes.length + 8);
  return out;
}

export function joinBufferStoreBuilder<K, V>(name: string, keySerde: Serde<K>, valueSerde: Serde<V>, retentionMs: number, logging = true): StoreBuilder<JoinBufferStore<K, V>> {
  return { name, loggingEnabled: logging, build: () => new JoinBufferStore(name, keySerde, valueSerde, retentionMs, logging) };
}
