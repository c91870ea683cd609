/**
 * A stream task: one instance of the topology for one input partition number, with its own
 * processors and stores. The driver and the runtime both feed it records and collect its output.
 */
import type { RecordHeader } from '../records/record-types.js';
import type { Processor, ProcessorContext } from './processor.js';
import type { StreamRecord } from './record.js';
import type { StateStore, StoreContext } from './stores/state-store.js';
import { changelogTopic } from './stores/state-store.js';
import { PunctuationQueue } from './punctuation.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Kafka's state.dir default, `<tmp>/kafka-streams`, named for Brook. */
export const defaultStateDir = (): string => join(tmpdir(), 'brook-streams');
import type { Topology, TopologyNode } from './topology.js';

/** Where a task's output goes. partition undefined: the producer's partitioner picks by key. */
export interface RecordCollector {
  send(topic: string, key: Buffer | null, value: Buffer | null, timestampMs: number, headers: RecordHeader[], partition?: number): void;
}

interface RuntimeNode {
  def: TopologyNode;
  processor: Processor<unknown, unknown, unknown, unknown> | null;
  children: RuntimeNode[];
}

export class StreamTask {
  readonly id: string;
  readonly stores = new Map<string, StateStore>();
  readonly droppedRecords = new Map<string, number>();
  private readonly nodes = new Map<string, RuntimeNode>();
  private readonly sourceByTopic = new Map<string, RuntimeNode>();
  private streamTime = -1;
  private readonly streamTimePunctuation = new PunctuationQueue();
  private readonly wallClockPunctuation = new PunctuationQueue();
  private current: { topic: string; partition: number; offset: number } | null = null;

  constructor(
    private readonly topology: Topology,
    readonly partition: number,
    readonly applicationId: string,
    private readonly collector: RecordCollector,
    /** Wall-clock time for WALL_CLOCK_TIME punctuation (the test driver passes its own). */
    private readonly clock: () => number = Date.now,
    /** The instance's global stores (GlobalKTable), readable by every processor. */
    private readonly globalStores: ReadonlyMap<string, StateStore> = new Map(),
    /** state.dir: where persistent stores keep their files. */
    stateDir: string = defaultStateDir(),
  ) {
    this.id = `0_${partition}`;
    const location = { stateDir, applicationId, taskId: this.id };
    for (const [name, builder] of topology.stores) this.stores.set(name, builder.build(location));
    for (const def of topology.nodes.values()) this.nodes.set(def.name, { def, processor: null, children: [] });
    for (const node of this.nodes.values()) {
      node.children = node.def.children.map((c) => this.nodes.get(c)!);
      if (node.def.kind === 'source') for (const t of node.def.topics) this.sourceByTopic.set(topology.resolveTopic(applicationId, t), node);
    }
  }

  /** Opens stores (restore first, then this) and processors. */
  init(): void {
    const storeContext: StoreContext = {
      applicationId: this.applicationId,
      taskId: this.id,
      logChange: (store, key, value, timestampMs) =>
        this.collector.send(changelogTopic(this.applicationId, store), key, value, timestampMs, [], this.partition),
    };
    for (const store of this.stores.values()) store.init(storeContext);
    for (const node of this.nodes.values()) {
      if (node.def.kind !== 'processor') continue;
      node.processor = node.def.supplier();
      node.processor.init?.(this.contextFor(node));
    }
  }

  /** Feeds one changelog record to a store before init(). */
  restore(storeName: string, key: Buffer, value: Buffer | null): void {
    const store = this.stores.get(storeName);
    if (!store) throw new TypeError(`task ${this.id}: no store ${storeName}`);
    store.restore(key, value);
  }

  process(topic: string, offset: number, key: Buffer | null, value: Buffer | null, timestampMs: number, headers: RecordHeader[]): void {
    const source = this.sourceByTopic.get(topic);
    if (!source || source.def.kind !== 'source') throw new TypeError(`task ${this.id}: no source for topic ${topic}`);
    const record: StreamRecord<unknown, unknown> = {
      key: source.def.keySerde.deserialize(topic, key),
      value: source.def.valueSerde.deserialize(topic, value),
      timestampMs,
      headers,
    };
    const extract = source.def.timestampExtractor;
    if (extract) record.timestampMs = extract({ topic, key: record.key, value: record.value, timestampMs }, this.streamTime);
    if (record.timestampMs < 0 || !Number.isFinite(record.timestampMs)) {
      this.recordDropped('negative timestamp');
      return;
    }
    this.streamTime = Math.max(this.streamTime, record.timestampMs);
    this.current = { topic, partition: this.partition, offset };
    try {
      for (const child of source.children) this.deliver(child, record);
    } finally {
      this.current = null;
    }
    this.streamTimePunctuation.mayPunctuate(this.streamTime);
  }

  /** Fires wall-clock punctuators that are due; the runtime calls this from its loop. */
  punctuateWallClock(): number {
    return this.wallClockPunctuation.mayPunctuate(this.clock());
  }

  streamTimeMs(): number {
    return this.streamTime;
  }

  close(): void {
    for (const node of this.nodes.values()) node.processor?.close?.();
    for (const store of this.stores.values()) store.close();
  }

  private recordDropped(reason: string): void {
    this.droppedRecords.set(reason, (this.droppedRecords.get(reason) ?? 0) + 1);
  }

  private deliver(node: RuntimeNode, record: StreamRecord<unknown, unknown>): void {
    const def = node.def;
    if (def.kind === 'processor') node.processor!.process(record);
    else if (def.kind === 'sink') {
      const topic = this.topology.resolveTopic(this.applicationId, def.topic);
      const key = def.keySerde.serialize(topic, record.key);
      const value = def.valueSerde.serialize(topic, record.value);
      this.collector.send(topic, key, value, record.timestampMs, record.headers);
    }
  }

  private contextFor(node: RuntimeNode): ProcessorContext<unknown, unknown> {
    const def = node.def as Extract<TopologyNode, { kind: 'processor' }>;
    return {
      taskId: this.id,
      applicationId: this.applicationId,
      forward: (record, childName) => {
        for (const child of node.children) if (childName === undefined || child.def.name === childName) this.deliver(child, record);
      },
      getStateStore: <S extends StateStore>(name: string): S => {
        const global = this.globalStores.get(name);
        if (global) return global as S;
        if (!def.stores.includes(name)) throw new TypeError(`processor ${def.name} is not connected to store ${name}`);
        return this.stores.get(name) as S;
      },
      streamTimeMs: () => this.streamTime,
      recordMetadata: () => this.current,
      recordDropped: (reason) => this.recordDropped(reason),
      currentSystemTimeMs: () => this.clock(),
      schedule: (intervalMs, type, punctuator) => {
        // Stream time: aligned to 0, so the first fires with the first record.
        if (type === 'STREAM_TIME') return this.streamTimePunctuation.schedule(intervalMs, 0, punctuator);
        return this.wallClockPunctuation.schedule(intervalMs, this.clock() + intervalMs, punctuator);
      },
    };
  }
}
