/**
 * Global stores (GlobalKTable): every instance holds the whole table, read from all partitions of
 * its topic, shared by all of the instance's tasks. The topic itself is the changelog, so the stores
 * are not logged. KafkaStreams reads the topics to their end before processing starts, then keeps
 * applying new records between polls; the test driver applies piped records directly.
 */
import { Admin, Consumer } from '../../client/index.js';
import type { StateStore } from '../stores/state-store.js';
import type { Topology } from '../topology.js';
import type { KeyValueStore } from '../stores/key-value-store.js';

export class GlobalStores {
  readonly stores = new Map<string, StateStore>();
  private readonly byTopic = new Map<string, { storeName: string; apply: (key: Buffer | null, value: Buffer | null) => void }>();

  constructor(topology: Topology, applicationId: string) {
    for (const [storeName, g] of topology.globalStores) {
      const store = g.builder.build() as KeyValueStore<unknown, unknown>;
      store.init({ applicationId, taskId: 'global', logChange: () => {} });
      this.stores.set(storeName, store);
      this.byTopic.set(g.topic, {
        storeName,
        apply: (key, value) => {
          const k = g.keySerde.deserialize(g.topic, key);
          if (k === null || k === undefined) return;
          const v = g.valueSerde.deserialize(g.topic, value);
          if (v === null) store.delete(k);
          else store.put(k, v);
        },
      });
    }
  }

  get topics(): string[] {
    return [...this.byTopic.keys()];
  }

  apply(topic: string, key: Buffer | null, value: Buffer | null): void {
    const target = this.byTopic.get(topic);
    if (!target) throw new TypeError(`${topic} is not the topic of a global table`);
    target.apply(key, value);
  }

  close(): void {
    for (const s of this.stores.values()) s.close();
  }
}

/** Keeps an instance's global stores current from their topics (all partitions, from the start). */
export class GlobalStoreUpdater {
  private consumer: Consumer | null = null;

  constructor(
    private readonly globals: GlobalStores,
    private readonly options: { bootstrapServers: string | string[]; clientId: string; timeoutMs: number; clock: () => number },
  ) {}

  /** Reads every global topic to its current end (Kafka's global bootstrap). */
  async bootstrap(admin: Admin): Promise<void> {
    if (this.globals.topics.length === 0) return;
    this.consumer = new Consumer({ bootstrapServers: this.options.bootstrapServers, clientId: `${this.options.clientId}-global`, autoOffsetReset: 'earliest', maxWaitMs: 50 });
    const ends: Array<{ topic: string; partition: number; high: number }> = [];
    for (const topic of this.globals.topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) ends.push({ topic, partition: p.partition, high: p.high });
    }
    await this.consumer.assign(ends.map(({ topic, partition }) => ({ topic, partition })));
    const deadline = this.options.clock() + this.options.timeoutMs;
    while (ends.some((e) => this.consumer!.position(e) < e.high)) {
      if (this.options.clock() > deadline) throw new Error(`reading the global tables' topics timed out`);
      this.applyAll(await this.consumer.poll({ timeoutMs: 100 }));
    }
  }

  /** Applies whatever arrived since the last call, without waiting. */
  async update(): Promise<void> {
    if (this.consumer) this.applyAll(await this.consumer.poll({ timeoutMs: 0 }));
  }

  async close(): Promise<void> {
    await this.consumer?.close();
  }

  private applyAll(records: Array<{ topic: string; key: Buffer | null; value: Buffer | null }>): void {
    for (const r of records) this.globals.apply(r.topic, r.key, r.value);
  }
}
