/**
 * TopologyTestDriver: runs a topology in-process without a broker, like Kafka's. Every input topic
 * is read as partition 0 of one task; outputs (sinks and changelogs) are kept per topic in order.
 * Records written to a repartition topic are piped straight back in, after the record that caused
 * them, as the broker would deliver them.
 *
 *   const driver = new TopologyTestDriver(topology);
 *   const input = driver.createInputTopic('in', Serdes.string(), Serdes.string());
 *   const output = driver.createOutputTopic('out', Serdes.string(), Serdes.int64());
 *   input.pipeInput('k', 'v', 1000);
 *   output.readKeyValuesToList(); driver.getKeyValueStore('counts');
 */
import type { RecordHeader } from '../records/record-types.js';
import type { Serde } from './serdes.js';
import type { KeyValue } from './record.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamTask } from './task.js';
import { GlobalStores } from './runtime/global-stores.js';
import type { Topology } from './topology.js';
import type { KeyValueStore } from './stores/key-value-store.js';
import type { WindowStore } from './stores/window-store.js';
import type { SessionStore } from './stores/session-store.js';

export interface TestRecord<K, V> {
  key: K | null;
  value: V | null;
  timestampMs: number;
  headers: RecordHeader[];
}

interface RawRecord {
  key: Buffer | null;
  value: Buffer | null;
  timestampMs: number;
  headers: RecordHeader[];
}

export class TopologyTestDriver {
  private readonly task: StreamTask;
  private readonly globals: GlobalStores;
  private readonly stateDir: string;
  private readonly outputs = new Map<string, RawRecord[]>();
  private readonly offsets = new Map<string, number>();
  private wallClockMs: number;
  /** Records sent to repartition topics, waiting to be read back. */
  private readonly loopBack: Array<{ topic: string } & RawRecord> = [];
  private readonly internalInputs: Set<string>;

  constructor(private readonly topology: Topology, options: { applicationId?: string; initialWallClockTimeMs?: number } = {}) {
    this.wallClockMs = options.initialWallClockTimeMs ?? 0;
    const applicationId = options.applicationId ?? 'test-driver';
    this.internalInputs = new Set([...topology.internalTopics].map((t) => topology.resolveTopic(applicationId, t)));
    const collector = {
      send: (topic: string, key: Buffer | null, value: Buffer | null, timestampMs: number, headers: RecordHeader[]) => {
        if (this.internalInputs.has(topic)) {
          this.loopBack.push({ topic, key, value, timestampMs, headers });
          return;
        }
        let list = this.outputs.get(topic);
        if (!list) this.outputs.set(topic, (list = []));
        list.push({ key, value, timestampMs, headers });
      },
    };
    this.globals = new GlobalStores(topology, applicationId);
    // Persistent stores get a directory of their own, removed by close().
    this.stateDir = mkdtempSync(join(tmpdir(), 'brook-test-driver-'));
    this.task = new StreamTask(topology, 0, applicationId, collector, () => this.wallClockMs, this.globals.stores, this.stateDir);
    this.task.init();
  }

  createInputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>, options: { startTimestampMs?: number; autoAdvanceMs?: number } = {}): TestInputTopic<K, V> {
    const global = this.globals.topics.includes(topic);
    if (!global && !this.topology.sourceTopics().includes(topic)) throw new TypeError(`topic ${topic} is not an input of this topology`);
    const sink = global ? (key: Buffer | null, value: Buffer | null) => this.globals.apply(topic, key, value) : (key: Buffer | null, value: Buffer | null, ts: number, headers: RecordHeader[]) => this.pipe(topic, key, value, ts, headers);
    return new TestInputTopic(topic, keySerde, valueSerde, options.startTimestampMs ?? this.wallClockMs, options.autoAdvanceMs ?? 0, sink);
  }

  createOutputTopic<K, V>(topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): TestOutputTopic<K, V> {
    return new TestOutputTopic(topic, keySerde, valueSerde, () => this.outputs.get(topic) ?? []);
  }

  getKeyValueStore<K, V>(name: string): KeyValueStore<K, V> {
    return this.store(name) as KeyValueStore<K, V>;
  }

  getWindowStore<K, V>(name: string): WindowStore<K, V> {
    return this.store(name) as WindowStore<K, V>;
  }

  getSessionStore<K, V>(name: string): SessionStore<K, V> {
    return this.store(name) as SessionStore<K, V>;
  }

  /** Moves wall-clock time and fires the WALL_CLOCK_TIME punctuators that are due. */
  advanceWallClockTime(ms: number): void {
    this.wallClockMs += ms;
    this.task.punctuateWallClock();
    this.drainLoopBack();
  }

  /** Records dropped on purpose, by reason (late records, null keys...). */
  droppedRecords(): Map<string, number> {
    return new Map(this.task.droppedRecords);
  }

  streamTimeMs(): number {
    return this.task.streamTimeMs();
  }

  close(): void {
    this.task.close();
    this.globals.close();
    rmSync(this.stateDir, { recursive: true, force: true });
  }

  private store(name: string) {
    const s = this.task.stores.get(name) ?? this.globals.stores.get(name);
    if (!s) throw new TypeError(`no store named ${name}`);
    return s;
  }

  private pipe(topic: string, key: Buffer | null, value: Buffer | null, timestampMs: number, headers: RecordHeader[]): void {
    const offset = this.offsets.get(topic) ?? 0;
    this.offsets.set(topic, offset + 1);
    this.task.process(topic, offset, key, value, timestampMs, headers);
    this.drainLoopBack();
  }

  private drainLoopBack(): void {
    for (let r = this.loopBack.shift(); r; r = this.loopBack.shift()) {
      const offset = this.offsets.get(r.topic) ?? 0;
      this.offsets.set(r.topic, offset + 1);
      this.task.process(r.topic, offset, r.key, r.value, r.timestampMs, r.headers);
    }
  }
}

export class TestInputTopic<K, V> {
  constructor(
    private readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private nextTimestampMs: number,
    private readonly autoAdvanceMs: number,
    private readonly sink: (key: Buffer | null, value: Buffer | null, timestampMs: number, headers: RecordHeader[]) => void,
  ) {}

  /** Timestamp omitted: the topic's current time, which then moves by autoAdvanceMs. */
  pipeInput(key: K | null, value: V | null, timestampMs?: number, headers: RecordHeader[] = []): void {
    let ts = timestampMs;
    if (ts === undefined) {
      ts = this.nextTimestampMs;
      this.nextTimestampMs += this.autoAdvanceMs;
    }
    this.sink(this.keySerde.serialize(this.topic, key), this.valueSerde.serialize(this.topic, value), ts, headers);
  }

  pipeValueList(values: V[]): void {
    for (const v of values) this.pipeInput(null, v);
  }

  pipeKeyValueList(pairs: Array<KeyValue<K, V>>): void {
    for (const [k, v] of pairs) this.pipeInput(k, v);
  }

  advanceTime(ms: number): void {
    this.nextTimestampMs += ms;
  }
}

export class TestOutputTopic<K, V> {
  private position = 0;

  constructor(
    private readonly topic: string,
    private readonly keySerde: Serde<K>,
    private readonly valueSerde: Serde<V>,
    private readonly records: () => RawRecord[],
  ) {}

  isEmpty(): boolean {
    return this.position >= this.records().length;
  }

  getQueueSize(): number {
    return this.records().length - this.position;
  }

  readRecord(): TestRecord<K, V> {
    const raw = this.records()[this.position];
    if (!raw) throw new RangeError(`no more records in output topic ${this.topic}`);
    this.position++;
    return { key: this.keySerde.deserialize(this.topic, raw.key), value: this.valueSerde.deserialize(this.topic, raw.value), timestampMs: raw.timestampMs, headers: raw.headers };
  }

  readKeyValue(): KeyValue<K | null, V | null> {
    const r = this.readRecord();
    return [r.key, r.value];
  }

  readValue(): V | null {
    return this.readRecord().value;
  }

  readRecordsToList(): Array<TestRecord<K, V>> {
    const out: Array<TestRecord<K, V>> = [];
    while (!this.isEmpty()) out.push(this.readRecord());
    return out;
  }

  readKeyValuesToList(): Array<KeyValue<K | null, V | null>> {
    return this.readRecordsToList().map((r) => [r.key, r.value]);
  }

  readValuesToList(): Array<V | null> {
    return this.readRecordsToList().map((r) => r.value);
  }

  /** Latest value per key (a table's view); a null value removes the key. */
  readKeyValuesToMap(): Map<K | null, V> {
    const out = new Map<K | null, V>();
    for (const r of this.readRecordsToList()) {
      if (r.value === null) out.delete(r.key);
      else out.set(r.key, r.value);
    }
    return out;
  }
}
