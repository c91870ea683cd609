/**
 * A topology: source nodes (topics in), processor nodes, sink nodes (topics out), and the state
 * stores processors use. Built by the DSL (StreamsBuilder) or by hand, like Kafka's Topology.
 * Every node runs in one task per input partition number. A repartition topic (after a key change)
 * is both a sink and a source of the same task set: records leave through the producer's
 * partitioner and come back to the task owning their new key's partition, so repartition topics
 * are created with as many partitions as the inputs have.
 *
 * Internal topics (repartition) are named here without the application id; a running
 * application reads and writes `<applicationId>-<name>` (see resolveTopic).
 */
import type { Serde } from './serdes.js';
import type { ProcessorSupplier } from './processor.js';
import type { StoreBuilder } from './stores/state-store.js';

export interface SourceNode {
  kind: 'source';
  name: string;
  topics: string[];
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
  children: string[];
  /** Event time from the record (Kafka's TimestampExtractor); default: the record's timestamp. */
  timestampExtractor?: TimestampExtractor;
}

/** Picks a record's event time: e.g. a field of the value. A negative result drops the record. */
export type TimestampExtractor = (record: { topic: string; key: unknown; value: unknown; timestampMs: number }, partitionTimeMs: number) => number;

export interface ProcessorNode {
  kind: 'processor';
  name: string;
  supplier: ProcessorSupplier<unknown, unknown, unknown, unknown>;
  stores: string[];
  children: string[];
}

export interface SinkNode {
  kind: 'sink';
  name: string;
  topic: string;
  keySerde: Serde<unknown>;
  valueSerde: Serde<unknown>;
  children: string[];
}

export type TopologyNode = SourceNode | ProcessorNode | SinkNode;

export class Topology {
  readonly nodes = new Map<string, TopologyNode>();
  readonly stores = new Map<string, StoreBuilder>();
  /**
   * Set by joins (other than with a GlobalKTable): task N joins partition N of each side, so the
   * inputs must be co-partitioned (same partition count), checked when the application starts.
   */
  requiresCopartitioning = false;
  /** Repartition topics, by their name without the application id prefix. */
  readonly internalTopics = new Set<string>();
  /** GlobalKTable stores: each fed by every partition of its topic, shared by all tasks. */
  readonly globalStores = new Map<string, { topic: string; keySerde: Serde<unknown>; valueSerde: Serde<unknown>; builder: StoreBuilder }>();

  /** A store every processor can read, holding all of `topic` (Kafka's addGlobalStore, without a custom processor). */
  addGlobalStore<K, V>(builder: StoreBuilder, topic: string, keySerde: Serde<K>, valueSerde: Serde<V>): this {
    if (this.stores.has(builder.name) || this.globalStores.has(builder.name)) throw new TypeError(`store ${builder.name} already exists`);
    if (this.sourceTopics().includes(topic) || [...this.globalStores.values()].some((g) => g.topic === topic)) throw new TypeError(`topic ${topic} already has a source`);
    this.globalStores.set(builder.name, { topic, keySerde: keySerde as Serde<unknown>, valueSerde: valueSerde as Serde<unknown>, builder });
    return this;
  }

  addSource<K, V>(name: string, topics: string | string[], keySerde: Serde<K>, valueSerde: Serde<V>, timestampExtractor?: TimestampExtractor): this {
    const list = typeof topics === 'string' ? [topics] : topics;
    for (const t of list) {
      if (this.sourceTopics().includes(t)) throw new TypeError(`topic ${t} already has a source node`);
    }
    const node: SourceNode = { kind: 'source', name, topics: list, keySerde: keySerde as Serde<unknown>, valueSerde: valueSerde as Serde<unknown>, children: [] };
    if (timestampExtractor) node.timestampExtractor = timestampExtractor;
    this.addNode(node, []);
    return this;
  }

  addProcessor<KIn, VIn, KOut, VOut>(name: string, supplier: ProcessorSupplier<KIn, VIn, KOut, VOut>, ...parentNames: string[]): this {
    if (parentNames.length === 0) throw new TypeError(`processor ${name} needs at least one parent`);
    this.addNode({ kind: 'processor', name, supplier: supplier as ProcessorSupplier<unknown, unknown, unknown, unknown>, stores: [], children: [] }, parentNames);
    return this;
  }

  addSink<K, V>(name: string, topic: string, keySerde: Serde<K>, valueSerde: Serde<V>, ...parentNames: string[]): this {
    if (parentNames.length === 0) throw new TypeError(`sink ${name} needs at least one parent`);
    this.addNode({ kind: 'sink', name, topic, keySerde: keySerde as Serde<unknown>, valueSerde: valueSerde as Serde<unknown>, children: [] }, parentNames);
    return this;
  }

  /** Registers a store and connects it to the processors that use it. */
  addStateStore(builder: StoreBuilder, ...processorNames: string[]): this {
    if (this.stores.has(builder.name)) throw new TypeError(`store ${builder.name} already exists`);
    this.stores.set(builder.name, builder);
    for (const p of processorNames) this.connectProcessorAndStateStores(p, builder.name);
    return this;
  }

  connectProcessorAndStateStores(processorName: string, ...storeNames: string[]): this {
    const node = this.nodes.get(processorName);
    if (!node || node.kind !== 'processor') throw new TypeError(`no processor named ${processorName}`);
    for (const s of storeNames) {
      if (!this.stores.has(s)) throw new TypeError(`no store named ${s}`);
      if (!node.stores.includes(s)) node.stores.push(s);
    }
    return this;
  }

  /** The application's input topics (internal topics excluded). */
  sourceTopics(): string[] {
    const out: string[] = [];
    for (const n of this.nodes.values()) if (n.kind === 'source') out.push(...n.topics.filter((t) => !this.internalTopics.has(t)));
    return out;
  }

  /** Every topic the tasks read, internal ones with the application id prefix. */
  inputTopics(applicationId: string): string[] {
    const out: string[] = [];
    for (const n of this.nodes.values()) if (n.kind === 'source') out.push(...n.topics.map((t) => this.resolveTopic(applicationId, t)));
    return out;
  }

  /** The name a running application uses for a topic: internal topics get the application id prefix. */
  resolveTopic(applicationId: string, topic: string): string {
    return this.internalTopics.has(topic) ? `${applicationId}-${topic}` : topic;
  }

  sinkTopics(): string[] {
    const out: string[] = [];
    for (const n of this.nodes.values()) if (n.kind === 'sink' && !out.includes(n.topic)) out.push(n.topic);
    return out;
  }

  /** A readable listing, like Kafka's TopologyDescription. */
  describe(): string {
    const lines: string[] = [];
    for (const n of this.nodes.values()) {
      const what = n.kind === 'source' ? `Source: ${n.name} (topics: [${n.topics.join(', ')}])` : n.kind === 'sink' ? `Sink: ${n.name} (topic: ${n.topic})` : `Processor: ${n.name} (stores: [${n.stores.join(', ')}])`;
      lines.push(`  ${what}`, `    --> ${n.children.length > 0 ? n.children.join(', ') : 'none'}`);
    }
    return ['Sub-topology: 0', ...lines].join('\n');
  }

  private addNode(node: TopologyNode, parentNames: string[]): void {
    if (this.nodes.has(node.name)) throw new TypeError(`node ${node.name} already exists`);
    const parents = parentNames.map((p) => {
      const parent = this.nodes.get(p);
      if (!parent) throw new TypeError(`node ${node.name}: no parent named ${p}`);
      if (parent.kind === 'sink') throw new TypeError(`node ${node.name}: sink ${p} cannot have children`);
      return parent;
    });
    this.nodes.set(node.name, node);
    for (const parent of parents) parent.children.push(node.name);
  }
}
